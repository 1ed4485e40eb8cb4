package dev.crewrecovery.core;

import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.Delivery;

/**
 * Hears what the delivery coordinator did with items it could not deliver. Every method has a no-op
 * default.
 *
 * <p>Calls are made after the coordinator released its lock, from the thread whose call caused the
 * event, so they may be concurrent. A listener that throws is logged and otherwise ignored: it
 * never breaks a delivery, a flush or a tick.
 */
public interface DeliveryListener {

  /** A listener that does nothing. */
  DeliveryListener NONE = new DeliveryListener() {};

  /**
   * An item was dropped without delivery.
   *
   * @param delivery the item as it was queued
   * @param reason why
   */
  default void dropped(Delivery delivery, DeliveryDropReason reason) {}

  /**
   * The sink refused an item (one failed attempt).
   *
   * @param delivery the item, its {@code failedAttempts} counting this failure
   * @param error what the sink threw
   */
  default void failed(Delivery delivery, Exception error) {}

  /**
   * An item left the queue for a {@code DELIVERY_FAILED} deadletter entry: it failed the configured
   * number of times, or it was an expired result.
   *
   * @param delivery the item
   * @param entry the entry written
   */
  default void deadlettered(Delivery delivery, DeadletterEntry entry) {}
}
