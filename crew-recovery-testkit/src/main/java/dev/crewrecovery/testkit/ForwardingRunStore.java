package dev.crewrecovery.testkit;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterId;
import dev.crewrecovery.api.DeadletterMark;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.HeartbeatReading;
import dev.crewrecovery.api.Lease;
import dev.crewrecovery.api.NewEvent;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.StoredDeadletter;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.spi.ActiveRun;
import dev.crewrecovery.api.spi.ChangeFeed;
import dev.crewrecovery.api.spi.DeadletterFilter;
import dev.crewrecovery.api.spi.HeartbeatOutcome;
import dev.crewrecovery.api.spi.PruneResult;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.api.spi.StoreStats;
import dev.crewrecovery.api.spi.UpdateFunction;
import dev.crewrecovery.api.spi.UpdateResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link RunStore} that forwards every call to another store. Extend it and override the calls a
 * test wants to intercept: fail the next {@code update}, count calls, make a run vanish between
 * listing and loading. Thread-safety and every other property are the delegate's.
 */
public class ForwardingRunStore implements RunStore {
  private final RunStore delegate;

  /**
   * Creates a store that forwards to {@code delegate}.
   *
   * @param delegate the store every call goes to
   */
  public ForwardingRunStore(RunStore delegate) {
    this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
  }

  /** Returns the store every call goes to. */
  protected final RunStore delegate() {
    return delegate;
  }

  @Override
  public RunSnapshot create(RunSnapshot initial, List<NewEvent> events) {
    return delegate.create(initial, events);
  }

  @Override
  public Optional<RunSnapshot> load(RunId runId) {
    return delegate.load(runId);
  }

  @Override
  public UpdateResult update(RunId runId, UpdateFunction fn) {
    return delegate.update(runId, fn);
  }

  @Override
  public List<RunEvent> appendEvents(RunId runId, List<NewEvent> events) {
    return delegate.appendEvents(runId, events);
  }

  @Override
  public List<ActiveRun> activeRuns() {
    return delegate.activeRuns();
  }

  @Override
  public List<RunId> allRuns() {
    return delegate.allRuns();
  }

  @Override
  public List<RunEvent> events(RunId runId, long afterSeq, int limit) {
    return delegate.events(runId, afterSeq, limit);
  }

  @Override
  public HeartbeatOutcome recordHeartbeat(AttemptId attempt, Instant at) {
    return delegate.recordHeartbeat(attempt, at);
  }

  @Override
  public HeartbeatOutcome recordActivity(AttemptId attempt, Instant at) {
    return delegate.recordActivity(attempt, at);
  }

  @Override
  public HeartbeatOutcome recordWorkerEnded(AttemptId attempt, Instant at) {
    return delegate.recordWorkerEnded(attempt, at);
  }

  @Override
  public Map<TaskId, HeartbeatReading> heartbeats(RunId runId) {
    return delegate.heartbeats(runId);
  }

  @Override
  public Lease acquireLease(SessionId session, Instant now) {
    return delegate.acquireLease(session, now);
  }

  @Override
  public Lease renewLease(SessionId session, long incarnation, Instant now) {
    return delegate.renewLease(session, incarnation, now);
  }

  @Override
  public void releaseLease(SessionId session, long incarnation) {
    delegate.releaseLease(session, incarnation);
  }

  @Override
  public Optional<Lease> lease(SessionId session) {
    return delegate.lease(session);
  }

  @Override
  public List<Lease> leases() {
    return delegate.leases();
  }

  @Override
  public boolean appendDeadletter(DeadletterEntry entry) {
    return delegate.appendDeadletter(entry);
  }

  @Override
  public List<StoredDeadletter> deadletters(DeadletterFilter filter) {
    return delegate.deadletters(filter);
  }

  @Override
  public boolean markDeadletter(DeadletterMark mark) {
    return delegate.markDeadletter(mark);
  }

  @Override
  public PruneResult pruneDeadletters(
      Instant now, Duration retention, int capacity, Set<DeadletterId> closed) {
    return delegate.pruneDeadletters(now, retention, capacity, closed);
  }

  @Override
  public boolean enqueueDelivery(Delivery delivery) {
    return delegate.enqueueDelivery(delivery);
  }

  @Override
  public List<Delivery> pendingDeliveries() {
    return delegate.pendingDeliveries();
  }

  @Override
  public void markDelivered(DeliveryId id, Instant now) {
    delegate.markDelivered(id, now);
  }

  @Override
  public boolean removeDelivery(DeliveryId id) {
    return delegate.removeDelivery(id);
  }

  @Override
  public boolean deliveredSince(DeliveryId id, Instant since) {
    return delegate.deliveredSince(id, since);
  }

  @Override
  public Optional<ChangeFeed> changes() {
    return delegate.changes();
  }

  @Override
  public StoreStats stats() {
    return delegate.stats();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
