package dev.crewrecovery.core.internal.store;

import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Deliveries kept in memory only (the store was opened with persistence of deliveries off). */
final class MemoryDeliveries implements DeliveryStore {
  private final Duration retention;
  private final LinkedHashMap<DeliveryId, Delivery> pending = new LinkedHashMap<>();
  private final Map<DeliveryId, Instant> delivered = new HashMap<>();

  MemoryDeliveries(Duration retention) {
    this.retention = retention;
  }

  @Override
  public synchronized boolean enqueue(Delivery delivery) {
    Objects.requireNonNull(delivery, "delivery");
    // replace() keeps the first-enqueued position of a LinkedHashMap key.
    return pending.put(delivery.id(), delivery) == null;
  }

  @Override
  public synchronized List<Delivery> pending() {
    return List.copyOf(new ArrayList<>(pending.values()));
  }

  @Override
  public synchronized void markDelivered(DeliveryId id, Instant now) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(now, "now");
    pending.remove(id);
    delivered.merge(id, now, (a, b) -> a.isAfter(b) ? a : b);
    Iterator<Instant> it = delivered.values().iterator();
    while (it.hasNext()) {
      if (Duration.between(it.next(), now).compareTo(retention) > 0) {
        it.remove();
      }
    }
  }

  @Override
  public synchronized boolean remove(DeliveryId id) {
    Objects.requireNonNull(id, "id");
    return pending.remove(id) != null;
  }

  @Override
  public synchronized boolean deliveredSince(DeliveryId id, Instant since) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(since, "since");
    Instant at = delivered.get(id);
    return at != null && !at.isBefore(since);
  }
}
