package dev.crewrecovery.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FakeClockTest {

  private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

  @Test
  void createStartsAtTheFixedEpochAndAtStartsWhereToldWithMonotonicTimeAtZero() {
    assertThat(FakeClock.create().now()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(FakeClock.create().now()).isEqualTo(FakeClock.DEFAULT_START);
    FakeClock clock = FakeClock.at(START);
    assertThat(clock.now()).isEqualTo(START);
    assertThat(clock.monotonicNanos()).isZero();
  }

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
    clock.stepWall(Duration.ofMinutes(30));

    assertThat(clock.now()).isEqualTo(START.minus(Duration.ofMinutes(90)));
    assertThat(clock.monotonicNanos()).isZero();
  }

  @Test
  void aSuspendMovesWallTimeAloneAsLinuxMonotonicTimeDoesNotCountIt() {
    FakeClock clock = new FakeClock(START);
    clock.advance(Duration.ofSeconds(1));

    clock.suspend(Duration.ofHours(8));

    assertThat(clock.now()).isEqualTo(START.plusSeconds(1).plus(Duration.ofHours(8)));
    assertThat(clock.monotonicNanos()).isEqualTo(Duration.ofSeconds(1).toNanos());
  }

  @Test
  void advanceMonotonicMovesMonotonicTimeAlone() {
    FakeClock clock = new FakeClock(START);

    clock.advanceMonotonic(Duration.ofMinutes(5));

    assertThat(clock.now()).isEqualTo(START);
    assertThat(clock.monotonicNanos()).isEqualTo(Duration.ofMinutes(5).toNanos());
  }

  @Test
  void setWallSetsWallTimeAloneEvenBackwards() {
    FakeClock clock = new FakeClock(START);
    clock.advance(Duration.ofSeconds(10));

    clock.setWall(START.minusSeconds(3600));

    assertThat(clock.now()).isEqualTo(START.minusSeconds(3600));
    assertThat(clock.monotonicNanos()).isEqualTo(Duration.ofSeconds(10).toNanos());
  }

  @Test
  void timeDoesNotRunBackwards() {
    FakeClock clock = new FakeClock(START);

    assertThatIllegalArgumentException().isThrownBy(() -> clock.advance(Duration.ofSeconds(-1)));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> clock.advanceMonotonic(Duration.ofSeconds(-1)));
    assertThatIllegalArgumentException().isThrownBy(() -> clock.suspend(Duration.ofSeconds(-1)));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> clock.autoAdvanceMonotonic(Duration.ofNanos(-1)));
    assertThat(clock.now()).isEqualTo(START);
    assertThat(clock.monotonicNanos()).isZero();
  }

  @Test
  void autoAdvanceMovesMonotonicTimeOnEveryReadUntilTurnedOff() {
    FakeClock clock = new FakeClock(START);

    clock.autoAdvanceMonotonic(Duration.ofMillis(50));
    long first = clock.monotonicNanos();
    long second = clock.monotonicNanos();
    clock.autoAdvanceMonotonic(Duration.ZERO);
    long third = clock.monotonicNanos();
    long fourth = clock.monotonicNanos();

    assertThat(first).isEqualTo(Duration.ofMillis(50).toNanos());
    assertThat(second - first).isEqualTo(Duration.ofMillis(50).toNanos());
    assertThat(third).isEqualTo(second);
    assertThat(fourth).isEqualTo(third);
    assertThat(clock.now()).isEqualTo(START);
  }

  @Test
  void monotonicReadsAreCountedAndOtherReadsAreNot() {
    FakeClock clock = new FakeClock(START);

    clock.now();
    clock.monotonicNanos();
    clock.monotonicNanos();
    clock.advance(Duration.ofSeconds(1));

    assertThat(clock.monotonicReads()).isEqualTo(2);
  }

  @Test
  void awaitMonotonicReadsReturnsOnceAnotherThreadHasRead() throws Exception {
    FakeClock clock = new FakeClock(START);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      CountDownLatch go = new CountDownLatch(1);
      Future<?> reader =
          pool.submit(
              () -> {
                go.await();
                clock.monotonicNanos();
                clock.monotonicNanos();
                return null;
              });

      go.countDown();

      assertThat(clock.awaitMonotonicReads(2, Duration.ofSeconds(30))).isTrue();
      assertThat(clock.monotonicReads()).isGreaterThanOrEqualTo(2);
      reader.get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void awaitMonotonicReadsGivesUpAfterItsBound() throws Exception {
    FakeClock clock = new FakeClock(START);

    assertThat(clock.awaitMonotonicReads(1, Duration.ofMillis(20))).isFalse();
    assertThat(clock.awaitMonotonicReads(0, Duration.ofMillis(20))).isTrue();
  }

  @Test
  void concurrentAdvancesAreAllCounted() throws Exception {
    FakeClock clock = new FakeClock(START);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        workers.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int i = 0; i < 1000; i++) {
                    clock.advance(Duration.ofMillis(1));
                    clock.monotonicNanos();
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> w : workers) {
        w.get(30, TimeUnit.SECONDS);
      }

      assertThat(clock.now()).isEqualTo(START.plusSeconds(4));
      assertThat(clock.monotonicNanos()).isEqualTo(Duration.ofSeconds(4).toNanos());
      assertThat(clock.monotonicReads()).isEqualTo(4001);
    } finally {
      pool.shutdownNow();
    }
  }
}
