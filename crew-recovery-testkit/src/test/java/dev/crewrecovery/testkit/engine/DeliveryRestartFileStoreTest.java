package dev.crewrecovery.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.FileRunStore;
import dev.crewrecovery.core.internal.engine.EngineAccess;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.FakeProcessProbe;
import dev.crewrecovery.testkit.RecordingDeliverySink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the real file store, results are persisted by default: a result recorded while no session is
 * active survives a host restart and is delivered by {@code activate} after it, exactly once.
 */
class DeliveryRestartFileStoreTest {
  private static final RunId RUN = RunId.of("run-1");
  private static final TaskId T1 = TaskId.of("t1");
  private static final SessionId HOST = SessionId.of("host-a");

  @TempDir Path root;

  private final FakeClock clock = new FakeClock(Harness.T0);

  /** One host life: opens the store, builds and starts the facade, runs {@code body}, closes. */
  private void life(RecordingDeliverySink sink, java.util.function.Consumer<CrewRecovery> body) {
    try (FileRunStore store = FileRunStore.open(root);
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
                .build()) {
      crew.start();
      body.accept(crew);
    }
  }

  @Test
  void aResultRecordedWhileInactiveIsDeliveredAfterRestartAndActivateExactlyOnce() {
    RecordingDeliverySink first = new RecordingDeliverySink();
    AttemptId[] attempt = new AttemptId[1];
    life(
        first,
        crew -> {
          crew.runs().create(RUN, List.of(T1));
          attempt[0] = crew.runs().startAttempt(RUN, T1);
          crew.runs().recordResult(attempt[0], "file:///out/1.json");
        });
    assertThat(first.attempts()).as("never active: nothing delivered").isEmpty();

    clock.advance(Duration.ofMinutes(1));
    RecordingDeliverySink second = new RecordingDeliverySink();
    life(second, crew -> crew.deliveries().activate(HOST));
    assertThat(second.deliveredIds()).containsExactly(DeliveryId.forResult(attempt[0]));
    assertThat(second.delivered().get(0).payload()).isEqualTo("file:///out/1.json");

    clock.advance(Duration.ofMinutes(1));
    RecordingDeliverySink third = new RecordingDeliverySink();
    life(third, crew -> crew.deliveries().activate(HOST));
    assertThat(third.attempts()).as("delivered once, never again").isEmpty();
  }
}
