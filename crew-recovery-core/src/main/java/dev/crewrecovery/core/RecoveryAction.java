package dev.crewrecovery.core;

/**
 * What the recovery loop does for a run whose verdict calls for attention (DESIGN section 8). A
 * {@link RecoveryPolicy} chooses one per verdict.
 */
public enum RecoveryAction {
  /**
   * Adopt the run (epoch + 1), clear its runner, complete the tasks that have a result and requeue
   * the other unfinished ones for new attempts (crash-loop budget permitting; otherwise FAIL with
   * {@code CRASH_LOOP}).
   */
  RESUME,
  /** Requeue every FAILED or CANCELLED task and reopen the run (an operator action). */
  RETRY,
  /**
   * The repair of DESIGN section 7: unfinished attempts fail with {@code WORKER_LOST}, results win,
   * QUEUED tasks are cancelled and the run becomes FAILED.
   */
  FAIL,
  /**
   * FAIL, then, after the commit, terminate the runner and every worker that still probes ALIVE
   * (identity re-checked), listing them in the events. Opt-in: reached only through {@code
   * ALIVE_BUT_STALE} with a policy that enables it, or an operator's action.
   */
  KILL_STALE,
  /** Report the run for a human; never changes the snapshot. */
  DIAGNOSE,
  /** Write nothing. */
  NO_OP,
  /**
   * Finalize a run whose tasks all finished ({@code RESULT_EXISTS}): tasks with a result of their
   * current attempt complete and the run takes the status its tasks derive.
   */
  FINALIZE
}
