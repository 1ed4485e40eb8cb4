package dev.crewrecovery.api.spi;

import dev.crewrecovery.api.Delivery;

/**
 * Hands one result, notification or steer to its consumer (a UI, a chat session, a queue).
 *
 * <p>Contract: delivery is at-least-once, so an implementation must tolerate a repeated {@link
 * Delivery#id()}. Returning normally means the consumer accepted the item; throwing any exception
 * refuses it, and the coordinator keeps it at the head of its queue and counts the failure. Called
 * from one coordinator thread at a time, never under a run lock.
 */
@FunctionalInterface
public interface DeliverySink {
  /**
   * Delivers one item.
   *
   * @param delivery the item, not null
   * @throws RuntimeException any exception to refuse the item
   */
  void deliver(Delivery delivery);
}
