package dev.crewrecovery.core.internal.decide;

/** The repair a verdict calls for (DESIGN sections 7 and 8). */
public enum Repair {
  /** Nothing to write. */
  NONE,
  /**
   * Finalize ({@code RESULT_EXISTS}): tasks with a result of their current attempt become COMPLETED
   * and the run takes the derived status.
   */
  FINALIZE,
  /**
   * Run-level repair: the recovery policy chooses the action (FAIL, RESUME, or for {@code
   * ALIVE_BUT_STALE} NO_OP or KILL_STALE).
   */
  REPAIR,
  /**
   * Task-level repair: fail the current attempt of each task in {@link Verdict#deadTasks()} with
   * {@code WORKER_LOST}; the run itself is left alone.
   */
  TASK_REPAIR,
  /** Write nothing; {@code plan()} proposes DIAGNOSE ({@code RESULT_READY_BLOCKED}). */
  PROPOSE_DIAGNOSE,
  /**
   * A run-level repair resting only on a 24 h rule, within 24 h after a large forward
   * discontinuity: never applied automatically, {@code plan()} proposes it.
   */
  PROPOSE_REPAIR
}
