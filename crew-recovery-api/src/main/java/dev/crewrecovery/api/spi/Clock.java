package dev.crewrecovery.api.spi;

import java.time.Instant;

/**
 * The only source of time for crew-recovery. Core never reads the system clock directly (a build
 * check enforces it); tests drive time with the testkit's {@code FakeClock}.
 *
 * <p>Wall time and monotonic time are kept apart on purpose: staleness is judged on wall time,
 * while cooldowns, grace windows and lock waits use monotonic time, and a difference between the
 * two is how a time discontinuity (suspend, clock step) is noticed. Hosts sharing one store judge
 * staleness on one clock by supplying a {@code Clock} backed by the store.
 *
 * <p>Implementations must be thread-safe and must not block.
 */
public interface Clock {
  /**
   * Returns the current wall time.
   *
   * @return the wall time; may jump forwards or backwards when the system clock is stepped
   */
  Instant now();

  /**
   * Returns monotonic time in nanoseconds from an arbitrary origin. Differences between two calls
   * measure elapsed time; the value itself means nothing. Never decreases.
   *
   * @return monotonic nanoseconds
   */
  long monotonicNanos();
}
