package dev.crewrecovery.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Duration BASE = RecoveryConfig.DEFAULT_BACKOFF_BASE;
  private static final Duration CAP = RecoveryConfig.DEFAULT_BACKOFF_CAP;

  /** A generator that always draws the same double. */
  private static RandomGenerator fixed(double value) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        throw new UnsupportedOperationException();
      }

      @Override
      public double nextDouble() {
        return value;
      }
    };
  }

  @Test
  void withoutJitterItDoublesFromTheBaseUpToTheCap() {
    RandomGenerator unused = fixed(0.5);
    assertThat(Backoff.delay(1, BASE, CAP, 0, unused)).isEqualTo(Duration.ofSeconds(1));
    assertThat(Backoff.delay(2, BASE, CAP, 0, unused)).isEqualTo(Duration.ofSeconds(2));
    assertThat(Backoff.delay(3, BASE, CAP, 0, unused)).isEqualTo(Duration.ofSeconds(4));
    assertThat(Backoff.delay(9, BASE, CAP, 0, unused)).isEqualTo(Duration.ofSeconds(256));
    assertThat(Backoff.delay(10, BASE, CAP, 0, unused)).isEqualTo(CAP);
    assertThat(Backoff.delay(1_000_000_000, BASE, CAP, 0, unused)).isEqualTo(CAP);
  }

  @Test
  void jitterSpansPlusMinusItsFraction() {
    assertThat(Backoff.delay(1, BASE, CAP, 0.3, fixed(0.0))).isEqualTo(Duration.ofMillis(700));
    assertThat(Backoff.delay(1, BASE, CAP, 0.3, fixed(0.5))).isEqualTo(Duration.ofSeconds(1));
    assertThat(Backoff.delay(10, BASE, CAP, 0.3, fixed(0.0))).isEqualTo(Duration.ofSeconds(210));
  }

  @Test
  void everyDelayIsWithinTheJitterBandOfTheCappedDoubling() {
    qt().forAll(integers().between(1, 80), longs().all())
        .check(
            (n, seed) -> {
              Duration d = Backoff.delay(n, BASE, CAP, 0.3, new SplittableRandom(seed));
              double nominal = Math.min(Math.pow(2, n - 1), 300.0) * 1e9;
              return d.toNanos() >= Math.floor(nominal * 0.7) - 1
                  && d.toNanos() <= Math.ceil(nominal * 1.3) + 1;
            });
  }

  @Test
  void aSeededGeneratorGivesReproducibleDelays() {
    Duration a = Backoff.delay(3, BASE, CAP, 0.3, new SplittableRandom(42));
    Duration b = Backoff.delay(3, BASE, CAP, 0.3, new SplittableRandom(42));
    assertThat(a).isEqualTo(b);
  }

  @Test
  void argumentsOutOfTheirDomainAreRefused() {
    RandomGenerator r = fixed(0.5);
    assertThatThrownBy(() -> Backoff.delay(0, BASE, CAP, 0.3, r))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Backoff.delay(1, CAP, BASE, 0.3, r))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Backoff.delay(1, BASE, CAP, 1.0, r))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Backoff.delay(1, Duration.ZERO, CAP, 0.3, r))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
