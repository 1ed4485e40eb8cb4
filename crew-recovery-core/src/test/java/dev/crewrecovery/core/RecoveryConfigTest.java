package dev.crewrecovery.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.InvalidConfigurationException;
import java.time.Duration;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingSupplier;

class RecoveryConfigTest {

  @Test
  void defaultsAreTheDesignNumbers() {
    RecoveryConfig c = RecoveryConfig.defaults();
    assertThat(c.leaseDuration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.leaseRenewInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.heartbeatWarn()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.heartbeatStale()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.heartbeatDead()).isEqualTo(Duration.ofSeconds(300));
    assertThat(c.activityWindow()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.watcherInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.watcherDeadStreakInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.deadStreakTicks()).isEqualTo(3);
    assertThat(c.deadletterCooldown()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.bookkeepingTtl()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.scanInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.abandonedAfter()).isEqualTo(Duration.ofHours(24));
    assertThat(c.maxAttempts()).isEqualTo(3);
    assertThat(c.backoffBase()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.backoffCap()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.backoffJitter()).isEqualTo(0.30);
    assertThat(c.crashLoopMaxResumes()).isEqualTo(3);
    assertThat(c.crashLoopWindow()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.terminateGrace()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.discontinuityDrift()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.discontinuityGapFactor()).isEqualTo(3);
    assertThat(c.deliveryMaxFailures()).isEqualTo(5);
    assertThat(c.deliveryTtl()).isEqualTo(Duration.ofHours(24));
    assertThat(c.deliveryQueueBound()).isEqualTo(10_000);
    assertThat(c.deadletterRetention()).isEqualTo(Duration.ofDays(30));
    assertThat(c.deadletterCapacity()).isEqualTo(10_000);
  }

  private static final Map<
          String, BiFunction<RecoveryConfig.Builder, Duration, RecoveryConfig.Builder>>
      DURATIONS =
          Map.ofEntries(
              Map.entry("leaseDuration", RecoveryConfig.Builder::leaseDuration),
              Map.entry("leaseRenewInterval", RecoveryConfig.Builder::leaseRenewInterval),
              Map.entry("heartbeatWarn", RecoveryConfig.Builder::heartbeatWarn),
              Map.entry("heartbeatStale", RecoveryConfig.Builder::heartbeatStale),
              Map.entry("heartbeatDead", RecoveryConfig.Builder::heartbeatDead),
              Map.entry("activityWindow", RecoveryConfig.Builder::activityWindow),
              Map.entry("watcherInterval", RecoveryConfig.Builder::watcherInterval),
              Map.entry(
                  "watcherDeadStreakInterval", RecoveryConfig.Builder::watcherDeadStreakInterval),
              Map.entry("deadletterCooldown", RecoveryConfig.Builder::deadletterCooldown),
              Map.entry("bookkeepingTtl", RecoveryConfig.Builder::bookkeepingTtl),
              Map.entry("scanInterval", RecoveryConfig.Builder::scanInterval),
              Map.entry("abandonedAfter", RecoveryConfig.Builder::abandonedAfter),
              Map.entry("backoffBase", RecoveryConfig.Builder::backoffBase),
              Map.entry("backoffCap", RecoveryConfig.Builder::backoffCap),
              Map.entry("crashLoopWindow", RecoveryConfig.Builder::crashLoopWindow),
              Map.entry("terminateGrace", RecoveryConfig.Builder::terminateGrace),
              Map.entry("discontinuityDrift", RecoveryConfig.Builder::discontinuityDrift),
              Map.entry("deliveryTtl", RecoveryConfig.Builder::deliveryTtl),
              Map.entry("deadletterRetention", RecoveryConfig.Builder::deadletterRetention));

  private static void assertRejects(String field, ThrowingSupplier<RecoveryConfig> build) {
    assertThatThrownBy(build::get)
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith(field + ":")
        .satisfies(e -> assertThat(((InvalidConfigurationException) e).field()).isEqualTo(field));
  }

