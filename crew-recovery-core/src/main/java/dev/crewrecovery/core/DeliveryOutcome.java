package dev.crewrecovery.core;

/** What a {@code deliver*} call of the {@link DeliveryCoordinator} did with its item. */
public enum DeliveryOutcome {
  /** The calling thread handed the item to the sink and the sink accepted it. */
  DELIVERED,
  /**
   * The item is queued: for a later flush, for the session that owns it, behind items already
   * queued, or at the head after a refused direct attempt.
   */
  QUEUED,
  /** An item with the same id is pending, or was delivered within the TTL: nothing was done. */
  DUPLICATE,
  /** The queue was full of results, so this notification or steer was dropped and counted. */
  DROPPED,
  /** The direct attempt was refused and it was the last allowed one: the item was deadlettered. */
  DEADLETTERED
}
