package dev.crewrecovery.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualDriverTest {
  private static final RunId RUN = RunId.of("r1");
  private static final TaskId A = TaskId.of("a");
  private static final TaskId B = TaskId.of("b");

  private static TaskState task(ManualDriver d, TaskId t) {
    return d.snapshot(RUN).orElseThrow().task(t).orElseThrow();
  }

  private static List<String> events(ManualDriver d) {
    return d.store().events(RUN, 0, 10_000).stream().map(RunEvent::type).toList();
  }

  @Test
  void advanceRunsEachLoopAtItsDueInstantAndWorkersBeat() {
    try (ManualDriver d = ManualDriver.builder().build()) {
      d.startRun("r1", "a");
      long passes = d.engine().recovery().passes();
      long ticks = d.engine().watcher().ticks();
      d.advance(Duration.ofSeconds(60));
      // the first pass was due at start, the second at 60 s; the watcher every 5 s.
      assertThat(d.engine().recovery().passes() - passes).isEqualTo(2);
      assertThat(d.engine().watcher().ticks() - ticks).isEqualTo(12);
      assertThat(d.store().heartbeats(RUN).get(A)).isNotNull();
      // the worker beats, so an hour later nothing is wrong
      d.advance(Duration.ofHours(1));
      assertThat(task(d, A).status()).isEqualTo(TaskStatus.RUNNING);
    }
  }

  @Test
  void aKilledWorkerIsRepairedAtOnceByItsExitWatch() {
    try (ManualDriver d = ManualDriver.builder().build()) {
      d.startRun("r1", "a", "b");
      ProcessRef killed = d.killWorker(RUN, A);
      assertThat(d.probe().peek(killed)).isEqualTo(Liveness.DEAD);
      // retry policy: the dead attempt failed, the task queued again with a back-off
      assertThat(task(d, A).status()).isEqualTo(TaskStatus.QUEUED);
      assertThat(task(d, A).attempts().get(0).failure()).isNotNull();
      assertThat(task(d, B).status()).isEqualTo(TaskStatus.RUNNING);
      assertThat(d.endedWorkers()).containsExactly(killed);
      assertThatThrownBy(() -> d.killWorker(RUN, A)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void aPausedWorkerStaysAliveAndIsNeverFailed() {
    try (ManualDriver d = ManualDriver.builder().build()) {
      d.startRun("r1", "a");
      d.pauseWorker(RUN, A);
      long beats = beatCounter(d);
      d.advance(Duration.ofHours(2));
      assertThat(beatCounter(d)).isEqualTo(beats);
      assertThat(task(d, A).status()).isEqualTo(TaskStatus.RUNNING);
      d.resumeWorker(RUN, A);
      d.advance(Duration.ofSeconds(1));
      assertThat(beatCounter(d)).isGreaterThan(beats);
    }
  }

  private static long beatCounter(ManualDriver d) {
    return d.store().heartbeats(RUN).get(A).slot().beatCounter();
  }

  @Test
  void aCrashedHostsRunIsAdoptedByTheNextIncarnationAndItsDeadWorkerRepaired() {
    try (ManualDriver d = ManualDriver.builder().build()) {
      d.startRun("r1", "a", "b");
      Owner first = d.crew().owner().orElseThrow();
      d.crashHost();
      assertThat(d.hostUp()).isFalse();
      d.killWorker(RUN, A); // nobody watches: the host is down
      d.advance(Duration.ofMinutes(2));
      assertThat(task(d, A).status()).isEqualTo(TaskStatus.RUNNING);
      assertThat(d.store().lease(d.sessionId()).orElseThrow().released()).isFalse();

      d.restartHost();
      d.runDue();
      Owner second = d.crew().owner().orElseThrow();
      assertThat(second.incarnation()).isEqualTo(first.incarnation() + 1);
      RunSnapshot s = d.snapshot(RUN).orElseThrow();
      assertThat(s.task(A).orElseThrow().status()).isNotEqualTo(TaskStatus.RUNNING);
      assertThat(s.task(B).orElseThrow().status()).isEqualTo(TaskStatus.RUNNING);
      assertThat(d.starts()).isEqualTo(2);
    }
  }

  @Test
  void aRecycledPidCountsAsTheWorkersDeath() {
    try (ManualDriver d = ManualDriver.builder().build()) {
      d.startRun("r1", "a");
      ProcessRef worker = d.worker(RUN, A).orElseThrow();
      ProcessRef newcomer = d.recyclePid(RUN, A);
      assertThat(newcomer.pid()).isEqualTo(worker.pid());
      assertThat(d.probe().peek(worker)).isEqualTo(Liveness.RECYCLED);
      assertThat(task(d, A).status()).isEqualTo(TaskStatus.QUEUED);
    }
  }

  @Test
  void suspendAndWallStepsAreNoticedAsDiscontinuities() {
    try (ManualDriver d = ManualDriver.builder().build()) {
      d.startRun("r1", "a");
      d.advance(Duration.ofSeconds(5));
      d.suspend(Duration.ofHours(8));
      d.advance(Duration.ofSeconds(60));
      assertThat(events(d)).contains("time.discontinuity");
      long before = events(d).stream().filter("time.discontinuity"::equals).count();
      d.stepWall(Duration.ofHours(-1));
      d.advance(Duration.ofSeconds(60));
      assertThat(events(d).stream().filter("time.discontinuity"::equals).count())
          .isGreaterThan(before);
      assertThat(task(d, A).status()).isEqualTo(TaskStatus.RUNNING);
    }
  }

  @Test
  void completingAllTasksFinishesTheRun() {
    try (ManualDriver d = ManualDriver.builder().build()) {
      d.startRun("r1", "a", "b");
      d.completeTask(RUN, A);
      d.recordResult(RUN, B);
      d.killWorker(RUN, B); // result wins
      d.advance(Duration.ofMinutes(3));
      RunSnapshot s = d.snapshot(RUN).orElseThrow();
      assertThat(s.task(B).orElseThrow().status()).isEqualTo(TaskStatus.COMPLETED);
      assertThat(s.manifest().status()).isEqualTo(RunStatus.COMPLETED);
    }
  }

  @Test
  void aPausedHostLosesItsLeaseAndASecondSessionFencesItsRun() {
    FakeClock clock = FakeClock.create();
    InMemoryRunStore store = InMemoryRunStore.open(clock);
    FakeProcessProbe probe = new FakeProcessProbe();
    try (ManualDriver a =
            ManualDriver.builder()
                .clock(clock)
                .store(store)
                .probe(probe)
                .sessionId(dev.crewrecovery.api.SessionId.of("a"))
                .build();
        ManualDriver b =
            ManualDriver.builder()
                .clock(clock)
                .store(store)
                .probe(probe)
                .sessionId(dev.crewrecovery.api.SessionId.of("b"))
                .build()) {
      a.startRun("r1", "a");
      long epoch = a.snapshot(RUN).orElseThrow().manifest().epoch();
      a.crashHost(); // a's exit watches are gone, as for a frozen host
      a.killWorker(RUN, A);
      b.advance(Duration.ofSeconds(61)); // a's lease expired; b's pass repairs
      RunSnapshot s = b.snapshot(RUN).orElseThrow();
      assertThat(s.manifest().epoch()).isEqualTo(epoch + 1);
      assertThat(s.manifest().status()).isEqualTo(RunStatus.FAILED);
    }
  }

  @Test
  void aPausedHostRunsNothingUntilItWakesThenEachOverdueLoopOnce() {
    try (ManualDriver d = ManualDriver.builder().build()) {
      d.startRun("r1", "a");
      d.runDue(); // the first recovery pass, due at start
      long passes = d.engine().recovery().passes();
      long ticks = d.engine().watcher().ticks();
      java.time.Instant renewed = d.store().lease(d.sessionId()).orElseThrow().renewedAt();
      d.pauseHost(Duration.ofMinutes(3));
      assertThat(d.engine().recovery().passes()).isEqualTo(passes);
      assertThat(d.engine().watcher().ticks()).isEqualTo(ticks);
      assertThat(d.store().lease(d.sessionId()).orElseThrow().renewedAt()).isEqualTo(renewed);
      d.runDue();
      assertThat(d.engine().recovery().passes()).isEqualTo(passes + 1);
      assertThat(d.engine().watcher().ticks()).isEqualTo(ticks + 1);
      assertThat(d.store().lease(d.sessionId()).orElseThrow().renewedAt()).isAfter(renewed);
      // the worker kept beating while the host slept, so nothing is stale
      assertThat(task(d, A).status()).isEqualTo(TaskStatus.RUNNING);
      d.tick(); // every loop once more, now
      assertThat(d.engine().recovery().passes()).isEqualTo(passes + 2);
    }
  }
}
