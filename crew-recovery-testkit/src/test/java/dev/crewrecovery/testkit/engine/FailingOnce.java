package dev.crewrecovery.testkit.engine;

import dev.crewrecovery.api.spi.Clock;
import dev.crewrecovery.testkit.FakeClock;
import java.time.Instant;

/** A clock over a {@link FakeClock} whose {@code now()} throws once when asked to. */
final class FailingOnce implements Clock {
  private final FakeClock delegate;
  volatile boolean failNext;

  FailingOnce(FakeClock delegate) {
    this.delegate = delegate;
  }

  @Override
  public Instant now() {
    if (failNext) {
      failNext = false;
      throw new IllegalStateException("clock failure (test)");
    }
    return delegate.now();
  }

  @Override
  public long monotonicNanos() {
    return delegate.monotonicNanos();
  }
}
