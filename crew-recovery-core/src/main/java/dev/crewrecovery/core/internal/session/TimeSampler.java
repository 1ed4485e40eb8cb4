package dev.crewrecovery.core.internal.session;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Samples (wall, monotonic) at every tick of one loop and reports a discontinuity (DESIGN section
 * 9): {@code |Δwall − Δmono| > drift limit}, or {@code Δmono > gap factor × base interval}. The
 * base interval is the loop's regular one (the watcher's 5 s, never its 1 s streak interval). The
 * first sample has nothing to compare with and never reports one. Not thread-safe: one loop owns
 * one sampler.
 */
public final class TimeSampler {
  private final long driftLimitNanos;
  private final long gapLimitNanos;
  private @Nullable Instant lastWall;
  private long lastMono;

  /**
   * Creates a sampler.
   *
   * @param baseInterval the loop's base interval
   * @param driftLimit the wall/monotonic drift limit
   * @param gapFactor how many base intervals make a gap
   */
  public TimeSampler(Duration baseInterval, Duration driftLimit, int gapFactor) {
    Objects.requireNonNull(baseInterval, "baseInterval");
    this.driftLimitNanos = saturated(driftLimit);
    this.gapLimitNanos = saturatedMultiply(saturated(baseInterval), gapFactor);
  }

  /**
   * Records a sample and compares it with the previous one.
   *
   * @param wall the wall time of this tick
   * @param mono the monotonic time of this tick
   * @return the discontinuity since the previous sample, if any
   */
  public Optional<Discontinuity> sample(Instant wall, long mono) {
    Instant previousWall = lastWall;
    long previousMono = lastMono;
    lastWall = wall;
    lastMono = mono;
    if (previousWall == null) {
      return Optional.empty();
    }
    Duration dWall = Duration.between(previousWall, wall);
    Duration dMono = Duration.ofNanos(mono - previousMono);
    Duration drift = dWall.minus(dMono);
    boolean drifted = drift.abs().compareTo(Duration.ofNanos(driftLimitNanos)) > 0;
    boolean gapped = mono - previousMono > gapLimitNanos;
    return drifted || gapped ? Optional.of(new Discontinuity(drift, dMono)) : Optional.empty();
  }

  private static long saturated(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static long saturatedMultiply(long a, int b) {
    long r = a * b;
    return (b != 0 && r / b != a) ? Long.MAX_VALUE : r;
  }
}
