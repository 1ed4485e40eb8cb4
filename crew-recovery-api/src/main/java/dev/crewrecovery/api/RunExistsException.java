package dev.crewrecovery.api;

/** {@code create} was called for a run id that already exists in the store. Nothing was written. */
public final class RunExistsException extends CrewRecoveryException {
  private static final long serialVersionUID = 1L;

  private final RunId runId;

  /**
   * Creates the exception.
   *
   * @param runId the run that already exists
   */
  public RunExistsException(RunId runId) {
    super("run " + runId + " already exists");
    this.runId = runId;
  }

  /** Returns the run that already exists. */
  public RunId runId() {
    return runId;
  }
}
