package dev.crewrecovery.core;

import dev.crewrecovery.api.spi.Clock;
import dev.crewrecovery.core.internal.SuppressForbidden;
import java.time.Instant;

/**
 * The default {@link Clock}: wall time from the system's UTC clock, monotonic time from {@link
 * System#nanoTime()}.
 *
 * <p>This is the one class in core that may read system time; everything else takes a {@code
 * Clock}, which the build enforces (forbidden-apis, see {@code
 * docs/decisions/0002-time-injection.md}). Wall time may jump when the system clock is stepped;
 * monotonic time never does. On Linux monotonic time is {@code CLOCK_MONOTONIC}, which stands still
 * while the system is suspended: a suspend therefore shows up as wall time running ahead of
 * monotonic time, the discontinuity the engine looks for.
 *
 * <p>A stateless singleton: thread-safe, never blocks, costs no more than the underlying reads.
 */
@SuppressForbidden
public final class SystemClock implements Clock {

  private static final SystemClock INSTANCE = new SystemClock();

  private static final java.time.Clock WALL = java.time.Clock.systemUTC();

  private SystemClock() {}

  /**
   * Returns the shared instance.
   *
   * @return the system clock; never null
   */
  public static SystemClock instance() {
    return INSTANCE;
  }

  /**
   * Returns the current wall time from the system's UTC clock.
   *
   * @return the current instant; never null
   */
  @Override
  public Instant now() {
    return WALL.instant();
  }

  /**
   * Returns {@link System#nanoTime()}: nanoseconds from an arbitrary origin fixed for the life of
   * the JVM, never decreasing.
   *
   * @return monotonic nanoseconds
   */
  @Override
  public long monotonicNanos() {
    return System.nanoTime();
  }

  @Override
  public String toString() {
    return "SystemClock";
  }
}
