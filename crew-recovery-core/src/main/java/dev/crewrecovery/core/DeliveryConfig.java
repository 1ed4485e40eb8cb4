package dev.crewrecovery.core;

import dev.crewrecovery.api.InvalidConfigurationException;
import java.time.Duration;
import java.util.Objects;

/**
 * The delivery coordinator's settings (DESIGN section 11). Its defaults are those of {@link
 * RecoveryConfig} (one source of truth); a {@link CrewRecovery} takes its settings from {@link
 * RecoveryConfig#deliveryConfig()}. Immutable; built with {@link #builder()}, which starts from the
 * defaults, and validated by {@link Builder#build()}.
 *
 * @param ttl how long an undelivered item lives; an item strictly older is expired
 * @param bound the most in-memory items (notifications, steers and unpersisted results) queued
 * @param maxFailures the failed delivery attempts after which an item becomes a {@code
 *     DELIVERY_FAILED} deadletter entry
 * @param persistResults whether results are persisted through the store (they then survive a
 *     restart and do not count against the bound)
 */
public record DeliveryConfig(Duration ttl, int bound, int maxFailures, boolean persistResults) {

  /** Default TTL of an undelivered item: 24 h. */
  public static final Duration DEFAULT_TTL = RecoveryConfig.DEFAULT_DELIVERY_TTL;

  /** Default bound of the in-memory queue: 10 000 items. */
  public static final int DEFAULT_BOUND = RecoveryConfig.DEFAULT_DELIVERY_QUEUE_BOUND;

  /** Default number of failed attempts that moves an item to the deadletter: 5. */
  public static final int DEFAULT_MAX_FAILURES = RecoveryConfig.DEFAULT_DELIVERY_MAX_FAILURES;

  /** Results are persisted by default. */
  public static final boolean DEFAULT_PERSIST_RESULTS =
      RecoveryConfig.DEFAULT_DELIVERY_PERSIST_RESULTS;

  /**
   * The largest accepted TTL, 3 650 days: far beyond any useful value, and small enough that {@code
   * now - ttl} never leaves the range of {@link java.time.Instant}.
   */
  public static final Duration MAX_TTL = RecoveryConfig.MAX_DELIVERY_TTL;

  /**
   * Validates the components.
   *
   * @throws InvalidConfigurationException naming the field, if {@code ttl} is not in (0, {@link
   *     #MAX_TTL}], {@code bound < 1} or {@code maxFailures < 1}
   */
  public DeliveryConfig {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
      throw new InvalidConfigurationException(
          "ttl", "was " + ttl + "; it must be positive and at most " + MAX_TTL);
    }
    if (bound < 1) {
      throw new InvalidConfigurationException("bound", "was " + bound + "; it must be at least 1");
    }
    if (maxFailures < 1) {
      throw new InvalidConfigurationException(
          "maxFailures", "was " + maxFailures + "; it must be at least 1");
    }
  }

  /**
   * Returns the default configuration.
   *
   * @return 24 h TTL, bound 10 000, 5 failures, results persisted
   */
  public static DeliveryConfig defaults() {
    return builder().build();
  }

  /**
   * Returns a builder holding the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A mutable builder of a {@link DeliveryConfig}. Not thread-safe. */
  public static final class Builder {
    private Duration ttl = DEFAULT_TTL;
    private int bound = DEFAULT_BOUND;
    private int maxFailures = DEFAULT_MAX_FAILURES;
    private boolean persistResults = DEFAULT_PERSIST_RESULTS;

    private Builder() {}

    /**
     * Sets the TTL of undelivered items.
     *
     * @param ttl positive, at most {@link #MAX_TTL} (checked by {@link #build()})
     * @return this builder
     */
    public Builder ttl(Duration ttl) {
      this.ttl = Objects.requireNonNull(ttl, "ttl");
      return this;
    }

    /**
     * Sets the bound of the in-memory queue.
     *
     * @param bound at least 1 (checked by {@link #build()})
     * @return this builder
     */
    public Builder bound(int bound) {
      this.bound = bound;
      return this;
    }

    /**
     * Sets the failed attempts after which an item is deadlettered.
     *
     * @param maxFailures at least 1 (checked by {@link #build()})
     * @return this builder
     */
    public Builder maxFailures(int maxFailures) {
      this.maxFailures = maxFailures;
      return this;
    }

    /**
     * Sets whether results are persisted through the store.
     *
     * @param persistResults true to persist
     * @return this builder
     */
    public Builder persistResults(boolean persistResults) {
      this.persistResults = persistResults;
      return this;
    }

    /**
     * Builds and validates the configuration.
     *
     * @return the configuration
     * @throws InvalidConfigurationException naming the first bad field
     */
    public DeliveryConfig build() {
      return new DeliveryConfig(ttl, bound, maxFailures, persistResults);
    }
  }
}
