package dev.crewrecovery.api;

/** An operation named a run that the store does not hold. Nothing was written. */
public final class RunNotFoundException extends CrewRecoveryException {
  private static final long serialVersionUID = 1L;

  private final RunId runId;

  /**
   * Creates the exception.
   *
   * @param runId the run that was not found
   */
  public RunNotFoundException(RunId runId) {
    super("run " + runId + " does not exist");
    this.runId = runId;
  }

  /** Returns the run that was not found. */
  public RunId runId() {
    return runId;
  }
}
