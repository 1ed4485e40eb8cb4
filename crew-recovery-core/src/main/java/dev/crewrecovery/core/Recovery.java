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
   * Applies a plan: re-decides inside the run's exclusive update and writes nothing (SKIPPED, with
   * the fresh verdict) when the fresh verdict differs from the plan's, when the plan's action came
   * from the policy and the fresh policy action differs, or when a live session other than this one
   * owns the run and the plan is not forced. FAIL, FINALIZE and RESUME are applied as the recovery
   * loop applies them; NO_OP and DIAGNOSE write nothing; RETRY and KILL_STALE are not applied by
   * this version (SKIPPED).
   *
   * @param plan a plan from {@link #plan()}, possibly with an operator's action
   * @return what was done
   * @throws IllegalStateException before {@link CrewRecovery#start()} or after {@link
   *     CrewRecovery#close()}
   * @throws dev.crewrecovery.api.CrewRecoveryException when the run cannot be read or locked
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
