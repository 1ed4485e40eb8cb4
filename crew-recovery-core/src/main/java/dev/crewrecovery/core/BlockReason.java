package dev.crewrecovery.core;

/** Why a run is blocked by {@link RunLedger#block}. */
public enum BlockReason {
  /**
   * The run awaits a human approval: the ledger sets the run's approval marker (PENDING), which
   * shields the run from repair until it is approved, rejected or the run leaves BLOCKED.
   */
  APPROVAL,
  /** The run waits for something else outside it; no marker is set. */
  OTHER
}
