package dev.crewrecovery.testkit;

import dev.crewrecovery.api.spi.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A {@link Clock} that moves only when a test moves it. Wall and monotonic time are set apart:
 * {@link #advance(Duration)} moves both, {@link #stepWall(Duration)} moves wall time alone (a clock
 * step), and {@link #advanceMonotonic(Duration)} moves monotonic time alone (a suspend the wall
 * clock did not see). Thread-safe.
 */
public final class FakeClock implements Clock {

  private Instant wall;
  private long monotonicNanos;

  /**
   * Creates a clock at the given wall time, with monotonic time at zero.
   *
   * @param start the initial wall time
   */
  public FakeClock(Instant start) {
    this.wall = start;
  }

  @Override
  public synchronized Instant now() {
    return wall;
  }

  @Override
  public synchronized long monotonicNanos() {
    return monotonicNanos;
  }

  /**
   * Moves wall and monotonic time forward together.
   *
   * @param elapsed how much time passes; must not be negative
   */
  public synchronized void advance(Duration elapsed) {
    requireNonNegative(elapsed);
    wall = wall.plus(elapsed);
    monotonicNanos += elapsed.toNanos();
  }

  /**
   * Steps wall time alone, forwards or backwards, as when the system clock is set.
   *
   * @param step the step; may be negative
   */
  public synchronized void stepWall(Duration step) {
    wall = wall.plus(step);
  }

  /**
   * Moves monotonic time alone forward.
   *
   * @param elapsed how much monotonic time passes; must not be negative
   */
  public synchronized void advanceMonotonic(Duration elapsed) {
    requireNonNegative(elapsed);
    monotonicNanos += elapsed.toNanos();
  }

  private static void requireNonNegative(Duration elapsed) {
    if (elapsed.isNegative()) {
      throw new IllegalArgumentException("elapsed must not be negative: " + elapsed);
    }
  }
}
