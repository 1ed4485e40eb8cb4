package dev.crewrecovery.cli;

import dev.crewrecovery.cli.internal.ops.DeadletterCommand;
import dev.crewrecovery.cli.internal.ops.Environment;
import dev.crewrecovery.cli.internal.ops.ErrorHandler;
import dev.crewrecovery.cli.internal.ops.EventsCommand;
import dev.crewrecovery.cli.internal.ops.GlobalOptions;
import dev.crewrecovery.cli.internal.ops.InspectCommand;
import dev.crewrecovery.cli.internal.ops.ReconcileCommand;
import dev.crewrecovery.cli.internal.ops.RecoverCommand;
import dev.crewrecovery.cli.internal.ops.StatusCommand;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The {@code crew-recovery} command: {@code crew-recovery [--store DIR] <command>}. The operator
 * commands read a store and repair its runs; see {@code --help} for the list.
 *
 * <p>Exit codes: 0 fine; 1 the command found runs needing attention ({@code status}, {@code
 * inspect}); 2 usage error (or an action not allowed as given); 3 store error (missing store,
 * corrupt file, unknown run or entry). Errors are one line on standard error; {@code --verbose}
 * adds the stack trace.
 */
@Command(
    name = "crew-recovery",
    mixinStandardHelpOptions = true,
    versionProvider = CrewRecoveryCommand.Version.class,
    description = "Inspect and repair crew runs recorded by crew-recovery.",
    subcommands = {
      StatusCommand.class,
      InspectCommand.class,
      ReconcileCommand.class,
      RecoverCommand.class,
      DeadletterCommand.class,
      EventsCommand.class,
      dev.crewrecovery.cli.internal.demo.DemoCommand.class,
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:fine",
      "1:runs need attention (status, inspect)",
      "2:usage error, or an action not allowed as given (a live owner's run without --force)",
      "3:store error: missing store, corrupt file, unknown run or entry"
    })
public final class CrewRecoveryCommand implements Runnable {

  @Mixin(name = GlobalOptions.MIXIN)
  private GlobalOptions global = new GlobalOptions();

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.create();

  /** Creates the command for a real invocation (system clock, process probe and terminal). */
  public CrewRecoveryCommand() {}

  /** Creates the command with another environment (tests: fixed clock, fake probe). */
  CrewRecoveryCommand(Environment environment) {
    global.environment(environment);
  }

  /** Without a command there is nothing to do: a usage error. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing command: try status, inspect RUN or --help");
  }

  /**
   * Returns a command line for this command, with its error handling: one line on standard error
   * and the exit codes of the class comment.
   *
   * @return the command line
   */
  public static CommandLine commandLine() {
    return commandLine(new CrewRecoveryCommand());
  }

  static CommandLine commandLine(CrewRecoveryCommand root) {
    CommandLine cli = new CommandLine(root);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(new ErrorHandler(root.global::verbose));
    cli.setParameterExceptionHandler(ErrorHandler::usage);
    return cli;
  }

  /**
   * Runs the command and exits with its exit code.
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    if (!Arrays.asList(args).contains("--verbose")) {
      // The library logs its sessions at INFO; an operator's terminal wants warnings only.
      Logger.getLogger("").setLevel(Level.WARNING);
    }
    System.exit(commandLine().execute(args));
  }

  /** Reports the version from the jar manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = CrewRecoveryCommand.class.getPackage().getImplementationVersion();
      return new String[] {"crew-recovery " + (version == null ? "(development build)" : version)};
    }
  }
}
