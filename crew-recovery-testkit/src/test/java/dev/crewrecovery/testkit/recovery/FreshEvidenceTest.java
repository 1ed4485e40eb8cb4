package dev.crewrecovery.testkit.recovery;

import static dev.crewrecovery.testkit.recovery.Host.T0;
import static dev.crewrecovery.testkit.recovery.Host.running;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.ReconcileReport.Outcome;
import dev.crewrecovery.core.ReconcileReport.RunReport;
import dev.crewrecovery.core.RecoveryAction;
import dev.crewrecovery.core.RecoveryListener;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.FakeProcessProbe;
import dev.crewrecovery.testkit.InMemoryRunStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The re-decision inside the update (heartbeats read there), the grace window, two sessions racing
 * on one run, and the scheduled pass at {@code start()}.
 */
class FreshEvidenceTest {
  private static final RunId R1 = RunId.of("r1");

  private final FakeClock clock = new FakeClock(T0);
  private final InMemoryRunStore memory = InMemoryRunStore.open(clock);
  private final RecoveryLoopTest.InterceptingStore store =
      new RecoveryLoopTest.InterceptingStore(memory);
  private final FakeProcessProbe probe = new FakeProcessProbe();
  private final Host h = new Host(clock, store, probe, SessionId.of("host-a")).started();

  @AfterEach
  void close() {
    h.close();
  }

  @Test
  void aHeartbeatSeenInsideTheUpdateStopsARepairThatRestedOnItsAge() {
    // An ownerless run whose task has no worker and last beat 6 min ago: STALE_NO_PROCESS.
    h.put("r1", null, RunStatus.RUNNING, running("r1", "a", null, T0));
    clock.advance(Duration.ofMinutes(6));
    AttemptId a1 = AttemptId.of(R1, TaskId.of("a"), 1);
    // The worker beats between the listing and the lock.
    store.beforeUpdate.set(id -> memory.recordHeartbeat(a1, clock.now()));

    RunReport r = h.pass().run(R1).orElseThrow();

    assertThat(r.verdict()).isEqualTo(VerdictKind.STALE_NO_PROCESS);
    assertThat(r.outcome()).isEqualTo(Outcome.CHANGED);
    assertThat(r.detail()).contains("ACTIVE");
    assertThat(h.snapshot(R1).status()).isEqualTo(RunStatus.RUNNING);
    assertThat(h.task(R1, "a").status()).isEqualTo(TaskStatus.RUNNING);
  }

  @Test
  void withoutTheBeatTheStaleRunIsRepaired() {
    h.put("r1", null, RunStatus.RUNNING, running("r1", "a", null, T0));
    clock.advance(Duration.ofMinutes(6));

    RunReport r = h.pass().run(R1).orElseThrow();

    assertThat(r.outcome()).isEqualTo(Outcome.REPAIRED);
    assertThat(h.task(R1, "a").status()).isEqualTo(TaskStatus.FAILED);
    assertThat(h.task(R1, "a").currentAttempt().orElseThrow().failure().verdict())
        .isEqualTo(VerdictKind.STALE_NO_PROCESS);
  }

  @Test
  void insideAGraceWindowAgeOnlyRepairsAndLeaseExpiryAreDeferredButProcessDeathIsNot() {
    Owner other = memory.acquireLease(SessionId.of("host-b"), clock.now()).owner();
    ProcessRef dead = probe.spawn(301);
    h.put("r1", other, RunStatus.RUNNING, running("r1", "a", dead, T0));
    h.put("r2", null, RunStatus.RUNNING, running("r2", "a", null, T0));
    ProcessRef dead3 = probe.spawn(303);
    h.put("r3", null, RunStatus.RUNNING, running("r3", "a", dead3, T0));
    probe.set(dead, Liveness.DEAD);
    probe.set(dead3, Liveness.DEAD);
    clock.advance(Duration.ofMinutes(6));
    h.engine().session().discontinuity(clock.monotonicNanos());

    var report = h.pass();

    assertThat(report.run(R1).orElseThrow().outcome())
        .as("an expired lease is a lease age: deferred")
        .isEqualTo(Outcome.LIVE_OWNER);
    assertThat(report.run(RunId.of("r2")).orElseThrow().verdict()).isEqualTo(VerdictKind.DEFERRED);
    assertThat(h.snapshot(RunId.of("r2")).version()).isEqualTo(1);
    assertThat(report.run(RunId.of("r3")).orElseThrow().outcome())
        .as("process death is never deferred")
        .isEqualTo(Outcome.REPAIRED);

    // After the window, the deferred judgments apply.
    clock.advance(Duration.ofMinutes(5).plusSeconds(1));
    var later = h.pass();
    assertThat(later.run(R1).orElseThrow().outcome()).isEqualTo(Outcome.REPAIRED);
    assertThat(later.run(RunId.of("r2")).orElseThrow().outcome()).isEqualTo(Outcome.REPAIRED);
  }

  @RepeatedTest(20)
  void twoSessionsRacingOnOneRunApplyAtMostOneRepair() throws Exception {
    ProcessRef dead = probe.spawn(401);
    h.put("r1", null, RunStatus.RUNNING, running("r1", "a", dead, T0), Host.queued("b"));
    probe.set(dead, Liveness.DEAD);
    try (Host c = new Host(clock, store, probe, SessionId.of("host-c")).started()) {
      CyclicBarrier barrier = new CyclicBarrier(2);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        List<Future<Outcome>> results = new ArrayList<>();
        for (Host host : List.of(h, c)) {
          results.add(
              pool.submit(
                  () -> {
                    barrier.await(30, TimeUnit.SECONDS);
                    // The loser may not even list the run any more.
                    return host.pass()
                        .run(R1)
                        .map(RunReport::outcome)
                        .orElse(Outcome.NOTHING_TO_DO);
                  }));
        }
        long repaired = 0;
        for (Future<Outcome> f : results) {
          if (f.get(30, TimeUnit.SECONDS) == Outcome.REPAIRED) {
            repaired++;
          }
        }
        assertThat(repaired).isLessThanOrEqualTo(1);
      } finally {
        pool.shutdownNow();
      }
    }
    assertThat(h.count(R1, "run.reconciled")).isEqualTo(1);
    assertThat(h.snapshot(R1).status()).isEqualTo(RunStatus.FAILED);
    assertThat(h.snapshot(R1).version()).isEqualTo(2);
  }

  @Test
  void startRunsAPassOnTheSchedulerThread() throws Exception {
    ProcessRef dead = probe.spawn(501);
    h.put("r9", null, RunStatus.RUNNING, running("r9", "a", dead, T0));
    probe.set(dead, Liveness.DEAD);
    CountDownLatch reconciled = new CountDownLatch(1);
    RecoveryListener listener =
        new RecoveryListener() {
          @Override
          public void onRunReconciled(
              RunId runId, VerdictKind verdict, RecoveryAction action, RunStatus status) {
            reconciled.countDown();
          }
        };
    try (CrewRecovery crew =
        CrewRecovery.builder()
            .store(store)
            .clock(clock)
            .probe(probe)
            .listener(listener)
            .hostName(Host.HOST)
            .sessionId(SessionId.of("host-s"))
            .build()) {
      crew.start();
      assertThat(reconciled.await(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(h.snapshot(RunId.of("r9")).status()).isEqualTo(RunStatus.FAILED);
  }
}
