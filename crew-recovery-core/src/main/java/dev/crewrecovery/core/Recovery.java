package dev.crewrecovery.core;

/**
 * The recovery side of a session (DESIGN sections 7 and 8), from {@link CrewRecovery#recovery()}.
 *
 * <p>Thread-safe: a pass run through {@link #reconcileNow()} never overlaps a scheduled one (they
 * are serialized).
 */
public interface Recovery {

  /**
   * Runs one recovery pass now and returns what it concluded for every active run it looked at: its
   * verdict, the action taken, and what came of it. A run that fails (lock timeout, corrupt or
   * unsupported file, transient I/O) is recorded in the report and the pass goes on.
   *
   * @return the report of the pass
   * @throws IllegalStateException before {@link CrewRecovery#start()} or after {@link
   *     CrewRecovery#close()}
   */
  ReconcileReport reconcileNow();

  /**
   * Runs the selection and decision of a pass without writing: one plan per active run this session
   * may act on (ownerless runs, runs whose owner's lease expired, runs of earlier incarnations of
   * this session, and its own runs), NO_OP included. Runs a live session owns are left out (an
   * operator reaches them with {@link RecoveryPlan#withAction} and {@code forced} after planning
   * them elsewhere). A run that cannot be read is left out and logged.
   *
   * @return the plans, in the store's order
   * @throws IllegalStateException before {@link CrewRecovery#start()} or after {@link
   *     CrewRecovery#close()}
   */
  java.util.List<RecoveryPlan> plan();

  /**
   * Applies a plan (DESIGN section 8): re-decides inside the run's exclusive update, on the fresh
   * snapshot, the heartbeat slots read there, fresh probes and the fresh owner and lease, and
   * writes nothing (SKIPPED, with the fresh verdict) when the fresh verdict differs from the
   * plan's, when the plan's action came from the policy and the fresh policy action differs, when
   * the run was taken over meanwhile, or when a live session other than this one owns the run and
   * the plan is not forced (a forced write says so in its event).
   *
   * <ul>
   *   <li>FAIL, FINALIZE and RESUME are applied as the recovery loop applies them.
   *   <li>RETRY requeues every FAILED or CANCELLED task as a new attempt, moves a terminal run to
   *       RUNNING (clearing the finished run's runner ref) and adopts the run (epoch + 1, owner :=
   *       this session), with one {@code run.retried} event. The ledger starts no new attempt while
   *       the previous attempt's worker probes ALIVE or UNKNOWN: such a task waits QUEUED.
   *   <li>KILL_STALE commits FAIL inside the update (the fresh verdict must still be the plan's),
   *       then, after the commit and never inside it, terminates the runner and every worker that
   *       still probes ALIVE through {@link dev.crewrecovery.api.spi.ProcessProbe#terminate}, which
   *       re-checks each identity; UNKNOWN ones are only reported. The {@code run.reconciled} event
   *       lists them; a {@code run.workers_terminated} event records what came of each.
   *   <li>DIAGNOSE never changes the snapshot: it builds a self-contained JSON report of the run
   *       and hands it to the session's {@link ReportSink} (with a {@link FileRunStore}, by
   *       default, {@code <root>/reports/<runId>-<epochMillis>.json}); the result carries it.
   *   <li>NO_OP writes nothing.
   * </ul>
   *
   * @param plan a plan from {@link #plan()}, possibly with an operator's action
   * @return what was done
   * @throws IllegalStateException before {@link CrewRecovery#start()} or after {@link
   *     CrewRecovery#close()}
   * @throws dev.crewrecovery.api.CrewRecoveryException when the run cannot be read or locked, or a
   *     DIAGNOSE report cannot be written
   */
  ApplyResult apply(RecoveryPlan plan);

  /**
   * Returns the deadletter of this session's store, bound to this session: listing, discard, manual
   * entries, pruning, and {@link Deadletters#redrive redrive}, which adopts the redriven run for
   * this session. Listing works before {@link CrewRecovery#start()}; redrive needs a started
   * session. The session also prunes it on its recovery-loop schedule.
   *
   * @return the session-bound deadletter service (the same instance on every call)
   */
  Deadletters deadletters();
}
