package dev.crewrecovery.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.InvalidConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** RecoveryConfig is the one source of the delivery and deadletter settings. */
class RecoveryConfigDeliveryTest {

  @Test
  void theDefaultsAreTheSameObjectsEverywhere() {
    RecoveryConfig c = RecoveryConfig.defaults();
    assertThat(c.deliveryConfig()).isEqualTo(DeliveryConfig.defaults());
    assertThat(c.deadletterConfig()).isEqualTo(DeadletterConfig.defaults());
    assertThat(c.deliveryPersistResults()).isTrue();
    assertThat(DeliveryConfig.defaults().ttl()).isEqualTo(Duration.ofHours(24));
    assertThat(DeliveryConfig.defaults().bound()).isEqualTo(10_000);
    assertThat(DeliveryConfig.defaults().maxFailures()).isEqualTo(5);
    assertThat(DeadletterConfig.defaults().retention()).isEqualTo(Duration.ofDays(30));
    assertThat(DeadletterConfig.defaults().capacity()).isEqualTo(10_000);
  }

  @Test
  void everyDeliveryAndDeadletterValueIsMapped() {
    RecoveryConfig c =
        RecoveryConfig.builder()
            .deliveryTtl(Duration.ofHours(2))
            .deliveryQueueBound(7)
            .deliveryMaxFailures(3)
            .deliveryPersistResults(false)
            .deadletterRetention(Duration.ofDays(2))
            .deadletterCapacity(9)
            .build();
    assertThat(c.deliveryConfig()).isEqualTo(new DeliveryConfig(Duration.ofHours(2), 7, 3, false));
    assertThat(c.deadletterConfig()).isEqualTo(new DeadletterConfig(Duration.ofDays(2), 9));
    assertThat(c.toBuilder().build().deliveryPersistResults()).isFalse();
  }

  @Test
  void valuesTheDerivedConfigsWouldRefuseAreRefusedAtBuildNamingTheField() {
    assertThatThrownBy(
            () ->
                RecoveryConfig.builder().deliveryTtl(DeliveryConfig.MAX_TTL.plusSeconds(1)).build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("deliveryTtl");
    assertThatThrownBy(
            () ->
                RecoveryConfig.builder()
                    .deadletterRetention(DeadletterConfig.MAX_RETENTION.plusSeconds(1))
                    .build())
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("deadletterRetention");
  }
}
