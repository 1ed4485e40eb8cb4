package dev.crewrecovery.api;

/** The names of the verdicts the decision function reaches (DESIGN section 7). */
public enum VerdictKind {
  /** Step 0: the run is terminal. */
  TERMINAL,
  /** Step 1: BLOCKED with a pending approval marker. */
  AWAITING_APPROVAL,
  /** Step 1: a WAITING task with a fresh wait marker. */
  WAITING_ANSWER,
  /** Step 2: every task terminal or holding a result of its current attempt. */
  RESULT_EXISTS,
  /** Step 2: as RESULT_EXISTS but the run is BLOCKED and would complete. */
  RESULT_READY_BLOCKED,
  /** Steps 3 and 4: process evidence of death. */
  PROCESS_DEAD,
  /** Step 4: a live task. */
  ACTIVE,
  /** Step 4: a task with an old timestamp and no process. */
  STALE_NO_PROCESS,
  /** Step 4: untouched manifest older than 24 h. */
  ABANDONED,
  /** Step 4: nothing to judge by. */
  NO_EVIDENCE,
  /** Step 5: runner alive but nothing moved for 24 h. */
  ALIVE_BUT_STALE,
  /** Step 6. */
  HEALTHY,
  /** An age-only repair deferred by a time discontinuity's grace window. */
  DEFERRED
}
