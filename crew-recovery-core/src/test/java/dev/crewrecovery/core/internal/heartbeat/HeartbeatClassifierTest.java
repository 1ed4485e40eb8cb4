package dev.crewrecovery.core.internal.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.core.HeartbeatLevel;
import dev.crewrecovery.core.RecoveryConfig;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeartbeatClassifierTest {
  private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
  private static final AttemptId ATTEMPT = AttemptId.of(RunId.of("r"), TaskId.of("t"), 1);
  private static final Thresholds DEFAULTS = Thresholds.of(RecoveryConfig.defaults());

  private static Observation seenAgo(Duration age) {
    return new Observation(ATTEMPT, NOW.minus(age), null, false, true);
  }

  @ParameterizedTest(name = "age {0} ms -> {1}")
  @CsvSource({
    "0, HEALTHY",
    "30000, HEALTHY",
    "30001, WARN",
    "60000, WARN",
    "60001, STALE",
    "300000, STALE",
    "300001, DEAD",
    "86400000, DEAD",
    "-5000, HEALTHY"
  })
  void levelsUseStrictComparisonsAtEachDefaultThreshold(long ageMillis, HeartbeatLevel expected) {
    assertThat(HeartbeatClassifier.classify(seenAgo(Duration.ofMillis(ageMillis)), NOW, DEFAULTS))
        .isEqualTo(expected);
  }

  @Test
  void theFresherOfHeartbeatAndActivityCounts() {
    Observation oldBeatFreshActivity =
        new Observation(ATTEMPT, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(10), false, true);
    Observation freshBeatOldActivity =
        new Observation(ATTEMPT, NOW.minusSeconds(10), NOW.minus(Duration.ofHours(1)), false, true);

    assertThat(HeartbeatClassifier.classify(oldBeatFreshActivity, NOW, DEFAULTS))
        .isEqualTo(HeartbeatLevel.HEALTHY);
    assertThat(HeartbeatClassifier.classify(freshBeatOldActivity, NOW, DEFAULTS))
        .isEqualTo(HeartbeatLevel.HEALTHY);
    assertThat(HeartbeatClassifier.age(oldBeatFreshActivity, NOW))
        .isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void activityAloneJustPastTheDeadThresholdIsDead() {
    Observation o =
        new Observation(
            ATTEMPT,
            NOW.minus(Duration.ofMinutes(10)),
            NOW.minus(Duration.ofMillis(300_001)),
            false,
            true);
    assertThat(HeartbeatClassifier.classify(o, NOW, DEFAULTS)).isEqualTo(HeartbeatLevel.DEAD);
  }

  @Test
  void aWorkerThatAnnouncedItsEndIsDeadWhateverItsAge() {
    Observation ended = new Observation(ATTEMPT, NOW, NOW, true, true);
    assertThat(HeartbeatClassifier.classify(ended, NOW, DEFAULTS)).isEqualTo(HeartbeatLevel.DEAD);
  }

  @Test
  void configuredThresholdsAreHonouredWithTheSameStrictness() {
    Thresholds t =
        new Thresholds(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3));
    assertThat(HeartbeatClassifier.classify(seenAgo(Duration.ofSeconds(1)), NOW, t))
        .isEqualTo(HeartbeatLevel.HEALTHY);
    assertThat(HeartbeatClassifier.classify(seenAgo(Duration.ofMillis(2001)), NOW, t))
        .isEqualTo(HeartbeatLevel.STALE);
    assertThat(HeartbeatClassifier.classify(seenAgo(Duration.ofMillis(3001)), NOW, t))
        .isEqualTo(HeartbeatLevel.DEAD);
  }

  @Test
  void theLevelNeverDecreasesAsTheAgeGrows() {
    qt().forAll(longs().between(-1_000_000L, 1_000_000_000L), longs().between(0, 1_000_000_000L))
        .check(
            (age, more) ->
                HeartbeatClassifier.levelOfAge(Duration.ofMillis(age), DEFAULTS)
                        .compareTo(
                            HeartbeatClassifier.levelOfAge(Duration.ofMillis(age + more), DEFAULTS))
                    <= 0);
  }

  @Test
  void thresholdsMustBeOrdered() {
    assertThatThrownBy(
            () ->
                new Thresholds(
                    Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(300)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("warn < stale < dead");
  }
}
