package dev.crewrecovery.core;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * The retry back-off of DESIGN section 8: {@code min(base × 2^(n−1), cap) ± jitter}, where {@code
 * n} is the number of the attempt that failed. A pure function of its arguments; the jitter is
 * drawn from the given generator, so a seeded generator gives reproducible delays.
 */
public final class Backoff {

  private Backoff() {}

  /**
   * Computes the delay before the attempt after attempt {@code n}.
   *
   * @param n the number of the attempt that failed, at least 1
   * @param base the delay after the first attempt, positive
   * @param cap the most delay before jitter, at least {@code base}
   * @param jitter the fraction either way, in [0, 1)
   * @param random the source of jitter; one {@code nextDouble()} is drawn when {@code jitter > 0}
   * @return the delay, never negative, at most {@code cap × (1 + jitter)}
   * @throws IllegalArgumentException if an argument is out of its domain
   */
  public static Duration delay(
      int n, Duration base, Duration cap, double jitter, RandomGenerator random) {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(cap, "cap");
    Objects.requireNonNull(random, "random");
    if (n < 1) {
      throw new IllegalArgumentException("attempt number must be at least 1, was " + n);
    }
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException(
          "base must be positive and at most cap; base=" + base + ", cap=" + cap);
    }
    if (!(jitter >= 0.0 && jitter < 1.0)) {
      throw new IllegalArgumentException("jitter must be in [0, 1), was " + jitter);
    }
    long capNanos = saturatedNanos(cap);
    long nanos = saturatedNanos(base);
    for (int i = 1; i < n && nanos < capNanos; i++) {
      nanos = nanos > capNanos / 2 ? capNanos : nanos * 2;
    }
    nanos = Math.min(nanos, capNanos);
    if (jitter == 0.0) {
      return Duration.ofNanos(nanos);
    }
    double factor = 1.0 + jitter * (2.0 * random.nextDouble() - 1.0);
    double jittered = nanos * factor;
    if (jittered >= (double) Long.MAX_VALUE) {
      return Duration.ofNanos(Long.MAX_VALUE);
    }
    return Duration.ofNanos(Math.max(0L, Math.round(jittered)));
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
