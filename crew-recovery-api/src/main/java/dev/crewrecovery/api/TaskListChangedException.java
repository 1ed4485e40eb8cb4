package dev.crewrecovery.api;

/**
 * An update returned a snapshot that dropped, renamed or reordered tasks of the snapshot it
 * received. Tasks may only be appended. Nothing was committed.
 */
public final class TaskListChangedException extends CrewRecoveryException {
  private static final long serialVersionUID = 1L;

  private final RunId runId;

  /**
   * Creates the exception.
   *
   * @param runId the run
   * @param detail which task was dropped or moved
   */
  public TaskListChangedException(RunId runId, String detail) {
    super(
        "update of run "
            + runId
            + " changed its task list (tasks may only be appended): "
            + detail);
    this.runId = runId;
  }

  /** Returns the run. */
  public RunId runId() {
    return runId;
  }
}
