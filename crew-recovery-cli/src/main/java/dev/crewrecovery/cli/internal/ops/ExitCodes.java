package dev.crewrecovery.cli.internal.ops;

/** The exit codes of {@code crew-recovery}. */
public final class ExitCodes {
  /** All is well. */
  public static final int OK = 0;

  /** The command found runs that need attention ({@code status}, {@code inspect}). */
  public static final int ATTENTION = 1;

  /**
   * The command line was wrong, or asked for what is not allowed as given: an action the verdict
   * forbids, or taking over a run whose owner's lease is live without {@code --force}.
   */
  public static final int USAGE = 2;

  /**
   * The store could not be used: it is missing or unreadable, a file is corrupt, or it holds no
   * such run or entry.
   */
  public static final int STORE = 3;

  private ExitCodes() {}
}
