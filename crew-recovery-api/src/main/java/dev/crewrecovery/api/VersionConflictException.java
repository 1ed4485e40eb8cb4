package dev.crewrecovery.api;

/**
 * An update returned a snapshot whose version is not the version of the snapshot the update
 * function received, or whose run id differs. The store sets the new version itself ({@code version
 * + 1}); a function that hands back another version was built on stale state. Nothing was
 * committed.
 */
public final class VersionConflictException extends CrewRecoveryException {
  private static final long serialVersionUID = 1L;

  private final RunId runId;
  private final long expected;
  private final long actual;

  /**
   * Creates the exception.
   *
   * @param runId the run
   * @param expected the version the function received
   * @param actual the version of the snapshot it returned
   */
  public VersionConflictException(RunId runId, long expected, long actual) {
    super(
        "update of run "
            + runId
            + " returned a snapshot at version "
            + actual
            + " but received version "
            + expected
            + "; return a copy of the received snapshot");
    this.runId = runId;
    this.expected = expected;
    this.actual = actual;
  }

  /** Returns the run. */
  public RunId runId() {
    return runId;
  }

  /** Returns the version the update function received. */
  public long expected() {
    return expected;
  }

  /** Returns the version of the snapshot it returned. */
  public long actual() {
    return actual;
  }
}
