package dev.crewrecovery.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SystemClockTest {

  private final SystemClock clock = SystemClock.instance();

  @Test
  void isOneSharedInstance() {
    assertThat(SystemClock.instance()).isSameAs(clock);
  }

  @Test
  void wallTimeIsTheSystemClock() {
    Instant before = Instant.now();
    Instant read = clock.now();
    Instant after = Instant.now();

    // Between two reference reads, allowing for a system clock stepped backwards in between.
    assertThat(read).isBetween(before.minus(Duration.ofSeconds(1)), after.plusSeconds(1));
    assertThat(Duration.between(before, read).abs()).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void monotonicTimeNeverDecreases() {
    long previous = clock.monotonicNanos();
    for (int i = 0; i < 100_000; i++) {
      long next = clock.monotonicNanos();
      assertThat(next).isGreaterThanOrEqualTo(previous);
      previous = next;
    }
  }

  @Test
  void monotonicTimeNeverDecreasesAcrossThreads() throws Exception {
    // Each thread reads after the previous thread's last read happened-before its start, so a
    // clock that differs between cores would show up as a decrease here.
    long last = clock.monotonicNanos();
    for (int t = 0; t < 8; t++) {
      long start = last;
      List<Long> reads =
          CompletableFuture.supplyAsync(
                  () -> {
                    List<Long> out = new ArrayList<>();
                    for (int i = 0; i < 1_000; i++) {
                      out.add(clock.monotonicNanos());
                    }
                    return out;
                  })
              .get(10, TimeUnit.SECONDS);
      assertThat(reads.get(0)).isGreaterThanOrEqualTo(start);
      assertThat(reads).isSorted();
      last = reads.get(reads.size() - 1);
    }
    assertThat(clock.monotonicNanos()).isGreaterThanOrEqualTo(last);
  }

  @Test
  void monotonicTimeAdvances() {
    long first = clock.monotonicNanos();
    long next = first;
    // nanoTime has at most microsecond granularity on any supported platform; a million reads
    // without change would mean it is frozen.
    for (int i = 0; i < 1_000_000 && next == first; i++) {
      next = clock.monotonicNanos();
    }
    assertThat(next).isGreaterThan(first);
  }
}
