package dev.crewrecovery.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveryStatsTest {
  @Test
  void everyDropReasonIsPresentAndTheTotalSumsThem() {
    DeliveryStats s =
        new DeliveryStats(
            1,
            2,
            3,
            4,
            Map.of(DeliveryDropReason.EXPIRED, 5L, DeliveryDropReason.OVERFLOW, 6L),
            7,
            8);
    assertThat(s.dropped()).containsOnlyKeys(DeliveryDropReason.values());
    assertThat(s.dropped(DeliveryDropReason.STALE_GENERATION)).isZero();
    assertThat(s.dropped(DeliveryDropReason.EXPIRED)).isEqualTo(5);
    assertThat(s.droppedTotal()).isEqualTo(11);
  }
}
