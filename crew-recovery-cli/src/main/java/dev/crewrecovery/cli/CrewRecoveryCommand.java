package dev.crewrecovery.cli;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code crew-recovery} operator command. Subcommands are added as they are built. */
@Command(
    name = "crew-recovery",
    mixinStandardHelpOptions = true,
    versionProvider = CrewRecoveryCommand.Version.class,
    subcommands = {dev.crewrecovery.cli.internal.demo.DemoCommand.class},
    description = "Inspect and repair crew runs recorded by crew-recovery.")
public final class CrewRecoveryCommand implements Runnable {

  @CommandLine.Spec private CommandLine.Model.@Nullable CommandSpec spec;

  @Override
  public void run() {
    if (spec != null) {
      spec.commandLine().usage(spec.commandLine().getOut());
    }
  }

  /**
   * Runs the command and exits with its exit code.
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new CrewRecoveryCommand()).execute(args));
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
