package dev.crewrecovery.core.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimeSamplerTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final long S = 1_000_000_000L;

  private static TimeSampler watcher() {
    return new TimeSampler(Duration.ofSeconds(5), Duration.ofSeconds(2), 3);
  }

  @Test
  void theFirstSampleNeverReports() {
    assertThat(watcher().sample(T0, 0)).isEmpty();
  }

  @Test
  void driftAboveTwoSecondsIsADiscontinuityAndExactlyTwoIsNot() {
    TimeSampler s = watcher();
    s.sample(T0, 0);
    assertThat(s.sample(T0.plusSeconds(7), 5 * S)).isEmpty();
    assertThat(s.sample(T0.plusSeconds(12).plusMillis(2001), 10 * S))
        .hasValueSatisfying(d -> assertThat(d.drift()).isEqualTo(Duration.ofMillis(2001)));
  }

  @Test
  void aBackwardWallStepIsADiscontinuity() {
    TimeSampler s = watcher();
    s.sample(T0, 0);
    assertThat(s.sample(T0.minusSeconds(60), 5 * S))
        .hasValueSatisfying(d -> assertThat(d.drift()).isEqualTo(Duration.ofSeconds(-65)));
  }

  @Test
  void aGapAboveThreeBaseIntervalsIsADiscontinuityEvenWithoutDrift() {
    TimeSampler s = watcher();
    s.sample(T0, 0);
    assertThat(s.sample(T0.plusSeconds(15), 15 * S)).isEmpty();
    assertThat(s.sample(T0.plusSeconds(30).plusNanos(1), 30 * S + 1))
        .hasValueSatisfying(d -> assertThat(d.gap()).isEqualTo(Duration.ofNanos(15 * S + 1)));
  }

  @Test
  void anAdHocSampleJudgesDriftOnlyAndLeavesTheTicksGapToTheNextTick() {
    TimeSampler s = watcher();
    s.sample(T0, 0);
    assertThat(s.sampleDrift(T0.plusSeconds(100), 100 * S))
        .as("the time between a tick and a host's call is no gap")
        .isEmpty();
    assertThat(s.sample(T0.plusSeconds(101), 101 * S))
        .as("the tick still measures its gap from the previous tick")
        .hasValueSatisfying(d -> assertThat(d.gap()).isEqualTo(Duration.ofSeconds(101)));
  }

  @Test
  void anAdHocSampleSeesAWallStepAndTheNextTickDoesNotReportItAgain() {
    TimeSampler s = watcher();
    s.sample(T0, 0);
    assertThat(s.sampleDrift(T0.minusSeconds(3600).plusSeconds(2), 2 * S))
        .hasValueSatisfying(
            d -> {
              assertThat(d.drift()).isEqualTo(Duration.ofSeconds(-3600));
              assertThat(d.gap()).isEqualTo(Duration.ofSeconds(2));
            });
    assertThat(s.sample(T0.minusSeconds(3600).plusSeconds(5), 5 * S)).isEmpty();
  }

  @Test
  void anAdHocSampleBeforeAnyTickGivesTheFirstTickItsDriftBaseline() {
    TimeSampler s = watcher();
    assertThat(s.sampleDrift(T0, 0)).isEmpty();
    assertThat(s.sample(T0.plusSeconds(3600), S))
        .hasValueSatisfying(d -> assertThat(d.drift()).isEqualTo(Duration.ofSeconds(3599)));
  }
}
