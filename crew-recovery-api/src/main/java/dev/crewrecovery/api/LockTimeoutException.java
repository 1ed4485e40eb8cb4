package dev.crewrecovery.api;

import java.time.Duration;

/**
 * The run's exclusion could not be had within the store's bound (another thread or process holds
 * it). Nothing was written; the caller may try again later.
 */
public final class LockTimeoutException extends CrewRecoveryException {
  private static final long serialVersionUID = 1L;

  private final RunId runId;
  private final Duration waited;

  /**
   * Creates the exception.
   *
   * @param runId the run whose exclusion was wanted
   * @param waited how long the caller waited
   */
  public LockTimeoutException(RunId runId, Duration waited) {
    super("could not lock run " + runId + " within " + waited);
    this.runId = runId;
    this.waited = waited;
  }

  /** Returns the run whose exclusion was wanted. */
  public RunId runId() {
    return runId;
  }

  /** Returns how long the caller waited. */
  public Duration waited() {
    return waited;
  }
}
