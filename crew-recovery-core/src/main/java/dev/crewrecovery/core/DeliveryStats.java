package dev.crewrecovery.core;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The delivery coordinator's counters since it was constructed, read at one instant.
 *
 * @param delivered items the sink accepted
 * @param failedAttempts delivery attempts the sink refused (each one counts, direct or in a flush)
 * @param deadlettered items moved to a {@code DELIVERY_FAILED} deadletter entry (too many failures,
 *     or an expired result)
 * @param duplicates items ignored because their id was pending or delivered within the TTL
 * @param dropped items dropped, by reason; every reason is present (0 when none)
 * @param queued items queued now (in memory, persisted ones included)
 * @param persistedQueued of those, persisted results (they do not count against the bound)
 */
public record DeliveryStats(
    long delivered,
    long failedAttempts,
    long deadlettered,
    long duplicates,
    Map<DeliveryDropReason, Long> dropped,
    int queued,
    int persistedQueued) {

  /** Validates the components and completes and copies the drop counters. */
  public DeliveryStats {
    Objects.requireNonNull(dropped, "dropped");
    EnumMap<DeliveryDropReason, Long> all = new EnumMap<>(DeliveryDropReason.class);
    for (DeliveryDropReason r : DeliveryDropReason.values()) {
      all.put(r, dropped.getOrDefault(r, 0L));
    }
    dropped = Map.copyOf(all);
  }

  /**
   * Returns how many items were dropped for a reason.
   *
   * @param reason the reason
   * @return the count
   */
  public long dropped(DeliveryDropReason reason) {
    Long n = dropped.get(reason);
    return n == null ? 0 : n;
  }

  /** Returns how many items were dropped for any reason. */
  public long droppedTotal() {
    long sum = 0;
    for (long n : dropped.values()) {
      sum += n;
    }
    return sum;
  }
}
