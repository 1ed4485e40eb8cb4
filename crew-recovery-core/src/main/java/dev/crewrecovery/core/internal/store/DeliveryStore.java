package dev.crewrecovery.core.internal.store;

import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import java.time.Instant;
import java.util.List;

/** Where a store keeps pending deliveries and delivered ids: files, or memory. */
interface DeliveryStore {
  boolean enqueue(Delivery delivery);

  List<Delivery> pending();

  void markDelivered(DeliveryId id, Instant now);

  boolean remove(DeliveryId id);

  boolean deliveredSince(DeliveryId id, Instant since);

  /** Removes leftover temp files if no other process is writing (open). */
  default void cleanTempFiles() {}
}
