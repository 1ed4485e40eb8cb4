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
}
