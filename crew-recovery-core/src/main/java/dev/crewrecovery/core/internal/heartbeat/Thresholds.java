package dev.crewrecovery.core.internal.heartbeat;

import dev.crewrecovery.core.RecoveryConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * The three heartbeat age thresholds: HEALTHY ≤ warn < WARN ≤ stale < STALE ≤ dead < DEAD.
 *
 * @param warn the WARN threshold
 * @param stale the STALE threshold
 * @param dead the DEAD threshold
 */
public record Thresholds(Duration warn, Duration stale, Duration dead) {

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException unless {@code 0 < warn < stale < dead}
   */
  public Thresholds {
    Objects.requireNonNull(warn, "warn");
    Objects.requireNonNull(stale, "stale");
    Objects.requireNonNull(dead, "dead");
    if (warn.isNegative()
        || warn.isZero()
        || warn.compareTo(stale) >= 0
        || stale.compareTo(dead) >= 0) {
      throw new IllegalArgumentException(
          "thresholds must satisfy 0 < warn < stale < dead, were "
              + warn
              + ", "
              + stale
              + ", "
              + dead);
    }
  }

  /**
   * Returns the thresholds of a configuration.
   *
   * @param config the configuration
   * @return its thresholds
   */
  public static Thresholds of(RecoveryConfig config) {
    return new Thresholds(config.heartbeatWarn(), config.heartbeatStale(), config.heartbeatDead());
  }
}
