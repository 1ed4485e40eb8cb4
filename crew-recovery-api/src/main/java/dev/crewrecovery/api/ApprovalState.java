package dev.crewrecovery.api;

/** The state of a run's approval marker. */
public enum ApprovalState {
  /** Asked, not answered: the run is awaiting approval; this never expires. */
  PENDING,
  /** Approved. */
  APPROVED,
  /** Rejected. */
  REJECTED
}
