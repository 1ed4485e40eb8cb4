package dev.crewrecovery.core.fakes;

import dev.crewrecovery.api.spi.Clock;
import java.time.Duration;
import java.time.Instant;

/** A clock that moves only when a test moves it (core's tests do not use the testkit). */
public final class TestClock implements Clock {
  private Instant wall;
  private long mono;

  public TestClock(Instant start) {
    this.wall = start;
  }

  @Override
  public synchronized Instant now() {
    return wall;
  }

  @Override
  public synchronized long monotonicNanos() {
    return mono;
  }

  public synchronized void advance(Duration d) {
    wall = wall.plus(d);
    mono += d.toNanos();
  }
}
