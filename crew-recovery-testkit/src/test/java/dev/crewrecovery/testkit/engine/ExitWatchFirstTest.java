package dev.crewrecovery.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.ExitClass;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.spi.ProcessExit;
import dev.crewrecovery.api.spi.ProcessProbe;
import dev.crewrecovery.api.spi.TerminationOutcome;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.internal.engine.EngineAccess;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.FakeProcessProbe;
import dev.crewrecovery.testkit.InMemoryRunStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A child of the host's JVM leaves {@code /proc} when the JDK reaps it, a moment before its exit
 * watch fires with the exit code. The heartbeat watcher, probing in that moment, leaves the repair
 * to the exit watch once, so the failure carries the exit class; it repairs by itself when the
 * watch has not fired by its next tick.
 */
class ExitWatchFirstTest {
  private static final RunId RUN = RunId.of("r1");
  private static final TaskId A = TaskId.of("a");

  private final FakeClock clock = new FakeClock(Harness.T0);
  private final FakeProcessProbe fake = new FakeProcessProbe();

  /** Probes through the fake; exit watches are futures this test completes (the JDK's reaper). */
  private final CompletableFuture<ProcessExit> reaper = new CompletableFuture<>();

  private final ProcessProbe probe =
      new ProcessProbe() {
        @Override
        public Liveness probe(ProcessRef ref) {
          return fake.probe(ref);
        }

        @Override
        public Optional<ProcessRef> identify(long pid) {
          return fake.identify(pid);
        }

        @Override
        public CompletableFuture<ProcessExit> onExit(ProcessRef ref) {
          return reaper;
        }

        @Override
        public TerminationOutcome terminate(ProcessRef ref, Duration grace) {
          return fake.terminate(ref, grace);
        }
      };

  private final dev.crewrecovery.core.CrewRecovery crew =
      EngineAccess.manualLoops(
              dev.crewrecovery.core.CrewRecovery.builder()
                  .store(InMemoryRunStore.open(clock))
                  .clock(clock)
                  .probe(probe)
                  .sessionId(Harness.SESSION)
                  .hostName(Harness.HOST)
                  .config(RecoveryConfig.defaults()))
          .build();

  @AfterEach
  void close() {
    crew.close();
  }

  private AttemptId startWorker() {
    crew.start();
    crew.runs().create(RUN, List.of(A));
    ProcessRef worker = fake.spawn(40);
    AttemptId attempt = crew.runs().startAttempt(RUN, A, worker, null, false);
    // Reaped: gone for the probe, while the exit watch has not fired yet.
    fake.set(worker, Liveness.DEAD);
    return attempt;
  }

  private TaskState task() {
    return crew.runs().snapshot(RUN).orElseThrow().task(A).orElseThrow();
  }

  private void tick() {
    EngineAccess.engine(crew).watcher().runOnce();
  }

  @Test
  void theWatcherLeavesAReapedChildToItsExitWatchWhichRecordsTheExitClass() {
    AttemptId attempt = startWorker();

    tick();
    assertThat(task().status()).as("left to the exit watch").isEqualTo(TaskStatus.RUNNING);

    reaper.complete(new ProcessExit(fake.spawn(40), 3));

    Failure failure = task().attempts().get(0).failure();
    assertThat(task().status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(failure).isNotNull();
    assertThat(failure.code()).isEqualTo(Failure.WORKER_LOST);
    assertThat(failure.exitClass()).isEqualTo(ExitClass.NON_ZERO_EXIT);
    assertThat(task().attempts().get(0).id()).isEqualTo(attempt);
  }

  @Test
  void anExitWatchThatNeverFiresDelaysTheRepairByOneTickOnly() {
    startWorker();

    tick();
    assertThat(task().status()).isEqualTo(TaskStatus.RUNNING);
    clock.advance(Duration.ofSeconds(5));
    tick();

    Failure failure = task().attempts().get(0).failure();
    assertThat(task().status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(failure).isNotNull();
    assertThat(failure.code()).isEqualTo(Failure.WORKER_LOST);
    assertThat(failure.exitClass()).as("found by a probe: no exit information").isNull();
  }
}
