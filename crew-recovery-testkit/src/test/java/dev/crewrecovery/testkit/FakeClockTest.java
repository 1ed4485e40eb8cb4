package dev.crewrecovery.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FakeClockTest {

  private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

  @Test
  void advanceMovesWallAndMonotonicTimeTogether() {
    qt().forAll(longs().between(0, Duration.ofDays(365).toMillis()))
        .checkAssert(
            millis -> {
              FakeClock clock = new FakeClock(START);
              clock.advance(Duration.ofMillis(millis));

              assertThat(clock.now()).isEqualTo(START.plusMillis(millis));
              assertThat(clock.monotonicNanos()).isEqualTo(Duration.ofMillis(millis).toNanos());
            });
  }

  @Test
  void aWallStepLeavesMonotonicTimeAlone() {
    FakeClock clock = new FakeClock(START);

    clock.stepWall(Duration.ofHours(-2));

    assertThat(clock.now()).isEqualTo(START.minus(Duration.ofHours(2)));
    assertThat(clock.monotonicNanos()).isZero();
  }

  @Test
  void aSuspendMovesMonotonicTimeAlone() {
    FakeClock clock = new FakeClock(START);

    clock.advanceMonotonic(Duration.ofMinutes(5));

    assertThat(clock.now()).isEqualTo(START);
    assertThat(clock.monotonicNanos()).isEqualTo(Duration.ofMinutes(5).toNanos());
  }

  @Test
  void timeDoesNotRunBackwards() {
    FakeClock clock = new FakeClock(START);

    assertThatIllegalArgumentException().isThrownBy(() -> clock.advance(Duration.ofSeconds(-1)));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> clock.advanceMonotonic(Duration.ofSeconds(-1)));
  }
}
