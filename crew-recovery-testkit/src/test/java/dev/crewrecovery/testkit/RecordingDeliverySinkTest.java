package dev.crewrecovery.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.CrewRecoveryException;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.DeliveryKind;
import dev.crewrecovery.api.RunId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RecordingDeliverySinkTest {

  private final RecordingDeliverySink sink = new RecordingDeliverySink();

  private static Delivery delivery(String id) {
    return new Delivery(
        DeliveryId.of(id),
        DeliveryKind.NOTIFICATION,
        RunId.of("r1"),
        null,
        "p",
        FakeClock.DEFAULT_START,
        0,
        0);
  }

  @Test
  void recordsAcceptedDeliveriesInOrderRepeatsIncluded() {
    sink.deliver(delivery("a"));
    sink.deliver(delivery("b"));
    sink.deliver(delivery("a"));

    assertThat(sink.delivered()).containsExactly(delivery("a"), delivery("b"), delivery("a"));
    assertThat(sink.deliveredIds())
        .containsExactly(DeliveryId.of("a"), DeliveryId.of("b"), DeliveryId.of("a"));
  }

  @Test
  void failNextRefusesExactlyTheNextNDeliveries() {
    sink.failNext(2);

    assertThatThrownBy(() -> sink.deliver(delivery("a")))
        .isInstanceOf(CrewRecoveryException.class)
        .hasMessageContaining("a");
    assertThatThrownBy(() -> sink.deliver(delivery("a"))).isInstanceOf(CrewRecoveryException.class);
    sink.deliver(delivery("a"));
    sink.deliver(delivery("b"));

    assertThat(sink.delivered()).containsExactly(delivery("a"), delivery("b"));
    assertThat(sink.attempts()).hasSize(4);
  }

  @Test
  void failNextReplacesTheCountLeft() {
    sink.failNext(5);
    sink.failNext(0);

    sink.deliver(delivery("a"));

    assertThat(sink.delivered()).containsExactly(delivery("a"));
    assertThatIllegalArgumentException().isThrownBy(() -> sink.failNext(-1));
  }

  @Test
  void anInactiveSinkRefusesEverythingUntilActiveAgain() {
    sink.setActive(false);

    assertThat(sink.isActive()).isFalse();
    assertThatThrownBy(() -> sink.deliver(delivery("a")))
        .isInstanceOf(CrewRecoveryException.class)
        .hasMessageContaining("inactive");
    assertThatThrownBy(() -> sink.deliver(delivery("b"))).isInstanceOf(CrewRecoveryException.class);
    sink.setActive(true);
    sink.deliver(delivery("c"));

    assertThat(sink.delivered()).containsExactly(delivery("c"));
    assertThat(sink.attempts()).containsExactly(delivery("a"), delivery("b"), delivery("c"));
  }

  @Test
  void clearForgetsTheRecordsOnly() {
    sink.deliver(delivery("a"));
    sink.setActive(false);

    sink.clear();

    assertThat(sink.delivered()).isEmpty();
    assertThat(sink.attempts()).isEmpty();
    assertThat(sink.isActive()).isFalse();
  }

  @Test
  void concurrentDeliveriesAreAllRecorded() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        String prefix = "t" + t + "-";
        workers.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int i = 0; i < 250; i++) {
                    sink.deliver(delivery(prefix + i));
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> w : workers) {
        w.get(30, TimeUnit.SECONDS);
      }

      assertThat(sink.delivered()).hasSize(1000).doesNotHaveDuplicates();
    } finally {
      pool.shutdownNow();
    }
  }
}
