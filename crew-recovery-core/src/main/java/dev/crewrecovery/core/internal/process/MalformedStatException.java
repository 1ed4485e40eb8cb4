package dev.crewrecovery.core.internal.process;

/**
 * A {@code /proc/<pid>/stat} line does not have the shape proc(5) documents. Checked and internal:
 * {@link ProcFs} turns it into {@link StatRead.Unreadable}, so it never leaves this package.
 */
public final class MalformedStatException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong, with an excerpt of the line
   */
  public MalformedStatException(String message) {
    super(message);
  }
}
