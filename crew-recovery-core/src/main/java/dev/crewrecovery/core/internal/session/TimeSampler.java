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
 * first sample has nothing to compare with and never reports one. Ad hoc samples between ticks
 * ({@link #sampleDrift}) judge drift only. Not thread-safe: one loop owns one sampler.
 */
public final class TimeSampler {
  private final long driftLimitNanos;
  private final long gapLimitNanos;
  private @Nullable Instant lastWall;
  private long lastMono;
  private boolean ticked;
  private long lastTickMono;

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
   * Records a tick's sample and compares it with the previous sample (drift) and the previous tick
   * (gap).
   *
   * @param wall the wall time of this tick
   * @param mono the monotonic time of this tick
   * @return the discontinuity since the previous sample, if any; its gap is the monotonic time
   *     since the previous tick
   */
  public Optional<Discontinuity> sample(Instant wall, long mono) {
    boolean hadTick = ticked;
    long since = hadTick ? lastTickMono : lastMono;
    ticked = true;
    lastTickMono = mono;
    Optional<Duration> drift = drift(wall, mono);
    if (drift.isEmpty()) {
      return Optional.empty();
    }
    boolean drifted = drift.get().abs().compareTo(Duration.ofNanos(driftLimitNanos)) > 0;
    boolean gapped = hadTick && mono - since > gapLimitNanos;
    return drifted || gapped
        ? Optional.of(new Discontinuity(drift.get(), Duration.ofNanos(mono - since)))
        : Optional.empty();
  }

  /**
   * Records an ad hoc sample (a pass a host asked for, between ticks) and compares it with the
   * previous sample for drift only: the gap between ticks says something only of a loop's own
   * regular ticks, so an ad hoc sample neither judges it nor moves its baseline.
   *
   * @param wall the wall time now
   * @param mono the monotonic time now
   * @return the discontinuity since the previous sample, if its drift is over the limit; its gap is
   *     the monotonic time since that sample
   */
  public Optional<Discontinuity> sampleDrift(Instant wall, long mono) {
    long previousMono = lastMono;
    Optional<Duration> drift = drift(wall, mono);
    if (drift.isEmpty() || drift.get().abs().compareTo(Duration.ofNanos(driftLimitNanos)) <= 0) {
      return Optional.empty();
    }
    return Optional.of(new Discontinuity(drift.get(), Duration.ofNanos(mono - previousMono)));
  }

  /** Moves the drift baseline to this sample; returns the drift since the previous one. */
  private Optional<Duration> drift(Instant wall, long mono) {
    Instant previousWall = lastWall;
    long previousMono = lastMono;
    lastWall = wall;
    lastMono = mono;
    if (previousWall == null) {
      return Optional.empty();
    }
    Duration dWall = Duration.between(previousWall, wall);
    Duration dMono = Duration.ofNanos(mono - previousMono);
    return Optional.of(dWall.minus(dMono));
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
