package dev.crewrecovery.core;

/** Why the delivery coordinator dropped an item without delivering it (DESIGN section 11). */
public enum DeliveryDropReason {
  /** A steer created before the last deactivation (an older generation). */
  STALE_GENERATION,
  /** A notification or steer older than the TTL. (An expired result is deadlettered instead.) */
  EXPIRED,
  /**
   * The queue was at its bound: the oldest notification or steer made room, or the new one was
   * dropped because only results were queued.
   */
  OVERFLOW
}
