package dev.crewrecovery.core.filestore;

import dev.crewrecovery.api.spi.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock for tests: wall time fixed (the store never reads it), monotonic time advancing by a
 * fixed step on every read, so a bounded lock wait ends after a known number of slices without any
 * real waiting being measured.
 */
final class TestClock implements Clock {
  private final Instant wall;
  private final long stepNanos;
  private final AtomicLong mono = new AtomicLong(1_000_000_000L);
  private final AtomicLong reads = new AtomicLong();

  TestClock(Instant wall, Duration stepPerRead) {
    this.wall = wall;
    this.stepNanos = stepPerRead.toNanos();
  }

  static TestClock frozen() {
    return new TestClock(Instant.parse("2030-01-01T00:00:00Z"), Duration.ZERO);
  }

  @Override
  public Instant now() {
    return wall;
  }

  @Override
  public long monotonicNanos() {
    reads.incrementAndGet();
    return mono.getAndAdd(stepNanos);
  }

  long monotonicReads() {
    return reads.get();
  }
}
