package dev.crewrecovery.cli.internal.ops;

/**
 * An error a command reports as one line on standard error with an exit code (a missing store, an
 * unknown run, a bad option value), without a stack trace unless {@code --verbose}.
 */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  /**
   * Creates the error.
   *
   * @param exitCode the exit code, from {@link ExitCodes}
   * @param message the line to print
   */
  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  /**
   * Returns the exit code.
   *
   * @return the exit code
   */
  public int exitCode() {
    return exitCode;
  }
}
