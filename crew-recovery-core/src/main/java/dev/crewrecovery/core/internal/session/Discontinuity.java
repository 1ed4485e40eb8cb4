package dev.crewrecovery.core.internal.session;

import java.time.Duration;
import java.util.Objects;

/**
 * A time discontinuity seen by a loop between two of its ticks (DESIGN section 9).
 *
 * @param drift elapsed wall time minus elapsed monotonic time (negative when wall time stepped
 *     back)
 * @param gap elapsed monotonic time since the previous tick
 */
public record Discontinuity(Duration drift, Duration gap) {
  /** Validates the components. */
  public Discontinuity {
    Objects.requireNonNull(drift, "drift");
    Objects.requireNonNull(gap, "gap");
  }
}
