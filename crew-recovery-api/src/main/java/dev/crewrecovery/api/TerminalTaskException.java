package dev.crewrecovery.api;

/**
 * A result or status write of the current attempt of a task that is already terminal. The task is
 * never resurrected or downgraded by such a write; nothing was written.
 */
public final class TerminalTaskException extends IllegalTransitionException {
  private static final long serialVersionUID = 1L;

  private final AttemptId attempt;

  /**
   * Creates the exception.
   *
   * @param attempt the attempt that tried to write
   * @param from the task's terminal status
   * @param to the status that was asked for
   */
  public TerminalTaskException(AttemptId attempt, TaskStatus from, TaskStatus to) {
    super(
        "task "
            + attempt.taskId()
            + " of run "
            + attempt.runId()
            + " is terminal ("
            + from
            + "); attempt "
            + attempt
            + " may not move it to "
            + to,
        from,
        to,
        null);
    this.attempt = attempt;
  }

  /** Returns the attempt whose write was refused. */
  public AttemptId attempt() {
    return attempt;
  }
}
