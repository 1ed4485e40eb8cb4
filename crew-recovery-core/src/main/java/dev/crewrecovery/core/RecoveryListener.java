package dev.crewrecovery.core;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.api.spi.TerminationOutcome;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Observes what the engine does (DESIGN section 13). Every method has a no-op default, so a host
 * overrides only what it wants.
 *
 * <p><b>Threading.</b> Calls come from the engine's scheduler thread or from the thread of the
 * ledger call that caused them, never while a run's exclusive update is in progress. A listener
 * must not block for long: it delays the loop that calls it.
 *
 * <p><b>Errors.</b> An exception thrown by a listener is caught and logged; it never breaks a loop
 * or a ledger call.
 */
public interface RecoveryListener {

  /** The listener that does nothing. */
  RecoveryListener NO_OP = new RecoveryListener() {};

  /**
   * A watched task's heartbeat level changed. Entering {@link HeartbeatLevel#DEAD} is reported once
   * per dead streak (together with one {@code task.heartbeat_dead} event); other changes are
   * reported here only.
   *
   * @param attempt the task's current attempt
   * @param from the previous level
   * @param to the new level
   * @param age the age of the fresher of the last heartbeat and activity
   */
  default void onHeartbeatLevelChanged(
      AttemptId attempt, HeartbeatLevel from, HeartbeatLevel to, Duration age) {}

  /**
   * A task of an owned run was repaired on process evidence (its worker exited, or probed DEAD or
   * RECYCLED): completed when its attempt had a result, else failed with {@code WORKER_LOST} and
   * requeued or failed according to the retry policy.
   *
   * @param attempt the attempt that was repaired
   * @param status the task's new status (COMPLETED, QUEUED or FAILED)
   * @param cause what triggered it: {@code probe_dead}, {@code probe_recycled} or {@code
   *     worker_exit}
   */
  default void onTaskRepaired(AttemptId attempt, TaskStatus status, String cause) {}

  /**
   * A deadletter entry was written (or, for an entry caused by a committed change, committed in its
   * update's outbox).
   *
   * @param entry the entry
   */
  default void onDeadletter(DeadletterEntry entry) {}

  /**
   * The session saw a time discontinuity (suspend, clock step) and opened a grace window.
   *
   * @param drift the difference between elapsed wall time and elapsed monotonic time
   * @param gap the monotonic time since the loop's previous tick
   */
  default void onTimeDiscontinuity(Duration drift, Duration gap) {}

  /**
   * The session's lease now names another incarnation (or was released by another party): this
   * session stops writing.
   *
   * @param session the session
   * @param incarnation the incarnation that lost its lease
   */
  default void onLeaseLost(SessionId session, long incarnation) {}

  /**
   * The session found that a run it owned was adopted or repaired by another party (its owner or
   * epoch changed) and dropped it.
   *
   * @param runId the run
   * @param owner the run's owner now, or null when ownerless
   * @param epoch the run's epoch now
   */
  default void onRunDropped(RunId runId, @Nullable Owner owner, long epoch) {}

  /**
   * After a run was finished, the worker of one of its cancelled tasks was still running (ALIVE,
   * and then terminated) or could not be judged (UNKNOWN, reported only).
   *
   * @param attempt the cancelled task's attempt
   * @param worker the worker
   * @param liveness what the probe answered before any signal
   * @param outcome what termination did, or null when nothing was sent (UNKNOWN)
   */
  default void onWorkerTermination(
      AttemptId attempt,
      ProcessRef worker,
      Liveness liveness,
      @Nullable TerminationOutcome outcome) {}

  /**
   * The recovery loop reached a verdict about a run that differs from the last one this session
   * recorded for it (one {@code run.verdict} event accompanies it). Age-only verdicts about runs
   * this session owns are reported here and never applied.
   *
   * @param runId the run
   * @param verdict the new verdict
   * @param why the reason, in words
   */
  default void onVerdictChanged(RunId runId, VerdictKind verdict, String why) {}

  /**
   * The recovery loop repaired or finalized a run (one {@code run.reconciled} event was committed
   * with it).
   *
   * @param runId the run
   * @param verdict the verdict the repair rests on
   * @param action the action applied (FAIL or FINALIZE)
   * @param status the run's status after the repair
   */
  default void onRunReconciled(
      RunId runId, VerdictKind verdict, RecoveryAction action, RunStatus status) {}

  /**
   * The recovery loop adopted a run that an older incarnation of this session owned.
   *
   * @param runId the run
   * @param previous the previous owner
   * @param epoch the run's new epoch
   */
  default void onRunAdopted(RunId runId, Owner previous, long epoch) {}

  /**
   * A deadletter prune could not bring the store under its capacity: only open entries remain
   * beyond it, and those are never dropped (appends still succeed). Called on every scheduled prune
   * that ends over capacity; the first one also appends a {@code deadletter.over_capacity} event to
   * the affected runs.
   *
   * @param result what the prune did
   * @param capacity the configured capacity
   */
  default void onDeadletterOverCapacity(
      dev.crewrecovery.api.spi.PruneResult result, int capacity) {}
}