  @Test
  void everyDurationMustBePositive() {
    DURATIONS.forEach(
        (field, setter) -> {
          assertRejects(field, () -> setter.apply(RecoveryConfig.builder(), Duration.ZERO).build());
          assertRejects(
              field, () -> setter.apply(RecoveryConfig.builder(), Duration.ofSeconds(-1)).build());
        });
  }

  @Test
  void everyCountMustBeAtLeastOne() {
    assertRejects("maxAttempts", () -> RecoveryConfig.builder().maxAttempts(0).build());
    assertRejects("deadStreakTicks", () -> RecoveryConfig.builder().deadStreakTicks(0).build());
    assertRejects(
        "crashLoopMaxResumes", () -> RecoveryConfig.builder().crashLoopMaxResumes(-3).build());
    assertRejects(
        "discontinuityGapFactor", () -> RecoveryConfig.builder().discontinuityGapFactor(0).build());
    assertRejects(
        "deliveryMaxFailures", () -> RecoveryConfig.builder().deliveryMaxFailures(0).build());
    assertRejects(
        "deliveryQueueBound", () -> RecoveryConfig.builder().deliveryQueueBound(0).build());
    assertRejects(
        "deadletterCapacity", () -> RecoveryConfig.builder().deadletterCapacity(0).build());
    assertThat(RecoveryConfig.builder().maxAttempts(1).build().maxAttempts()).isEqualTo(1);
  }

  @Test
  void heartbeatThresholdsMustBeStrictlyOrdered() {
    assertRejects(
        "heartbeatWarn",
        () -> RecoveryConfig.builder().heartbeatWarn(Duration.ofSeconds(60)).build());
    assertRejects(
        "heartbeatStale",
        () -> RecoveryConfig.builder().heartbeatStale(Duration.ofSeconds(300)).build());
    assertThat(
            RecoveryConfig.builder().heartbeatWarn(Duration.ofSeconds(59)).build().heartbeatWarn())
        .isEqualTo(Duration.ofSeconds(59));
  }

  @Test
  void theActivityWindowMustCoverTheDeadThreshold() {
    assertRejects(
        "activityWindow",
        () -> RecoveryConfig.builder().activityWindow(Duration.ofSeconds(299)).build());
    assertRejects(
        "activityWindow",
        () -> RecoveryConfig.builder().heartbeatDead(Duration.ofSeconds(301)).build());
    // Equal is allowed: the defaults are 5 min and 300 s.
    assertThat(RecoveryConfig.defaults().activityWindow())
        .isEqualTo(RecoveryConfig.defaults().heartbeatDead());
  }

  @Test
  void otherConsistencyRules() {
    assertRejects(
        "leaseRenewInterval",
        () -> RecoveryConfig.builder().leaseRenewInterval(Duration.ofSeconds(30)).build());
    assertRejects(
        "watcherDeadStreakInterval",
        () -> RecoveryConfig.builder().watcherDeadStreakInterval(Duration.ofSeconds(6)).build());
    assertRejects(
        "backoffBase", () -> RecoveryConfig.builder().backoffBase(Duration.ofMinutes(6)).build());
    assertRejects("backoffJitter", () -> RecoveryConfig.builder().backoffJitter(1.0).build());
    assertRejects("backoffJitter", () -> RecoveryConfig.builder().backoffJitter(-0.1).build());
    assertRejects(
        "backoffJitter", () -> RecoveryConfig.builder().backoffJitter(Double.NaN).build());
  }

  @Test
  void toBuilderKeepsEveryValue() {
    RecoveryConfig c =
        RecoveryConfig.builder()
            .maxAttempts(7)
            .heartbeatDead(Duration.ofSeconds(200))
            .activityWindow(Duration.ofSeconds(200))
            .backoffJitter(0.1)
            .build();
    RecoveryConfig copy = c.toBuilder().build();
    assertThat(copy.maxAttempts()).isEqualTo(7);
    assertThat(copy.heartbeatDead()).isEqualTo(Duration.ofSeconds(200));
    assertThat(copy.backoffJitter()).isEqualTo(0.1);
    assertThat(copy.toString()).contains("maxAttempts=7");
  }
}
