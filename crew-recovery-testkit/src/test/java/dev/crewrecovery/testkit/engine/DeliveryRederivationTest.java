package dev.crewrecovery.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.StoreIoException;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.spi.DeadletterFilter;
import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.internal.engine.EngineAccess;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.FakeProcessProbe;
import dev.crewrecovery.testkit.ForwardingRunStore;
import dev.crewrecovery.testkit.InMemoryRunStore;
import dev.crewrecovery.testkit.RecordingDeliverySink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A host that dies between a result's commit and its hand-over to the coordinator loses no
 * delivery: the next start of the same session id re-derives it from the run (DESIGN section 11:
 * nothing dormant, never a loss), and nothing already delivered or deadlettered comes back.
 */
class DeliveryRederivationTest {
  private static final RunId RUN = RunId.of("run-1");
  private static final TaskId T1 = TaskId.of("t1");
  private static final TaskId T2 = TaskId.of("t2");
  private static final SessionId HOST = SessionId.of("host-a");

  /** Refuses to persist deliveries while {@code down}: the crash window after the commit. */
  private static final class DownStore extends ForwardingRunStore {
    volatile boolean down;

    DownStore(InMemoryRunStore delegate) {
      super(delegate);
    }

    @Override
    public boolean enqueueDelivery(Delivery delivery) {
      if (down) {
        throw new StoreIoException("injected: the host died before persisting", null);
      }
      return super.enqueueDelivery(delivery);
    }
  }

  private final FakeClock clock = new FakeClock(Harness.T0);
  private final DownStore store = new DownStore(InMemoryRunStore.open(clock));
  private final List<CrewRecovery> open = new ArrayList<>();

  @AfterEach
  void close() {
    open.forEach(CrewRecovery::close);
  }

  private CrewRecovery host(RecordingDeliverySink sink) {
    CrewRecovery crew =
        EngineAccess.manualLoops(
                CrewRecovery.builder()
                    .store(store)
                    .clock(clock)
                    .probe(new FakeProcessProbe())
                    .sink(sink)
                    .sessionId(HOST)
                    .hostName(Harness.HOST)
                    .random(new SplittableRandom(7)))
            .build();
    open.add(crew);
    crew.start();
    return crew;
  }

  @Test
  void aResultWhoseHandOverWasLostIsDeliveredAfterTheNextStart() {
    CrewRecovery first = host(new RecordingDeliverySink());
    first.runs().create(RUN, List.of(T1));
    AttemptId t1 = first.runs().startAttempt(RUN, T1);
    store.down = true;
    first.runs().recordResult(t1, "ref-1");
    store.down = false;
    assertThat(store.pendingDeliveries()).as("lost in the crash window").isEmpty();
    first.close();

    clock.advance(Duration.ofMinutes(1));
    RecordingDeliverySink sink = new RecordingDeliverySink();
    CrewRecovery second = host(sink);
    second.deliveries().activate(HOST);

    assertThat(sink.deliveredIds()).containsExactly(DeliveryId.forResult(t1));

    // A third start finds it delivered: not again.
    second.close();
    RecordingDeliverySink third = new RecordingDeliverySink();
    host(third).deliveries().activate(HOST);
    assertThat(third.attempts()).isEmpty();
  }

  @Test
  void aDeadletteredResultAndOneOlderThanTheTtlAreNotRederived() {
    RecordingDeliverySink failing = new RecordingDeliverySink();
    CrewRecovery first = host(failing);
    first.runs().create(RUN, List.of(T1, T2));
    AttemptId t1 = first.runs().startAttempt(RUN, T1);
    store.down = true; // lost in the crash window, and then older than the TTL
    first.runs().recordResult(t1, "old");
    store.down = false;
    clock.advance(Duration.ofHours(25));
    AttemptId t2 = first.runs().startAttempt(RUN, T2);
    failing.failNext(5);
    first.runs().recordResult(t2, "refused");
    first.deliveries().activate(HOST);
    for (int i = 0; i < 5; i++) {
      EngineAccess.engine(first).deliveryTick();
    }
    assertThat(store.deadletters(DeadletterFilter.ofRun(RUN)))
        .extracting(d -> d.entry().reason(), d -> d.entry().deliveryId())
        .contains(
            org.assertj.core.groups.Tuple.tuple(
                DeadletterReason.DELIVERY_FAILED, DeliveryId.forResult(t2)));
    assertThat(store.pendingDeliveries()).isEmpty();
    first.close();

    RecordingDeliverySink sink = new RecordingDeliverySink();
    host(sink).deliveries().activate(HOST);

    assertThat(sink.attempts()).isEmpty();
  }
}
