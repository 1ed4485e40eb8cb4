package dev.crewrecovery.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.InvalidConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeliveryConfigTest {

  @Test
  void defaultsAreThoseOfTheDesign() {
    DeliveryConfig c = DeliveryConfig.defaults();
    assertThat(c.ttl()).isEqualTo(Duration.ofHours(24)).isEqualTo(DeliveryConfig.DEFAULT_TTL);
    assertThat(c.bound()).isEqualTo(10_000).isEqualTo(DeliveryConfig.DEFAULT_BOUND);
    assertThat(c.maxFailures()).isEqualTo(5).isEqualTo(DeliveryConfig.DEFAULT_MAX_FAILURES);
    assertThat(c.persistResults()).isTrue().isEqualTo(DeliveryConfig.DEFAULT_PERSIST_RESULTS);
  }

  @Test
  void theBuilderSetsEveryField() {
    DeliveryConfig c =
        DeliveryConfig.builder()
            .ttl(Duration.ofMinutes(3))
            .bound(7)
            .maxFailures(2)
            .persistResults(false)
            .build();
    assertThat(c).isEqualTo(new DeliveryConfig(Duration.ofMinutes(3), 7, 2, false));
  }

  @Test
  void buildRejectsValuesOutOfTheirDomainNamingTheField() {
    assertField(DeliveryConfig.builder().ttl(Duration.ZERO), "ttl");
    assertField(DeliveryConfig.builder().ttl(Duration.ofSeconds(-1)), "ttl");
    assertField(DeliveryConfig.builder().ttl(DeliveryConfig.MAX_TTL.plusNanos(1)), "ttl");
    assertField(DeliveryConfig.builder().bound(0), "bound");
    assertField(DeliveryConfig.builder().maxFailures(0), "maxFailures");
    // The limits themselves are accepted.
    assertThat(DeliveryConfig.builder().ttl(DeliveryConfig.MAX_TTL).bound(1).maxFailures(1).build())
        .isNotNull();
    assertThat(DeliveryConfig.builder().ttl(Duration.ofNanos(1)).build()).isNotNull();
  }

  private static void assertField(DeliveryConfig.Builder b, String field) {
    assertThatThrownBy(b::build)
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageStartingWith(field + ": was ")
        .hasMessageContaining("must");
  }
}
