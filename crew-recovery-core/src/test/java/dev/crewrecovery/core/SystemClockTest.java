package dev.crewrecovery.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SystemClockTest {

  @Test
  void wallTimeIsTheSystemClock() {
    Instant before = Instant.now();
    Instant read = SystemClock.instance().now();
    Instant after = Instant.now();

    assertThat(read).isBetween(before.minus(Duration.ofSeconds(1)), after);
  }

  @Test
  void monotonicTimeNeverDecreases() {
    SystemClock clock = SystemClock.instance();
    long previous = clock.monotonicNanos();
    for (int i = 0; i < 1_000; i++) {
      long next = clock.monotonicNanos();
      assertThat(next).isGreaterThanOrEqualTo(previous);
      previous = next;
    }
  }
}
