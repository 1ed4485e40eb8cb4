package dev.crewrecovery.core;

import dev.crewrecovery.api.spi.Clock;
import dev.crewrecovery.core.internal.SuppressForbidden;
import java.time.Instant;

/**
 * The default {@link Clock}: wall time from the system clock, monotonic time from {@link
 * System#nanoTime()}.
 *
 * <p>This is the one class in core that may read system time; everything else takes a {@code
 * Clock}, which the build enforces.
 */
@SuppressForbidden
public final class SystemClock implements Clock {

  private static final SystemClock INSTANCE = new SystemClock();

  private SystemClock() {}

  /**
   * Returns the shared instance.
   *
   * @return the system clock
   */
  public static SystemClock instance() {
    return INSTANCE;
  }

  @Override
  public Instant now() {
    return Instant.now();
  }

  @Override
  public long monotonicNanos() {
    return System.nanoTime();
  }
}
