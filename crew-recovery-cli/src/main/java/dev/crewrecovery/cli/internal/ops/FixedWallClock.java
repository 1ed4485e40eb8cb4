package dev.crewrecovery.cli.internal.ops;

import dev.crewrecovery.api.spi.Clock;
import java.time.Instant;
import java.util.Objects;

/** A clock whose wall time stands still at one instant; monotonic time is another clock's. */
final class FixedWallClock implements Clock {
  private final Instant wall;
  private final Clock monotonic;

  FixedWallClock(Instant wall, Clock monotonic) {
    this.wall = Objects.requireNonNull(wall, "wall");
    this.monotonic = Objects.requireNonNull(monotonic, "monotonic");
  }

  @Override
  public Instant now() {
    return wall;
  }

  @Override
  public long monotonicNanos() {
    return monotonic.monotonicNanos();
  }
}
