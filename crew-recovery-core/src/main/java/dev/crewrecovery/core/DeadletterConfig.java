package dev.crewrecovery.core;

import dev.crewrecovery.api.InvalidConfigurationException;
import java.time.Duration;
import java.util.Objects;

/**
 * Deadletter retention (DESIGN section 10). Its defaults are those of {@link RecoveryConfig} (one
 * source of truth); a {@link CrewRecovery} takes its settings from {@link
 * RecoveryConfig#deadletterConfig()}. Immutable; built with {@link #builder()}, which starts from
 * the defaults, and validated by {@link Builder#build()}.
 *
 * @param retention how long closed entries are kept; a closed entry strictly older is pruned
 * @param capacity the most entries kept per store; the oldest closed ones are pruned beyond it
 */
public record DeadletterConfig(Duration retention, int capacity) {

  /** Default retention: 30 days. */
  public static final Duration DEFAULT_RETENTION = RecoveryConfig.DEFAULT_DEADLETTER_RETENTION;

  /** Default capacity: 10 000 entries per store. */
  public static final int DEFAULT_CAPACITY = RecoveryConfig.DEFAULT_DEADLETTER_CAPACITY;

  /**
   * The largest accepted retention, 36 500 days: small enough that {@code now - retention} never
   * leaves the range of {@link java.time.Instant}.
   */
  public static final Duration MAX_RETENTION = RecoveryConfig.MAX_DEADLETTER_RETENTION;

  /**
   * Validates the components.
   *
   * @throws InvalidConfigurationException naming the field, if {@code retention} is not in (0,
   *     {@link #MAX_RETENTION}] or {@code capacity < 1}
   */
  public DeadletterConfig {
    Objects.requireNonNull(retention, "retention");
    if (retention.isNegative() || retention.isZero() || retention.compareTo(MAX_RETENTION) > 0) {
      throw new InvalidConfigurationException(
          "retention", "was " + retention + "; it must be positive and at most " + MAX_RETENTION);
    }
    if (capacity < 1) {
      throw new InvalidConfigurationException(
          "capacity", "was " + capacity + "; it must be at least 1");
    }
  }

  /**
   * Returns the default configuration.
   *
   * @return 30 days, 10 000 entries
   */
  public static DeadletterConfig defaults() {
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

  /** A mutable builder of a {@link DeadletterConfig}. Not thread-safe. */
  public static final class Builder {
    private Duration retention = DEFAULT_RETENTION;
    private int capacity = DEFAULT_CAPACITY;

    private Builder() {}

    /**
     * Sets the retention.
     *
     * @param retention positive, at most {@link #MAX_RETENTION} (checked by {@link #build()})
     * @return this builder
     */
    public Builder retention(Duration retention) {
      this.retention = Objects.requireNonNull(retention, "retention");
      return this;
    }

    /**
     * Sets the capacity.
     *
     * @param capacity at least 1 (checked by {@link #build()})
     * @return this builder
     */
    public Builder capacity(int capacity) {
      this.capacity = capacity;
      return this;
    }

    /**
     * Builds and validates the configuration.
     *
     * @return the configuration
     * @throws InvalidConfigurationException naming the first bad field
     */
    public DeadletterConfig build() {
      return new DeadletterConfig(retention, capacity);
    }
  }
}
