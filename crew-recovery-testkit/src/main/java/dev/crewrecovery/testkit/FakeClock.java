package dev.crewrecovery.testkit;

import dev.crewrecovery.api.spi.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A {@link Clock} that moves only when a test moves it. Wall and monotonic time are kept apart, as
 * on a real host:
 *
 * <ul>
 *   <li>{@link #advance(Duration)} moves both (time passes normally);
 *   <li>{@link #stepWall(Duration)} moves wall time alone, forwards or backwards (the system clock
 *       was set, for example by NTP);
 *   <li>{@link #suspend(Duration)} moves wall time alone, forwards: on Linux the monotonic clock
 *       that {@code System.nanoTime()} reads does not count time spent suspended, while the wall
 *       clock does;
 *   <li>{@link #advanceMonotonic(Duration)} moves monotonic time alone;
 *   <li>{@link #setWall(Instant)} sets wall time.
 * </ul>
 *
 * <p>{@link #autoAdvanceMonotonic(Duration)} makes every {@link #monotonicNanos()} read advance
 * monotonic time, so that code waiting for a bounded time (a store's lock wait) reaches its bound
 * without a test sleeping. Every monotonic read is counted ({@link #monotonicReads()}), and {@link
 * #awaitMonotonicReads(long, Duration)} lets a test wait until another thread has read the clock
 * (for example, until a store has started waiting for a lock).
 *
 * <p>Monotonic time starts at zero. Thread-safe: every method may be called from any thread.
 */
public final class FakeClock implements Clock {

  /** The wall time of {@link #create()}: 2026-01-01T00:00:00Z. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  private Instant wall;
  private long monotonicNanos;
  private long autoAdvanceNanos;
  private long monotonicReads;

  /**
   * Creates a clock at the given wall time, with monotonic time at zero.
   *
   * @param start the initial wall time
   */
  public FakeClock(Instant start) {
    this.wall = Objects.requireNonNull(start, "start");
  }

  /**
   * Returns a clock at the given wall time, with monotonic time at zero.
   *
   * @param start the initial wall time
   * @return the clock
   */
  public static FakeClock at(Instant start) {
    return new FakeClock(start);
  }

  /**
   * Returns a clock at {@link #DEFAULT_START}, with monotonic time at zero.
   *
   * @return the clock
   */
  public static FakeClock create() {
    return new FakeClock(DEFAULT_START);
  }

  /** Returns the current wall time. */
  @Override
  public synchronized Instant now() {
    return wall;
  }

  /**
   * Returns monotonic time. When {@linkplain #autoAdvanceMonotonic(Duration) auto-advance} is on,
   * monotonic time first advances by the configured step, so every read sees a larger value than
   * the read before. Each call is counted and wakes {@link #awaitMonotonicReads} waiters.
   */
  @Override
  public synchronized long monotonicNanos() {
    monotonicNanos = Math.addExact(monotonicNanos, autoAdvanceNanos);
    monotonicReads++;
    notifyAll();
    return monotonicNanos;
  }

  /**
   * Moves wall and monotonic time forward together.
   *
   * @param elapsed how much time passes; must not be negative
   * @throws IllegalArgumentException if {@code elapsed} is negative
   */
  public synchronized void advance(Duration elapsed) {
    requireNonNegative(elapsed, "elapsed");
    wall = wall.plus(elapsed);
    monotonicNanos = Math.addExact(monotonicNanos, elapsed.toNanos());
  }

  /**
   * Steps wall time alone, forwards or backwards, as when the system clock is set.
   *
   * @param step the step; may be negative
   */
  public synchronized void stepWall(Duration step) {
    Objects.requireNonNull(step, "step");
    wall = wall.plus(step);
  }

  /**
   * Simulates a suspend (sleep) of the host: wall time moves forward, monotonic time does not,
   * because Linux's monotonic clock does not count suspended time.
   *
   * @param duration how long the host was suspended; must not be negative
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public synchronized void suspend(Duration duration) {
    requireNonNegative(duration, "duration");
    wall = wall.plus(duration);
  }

  /**
   * Sets wall time; monotonic time is left alone.
   *
   * @param instant the new wall time (may be before the current one)
   */
  public synchronized void setWall(Instant instant) {
    wall = Objects.requireNonNull(instant, "instant");
  }

  /**
   * Moves monotonic time alone forward.
   *
   * @param elapsed how much monotonic time passes; must not be negative
   * @throws IllegalArgumentException if {@code elapsed} is negative
   */
  public synchronized void advanceMonotonic(Duration elapsed) {
    requireNonNegative(elapsed, "elapsed");
    monotonicNanos = Math.addExact(monotonicNanos, elapsed.toNanos());
  }

  /**
   * Makes every later {@link #monotonicNanos()} read advance monotonic time by {@code perRead}
   * before returning it; {@link Duration#ZERO} turns this off. Wall time is not moved. Used to
   * drive a bounded wait (a store's lock wait) to its bound without sleeping.
   *
   * @param perRead the step per read; must not be negative
   * @throws IllegalArgumentException if {@code perRead} is negative
   */
  public synchronized void autoAdvanceMonotonic(Duration perRead) {
    requireNonNegative(perRead, "perRead");
    autoAdvanceNanos = perRead.toNanos();
  }

  /**
   * Returns how many times {@link #monotonicNanos()} was read since the clock was created.
   *
   * @return the number of monotonic reads
   */
  public synchronized long monotonicReads() {
    return monotonicReads;
  }

  /**
   * Waits until {@link #monotonicNanos()} has been read at least {@code count} times in total. The
   * wait is bounded in real time by {@code timeout} so that a broken caller fails a test instead of
   * hanging it; it is not a measurement.
   *
   * @param count the total number of reads to wait for
   * @param timeout the real-time bound of the wait
   * @return true when the reads happened, false when the timeout passed first
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public synchronized boolean awaitMonotonicReads(long count, Duration timeout)
      throws InterruptedException {
    requireNonNegative(timeout, "timeout");
    long remainingMillis = Math.max(1, timeout.toMillis());
    // Object.wait bounds the wait; slices of at most 10 ms keep the bound without reading a clock.
    while (monotonicReads < count && remainingMillis > 0) {
      long slice = Math.min(10, remainingMillis);
      wait(slice);
      remainingMillis -= slice;
    }
    return monotonicReads >= count;
  }

  /** Returns the wall time and monotonic time, for test failure messages. */
  @Override
  public synchronized String toString() {
    return "FakeClock[wall=" + wall + ", monotonicNanos=" + monotonicNanos + "]";
  }

  private static void requireNonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + d);
    }
  }
}
