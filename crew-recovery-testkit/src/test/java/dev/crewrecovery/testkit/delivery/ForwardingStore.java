package dev.crewrecovery.testkit.delivery;

import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterId;
import dev.crewrecovery.api.DeadletterMark;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.NewEvent;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.StoredDeadletter;
import dev.crewrecovery.api.spi.DeadletterFilter;
import dev.crewrecovery.api.spi.PruneResult;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.testkit.InMemoryRunStore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An {@link InMemoryRunStore} seen through a forwarding {@link RunStore}: it counts calls, records
 * the marks of delivery it forwards, offers short-hands for the tests, and lets a test override a
 * method to inject a failure (the in-memory store itself is final).
 */
public class ForwardingStore extends dev.crewrecovery.testkit.ForwardingRunStore {
  private final InMemoryRunStore delegate;
  private final Map<String, Integer> calls = new HashMap<>();
  private final Map<DeliveryId, Instant> marked = new HashMap<>();

  public ForwardingStore(InMemoryRunStore delegate) {
    super(delegate);
    this.delegate = delegate;
  }

  /** The underlying store; {@code new ForwardingStore(inner().reopen())} is a restarted host. */
  public InMemoryRunStore inner() {
    return delegate;
  }

  // ---------------------------------------------------------------- short-hands

  /** Creates the run, or replaces its snapshot (same tasks) through an update. */
  public void put(RunSnapshot snapshot) {
    if (delegate.load(snapshot.runId()).isEmpty()) {
      delegate.create(snapshot.withVersion(1), List.of());
    } else {
      delegate.update(
          snapshot.runId(),
          (current, beats) -> Update.commit(snapshot.withVersion(current.version()), List.of()));
    }
  }

  public void markCorrupt(RunId runId) {
    delegate.simulateCorruptSnapshot(runId);
  }

  public List<RunEvent> eventsOf(RunId runId) {
    return delegate.events(runId, 0, 100_000);
  }

  public List<DeadletterEntry> deadletterEntries() {
    return delegate.deadletters(DeadletterFilter.all()).stream()
        .map(StoredDeadletter::entry)
        .toList();
  }

  /** The marks of delivery made through this view, by id, at the instant passed. */
  public synchronized Map<DeliveryId, Instant> deliveredIds() {
    return Map.copyOf(marked);
  }

  public synchronized int calls(String method) {
    return calls.getOrDefault(method, 0);
  }

  private synchronized void count(String method) {
    calls.merge(method, 1, Integer::sum);
  }

  // ---------------------------------------------------------------- forwarded, counted

  @Override
  public Optional<RunSnapshot> load(RunId runId) {
    count("load");
    return delegate.load(runId);
  }

  @Override
  public List<RunEvent> appendEvents(RunId runId, List<NewEvent> events) {
    count("appendEvents");
    return delegate.appendEvents(runId, events);
  }

  @Override
  public boolean appendDeadletter(DeadletterEntry entry) {
    count("appendDeadletter");
    return delegate.appendDeadletter(entry);
  }

  @Override
  public List<StoredDeadletter> deadletters(DeadletterFilter filter) {
    count("deadletters");
    return delegate.deadletters(filter);
  }

  @Override
  public boolean markDeadletter(DeadletterMark mark) {
    count("markDeadletter");
    return delegate.markDeadletter(mark);
  }

  @Override
  public PruneResult pruneDeadletters(
      Instant now, Duration retention, int capacity, Set<DeadletterId> closed) {
    count("pruneDeadletters");
    return delegate.pruneDeadletters(now, retention, capacity, closed);
  }

  @Override
  public boolean enqueueDelivery(Delivery delivery) {
    count("enqueueDelivery");
    return delegate.enqueueDelivery(delivery);
  }

  @Override
  public List<Delivery> pendingDeliveries() {
    count("pendingDeliveries");
    return delegate.pendingDeliveries();
  }

  @Override
  public void markDelivered(DeliveryId id, Instant now) {
    count("markDelivered");
    delegate.markDelivered(id, now);
    synchronized (this) {
      marked.put(id, now);
    }
  }

  @Override
  public boolean removeDelivery(DeliveryId id) {
    count("removeDelivery");
    return delegate.removeDelivery(id);
  }

  @Override
  public boolean deliveredSince(DeliveryId id, Instant since) {
    count("deliveredSince");
    return delegate.deliveredSince(id, since);
  }
}
