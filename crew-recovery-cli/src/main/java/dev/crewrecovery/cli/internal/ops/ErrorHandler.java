package dev.crewrecovery.cli.internal.ops;

import dev.crewrecovery.api.CrewRecoveryException;
import java.io.PrintWriter;
import java.util.function.BooleanSupplier;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns what a command throws into one line on standard error and an exit code: {@link
 * CliException} its own code, a store error ({@link CrewRecoveryException}) {@link
 * ExitCodes#STORE}, a {@link CommandLine.ParameterException} {@link ExitCodes#USAGE}. The stack
 * trace is printed only with {@code --verbose}.
 */
public final class ErrorHandler implements IExecutionExceptionHandler {
  private final BooleanSupplier verbose;

  /**
   * Creates the handler.
   *
   * @param verbose tells whether {@code --verbose} was given
   */
  public ErrorHandler(BooleanSupplier verbose) {
    this.verbose = verbose;
  }

  /**
   * Reports a usage error briefly: the message, the command's synopsis and where help is.
   *
   * @param e the error
   * @param args the arguments
   * @return {@link ExitCodes#USAGE}
   */
  public static int usage(CommandLine.ParameterException e, String[] args) {
    CommandLine c = e.getCommandLine();
    PrintWriter err = c.getErr();
    err.println("crew-recovery: " + e.getMessage());
    err.print("Usage: " + c.getHelp().synopsis(0));
    err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more.");
    err.flush();
    return ExitCodes.USAGE;
  }

  @Override
  public int handleExecutionException(
      Exception e, CommandLine commandLine, ParseResult parseResult) {
    PrintWriter err = commandLine.getErr();
    int code;
    String line;
    if (e instanceof CliException c) {
      code = c.exitCode();
      line = Text.message(c);
    } else if (e instanceof CommandLine.ParameterException p) {
      code = ExitCodes.USAGE;
      line = p.getMessage() + " (see --help)";
    } else if (e instanceof CrewRecoveryException) {
      code = ExitCodes.STORE;
      line = Text.message(e);
    } else {
      code = ExitCodes.STORE;
      line = "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    err.println("crew-recovery: " + line);
    if (verbose.getAsBoolean()) {
      e.printStackTrace(err);
    }
    err.flush();
    return code;
  }
}
