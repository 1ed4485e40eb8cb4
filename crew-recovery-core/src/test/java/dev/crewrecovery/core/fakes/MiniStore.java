package dev.crewrecovery.core.fakes;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.CorruptStateException;
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
import dev.crewrecovery.api.RunNotFoundException;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A minimal in-memory {@link RunStore} for core's own tests of the delivery coordinator and the
 * deadletter service: snapshots (put by the test, read by {@code load}), events, deadletters and
 * deliveries. Every other method throws {@link UnsupportedOperationException}. Core's tests may not
 * use the testkit, whose {@code InMemoryRunStore} is the full fake.
 *
 * <p>Every method is synchronized; {@link #calls} counts calls per method name.
 */
public class MiniStore implements RunStore {
  private final Map<RunId, RunSnapshot> runs = new HashMap<>();
  private final Set<RunId> corrupt = new HashSet<>();
  private final Map<RunId, List<RunEvent>> events = new HashMap<>();
  private final LinkedHashMap<DeadletterId, DeadletterEntry> deadletters = new LinkedHashMap<>();
  private final Map<DeadletterId, List<DeadletterMark>> marks = new HashMap<>();
  private final LinkedHashMap<DeliveryId, Delivery> pending = new LinkedHashMap<>();
  private final Map<DeliveryId, Instant> delivered = new HashMap<>();
  private final Map<String, Integer> calls = new HashMap<>();
  private long seq;

  // ---------------------------------------------------------------- test controls

  public synchronized void put(RunSnapshot snapshot) {
    runs.put(snapshot.runId(), snapshot);
  }

  public synchronized void markCorrupt(RunId runId) {
    corrupt.add(runId);
  }

  public synchronized List<RunEvent> eventsOf(RunId runId) {
    return List.copyOf(events.getOrDefault(runId, List.of()));
  }

  public synchronized List<DeadletterEntry> deadletterEntries() {
    return List.copyOf(deadletters.values());
  }

  public synchronized Map<DeliveryId, Instant> deliveredIds() {
    return Map.copyOf(delivered);
  }

  public synchronized int calls(String method) {
    return calls.getOrDefault(method, 0);
  }

  private void count(String method) {
    calls.merge(method, 1, Integer::sum);
  }

  // ---------------------------------------------------------------- runs and events

  @Override
  public synchronized Optional<RunSnapshot> load(RunId runId) {
    count("load");
    if (corrupt.contains(runId)) {
      throw new CorruptStateException("runs/" + runId, null, "corrupt (test)", null);
    }
    return Optional.ofNullable(runs.get(runId));
  }

  @Override
  public synchronized List<RunEvent> appendEvents(RunId runId, List<NewEvent> newEvents) {
    count("appendEvents");
    if (!runs.containsKey(runId)) {
      throw new RunNotFoundException(runId);
    }
    List<RunEvent> out = new ArrayList<>();
    for (NewEvent e : newEvents) {
      out.add(new RunEvent(runId, ++seq, e.type(), e.at(), e.data()));
    }
    events.computeIfAbsent(runId, k -> new ArrayList<>()).addAll(out);
    return out;
  }

  // ---------------------------------------------------------------- deadletters

  @Override
  public synchronized boolean appendDeadletter(DeadletterEntry entry) {
    count("appendDeadletter");
    if (deadletters.containsKey(entry.id())) {
      return false;
    }
    deadletters.put(entry.id(), entry);
    return true;
  }

  @Override
  public synchronized List<StoredDeadletter> deadletters(DeadletterFilter filter) {
    count("deadletters");
    List<StoredDeadletter> out = new ArrayList<>();
    for (DeadletterEntry e : deadletters.values()) {
      if (filter.matches(e)) {
        out.add(new StoredDeadletter(e, marks.getOrDefault(e.id(), List.of())));
      }
    }
    return out;
  }

  @Override
  public synchronized boolean markDeadletter(DeadletterMark mark) {
    count("markDeadletter");
    if (!deadletters.containsKey(mark.entry())) {
      return false;
    }
    marks.computeIfAbsent(mark.entry(), k -> new ArrayList<>()).add(mark);
    return true;
  }

  @Override
  public synchronized PruneResult pruneDeadletters(
      Instant now, Duration retention, int capacity, Set<DeadletterId> closed) {
    count("pruneDeadletters");
    int removed = 0;
    Instant limit = now.minus(retention);
    for (Iterator<DeadletterEntry> it = deadletters.values().iterator(); it.hasNext(); ) {
      DeadletterEntry e = it.next();
      if (closed.contains(e.id()) && e.at().isBefore(limit)) {
        it.remove();
        marks.remove(e.id());
        removed++;
      }
    }
    for (Iterator<DeadletterEntry> it = deadletters.values().iterator();
        it.hasNext() && deadletters.size() > capacity; ) {
      DeadletterEntry e = it.next();
      if (closed.contains(e.id())) {
        it.remove();
        marks.remove(e.id());
        removed++;
      }
    }
    return new PruneResult(removed, deadletters.size(), deadletters.size() > capacity);
  }

  // ---------------------------------------------------------------- deliveries

  @Override
  public synchronized boolean enqueueDelivery(Delivery delivery) {
    count("enqueueDelivery");
    return pending.put(delivery.id(), delivery) == null;
  }

  @Override
  public synchronized List<Delivery> pendingDeliveries() {
    count("pendingDeliveries");
    return List.copyOf(pending.values());
  }

  @Override
  public synchronized void markDelivered(DeliveryId id, Instant now) {
    count("markDelivered");
    pending.remove(id);
    delivered.put(id, now);
  }

  @Override
  public synchronized boolean removeDelivery(DeliveryId id) {
    count("removeDelivery");
    return pending.remove(id) != null;
  }

  @Override
  public synchronized boolean deliveredSince(DeliveryId id, Instant since) {
    count("deliveredSince");
    Instant at = delivered.get(id);
    return at != null && !at.isBefore(since);
  }

  // ---------------------------------------------------------------- not needed here

  @Override
  public RunSnapshot create(RunSnapshot initial, List<NewEvent> newEvents) {
    throw new UnsupportedOperationException("create");
  }

  @Override
  public UpdateResult update(RunId runId, UpdateFunction fn) {
    throw new UnsupportedOperationException("update");
  }

  @Override
  public List<ActiveRun> activeRuns() {
    throw new UnsupportedOperationException("activeRuns");
  }

  @Override
  public List<RunId> allRuns() {
    throw new UnsupportedOperationException("allRuns");
  }

  @Override
  public List<RunEvent> events(RunId runId, long afterSeq, int limit) {
    throw new UnsupportedOperationException("events");
  }

  @Override
  public HeartbeatOutcome recordHeartbeat(AttemptId attempt, Instant at) {
    throw new UnsupportedOperationException("recordHeartbeat");
  }

  @Override
  public HeartbeatOutcome recordActivity(AttemptId attempt, Instant at) {
    throw new UnsupportedOperationException("recordActivity");
  }

  @Override
  public HeartbeatOutcome recordWorkerEnded(AttemptId attempt, Instant at) {
    throw new UnsupportedOperationException("recordWorkerEnded");
  }

  @Override
  public Map<TaskId, HeartbeatReading> heartbeats(RunId runId) {
    throw new UnsupportedOperationException("heartbeats");
  }

  @Override
  public Lease acquireLease(SessionId session, Instant now) {
    throw new UnsupportedOperationException("acquireLease");
  }

  @Override
  public Lease renewLease(SessionId session, long incarnation, Instant now) {
    throw new UnsupportedOperationException("renewLease");
  }

  @Override
  public void releaseLease(SessionId session, long incarnation) {
    throw new UnsupportedOperationException("releaseLease");
  }

  @Override
  public Optional<Lease> lease(SessionId session) {
    throw new UnsupportedOperationException("lease");
  }

  @Override
  public List<Lease> leases() {
    throw new UnsupportedOperationException("leases");
  }

  @Override
  public Optional<ChangeFeed> changes() {
    return Optional.empty();
  }

  @Override
  public StoreStats stats() {
    return new StoreStats(0, 0, 0);
  }

  @Override
  public void close() {}
}
