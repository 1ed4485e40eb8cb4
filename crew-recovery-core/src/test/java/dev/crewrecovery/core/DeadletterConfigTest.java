package dev.crewrecovery.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.InvalidConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeadletterConfigTest {

  @Test
  void defaultsAreThoseOfTheDesign() {
    DeadletterConfig c = DeadletterConfig.defaults();
    assertThat(c.retention()).isEqualTo(Duration.ofDays(30));
    assertThat(c.capacity()).isEqualTo(10_000);
  }

  @Test
  void buildRejectsValuesOutOfTheirDomainNamingTheField() {
    assertField(DeadletterConfig.builder().retention(Duration.ZERO), "retention");
    assertField(DeadletterConfig.builder().retention(Duration.ofDays(-1)), "retention");
    assertField(
        DeadletterConfig.builder().retention(DeadletterConfig.MAX_RETENTION.plusNanos(1)),
        "retention");
    assertField(DeadletterConfig.builder().capacity(0), "capacity");
    assertThat(
            DeadletterConfig.builder()
                .retention(DeadletterConfig.MAX_RETENTION)
                .capacity(1)
                .build())
        .isEqualTo(new DeadletterConfig(DeadletterConfig.MAX_RETENTION, 1));
  }

  private static void assertField(DeadletterConfig.Builder b, String field) {
    assertThatThrownBy(b::build)
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageStartingWith(field + ": was ");
  }
}
