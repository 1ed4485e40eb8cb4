package dev.crewrecovery.core.internal.session;

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
import dev.crewrecovery.core.HeartbeatLevel;
import dev.crewrecovery.core.RecoveryAction;
import dev.crewrecovery.core.RecoveryListener;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Wraps the host's listener so that a throwing listener never breaks a loop or a ledger call: every
 * exception is caught, counted and logged. Callers make sure no call happens inside an update.
 */
public final class SafeListener implements RecoveryListener {
  private static final System.Logger LOG = System.getLogger(SafeListener.class.getName());

  private final RecoveryListener delegate;
  private final AtomicLong failures = new AtomicLong();

  /**
   * Wraps a listener.
   *
   * @param delegate the host's listener
   */
  public SafeListener(RecoveryListener delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** Returns how many listener calls threw. */
  public long failures() {
    return failures.get();
  }

  private void guard(String method, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      failures.incrementAndGet();
      LOG.log(Level.WARNING, "RecoveryListener." + method + " threw; ignored", e);
    }
  }

  @Override
  public void onHeartbeatLevelChanged(
      AttemptId attempt, HeartbeatLevel from, HeartbeatLevel to, Duration age) {
    guard(
        "onHeartbeatLevelChanged", () -> delegate.onHeartbeatLevelChanged(attempt, from, to, age));
  }

  @Override
  public void onTaskRepaired(AttemptId attempt, TaskStatus status, String cause) {
    guard("onTaskRepaired", () -> delegate.onTaskRepaired(attempt, status, cause));
  }

  @Override
  public void onDeadletter(DeadletterEntry entry) {
    guard("onDeadletter", () -> delegate.onDeadletter(entry));
  }

  @Override
  public void onTimeDiscontinuity(Duration drift, Duration gap) {
    guard("onTimeDiscontinuity", () -> delegate.onTimeDiscontinuity(drift, gap));
  }

  @Override
  public void onLeaseLost(SessionId session, long incarnation) {
    guard("onLeaseLost", () -> delegate.onLeaseLost(session, incarnation));
  }

  @Override
  public void onRunDropped(RunId runId, @Nullable Owner owner, long epoch) {
    guard("onRunDropped", () -> delegate.onRunDropped(runId, owner, epoch));
  }

  @Override
  public void onWorkerTermination(
      AttemptId attempt,
      ProcessRef worker,
      Liveness liveness,
      @Nullable TerminationOutcome outcome) {
    guard(
        "onWorkerTermination",
        () -> delegate.onWorkerTermination(attempt, worker, liveness, outcome));
  }

  @Override
  public void onVerdictChanged(RunId runId, VerdictKind verdict, String why) {
    guard("onVerdictChanged", () -> delegate.onVerdictChanged(runId, verdict, why));
  }

  @Override
  public void onRunReconciled(
      RunId runId, VerdictKind verdict, RecoveryAction action, RunStatus status) {
    guard("onRunReconciled", () -> delegate.onRunReconciled(runId, verdict, action, status));
  }

  @Override
  public void onRunAdopted(RunId runId, Owner previous, long epoch) {
    guard("onRunAdopted", () -> delegate.onRunAdopted(runId, previous, epoch));
  }

  @Override
  public void onDeadletterOverCapacity(dev.crewrecovery.api.spi.PruneResult result, int capacity) {
    guard("onDeadletterOverCapacity", () -> delegate.onDeadletterOverCapacity(result, capacity));
  }
}
