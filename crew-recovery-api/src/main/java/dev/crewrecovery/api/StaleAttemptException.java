package dev.crewrecovery.api;

import org.jspecify.annotations.Nullable;

/**
 * A worker wrote with an attempt id that is not the current attempt of its task (fencing, DESIGN
 * section 8): a zombie of an earlier attempt, or an attempt of a requeued task. Nothing was
 * written.
 */
public final class StaleAttemptException extends CrewRecoveryException {
  private static final long serialVersionUID = 1L;

  private final AttemptId attempt;
  private final @Nullable AttemptId current;

  /**
   * Creates the exception.
   *
   * @param attempt the attempt that tried to write
   * @param current the task's current attempt, or null when the task has none (requeued)
   */
  public StaleAttemptException(AttemptId attempt, @Nullable AttemptId current) {
    super(
        "attempt "
            + attempt
            + " is not current"
            + (current == null ? " (the task has no current attempt)" : "; current is " + current));
    this.attempt = attempt;
    this.current = current;
  }

  /** Returns the attempt whose write was refused. */
  public AttemptId attempt() {
    return attempt;
  }

  /** Returns the task's current attempt, or null when it has none. */
  public @Nullable AttemptId current() {
    return current;
  }
}
