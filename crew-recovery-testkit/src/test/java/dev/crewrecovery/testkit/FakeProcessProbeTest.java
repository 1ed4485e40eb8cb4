package dev.crewrecovery.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.spi.ProcessExit;
import dev.crewrecovery.api.spi.TerminationOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FakeProcessProbeTest {

  private static final Duration GRACE = Duration.ofSeconds(5);

  private final FakeProcessProbe probe = new FakeProcessProbe();

  @Test
  void unknownRefsProbeAsTheConfigurableDefault() {
    ProcessRef ref = ProcessRef.linux(10, "elsewhere", "boot", 1);

    assertThat(probe.probe(ref)).isEqualTo(Liveness.UNKNOWN);
    probe.defaultLiveness(Liveness.DEAD);
    assertThat(probe.probe(ref)).isEqualTo(Liveness.DEAD);
  }

  @Test
  void scriptedRefsProbeAsScripted() {
    ProcessRef ref = ProcessRef.portable(10, "h", Instant.EPOCH);

    for (Liveness l : Liveness.values()) {
      probe.set(ref, l);
      assertThat(probe.probe(ref)).isEqualTo(l);
    }
  }

  @Test
  void spawnMakesAnAliveRefOfThisHostThatIdentifyFinds() {
    ProcessRef ref = probe.spawn(42);

    assertThat(ref.pid()).isEqualTo(42);
    assertThat(ref.host()).isEqualTo(FakeProcessProbe.DEFAULT_HOST);
    assertThat(ref.bootId()).isEqualTo(FakeProcessProbe.DEFAULT_BOOT_ID);
    assertThat(probe.probe(ref)).isEqualTo(Liveness.ALIVE);
    assertThat(probe.identify(42)).contains(ref);
    assertThat(probe.identify(43)).isEmpty();
    assertThat(probe.spawn(42)).isNotEqualTo(ref);
  }

  @Test
  void registerMakesAGivenRefAliveAndIdentifiable() {
    ProcessRef ref = ProcessRef.linux(7, "h", "b", 99);

    assertThat(probe.register(ref)).isSameAs(ref);

    assertThat(probe.probe(ref)).isEqualTo(Liveness.ALIVE);
    assertThat(probe.identify(7)).contains(ref);
  }

  @Test
  void identifyDoesNotFindAProcessThatExited() {
    ProcessRef ref = probe.spawn(42);

    probe.exit(ref);

    assertThat(probe.identify(42)).isEmpty();
  }

  @Test
  void nonPositivePidsAreProgrammingErrors() {
    assertThatIllegalArgumentException().isThrownBy(() -> probe.identify(0));
    assertThatIllegalArgumentException().isThrownBy(() -> probe.identify(-1));
    assertThatIllegalArgumentException().isThrownBy(() -> probe.spawn(0));
  }

  @Test
  void recycleGivesThePidToANewProcess() {
    ProcessRef old = probe.spawn(42);
    CompletableFuture<ProcessExit> exit = probe.onExit(old);

    ProcessRef successor = probe.recycle(old);

    assertThat(successor.pid()).isEqualTo(42);
    assertThat(successor).isNotEqualTo(old);
    assertThat(probe.probe(old)).isEqualTo(Liveness.RECYCLED);
    assertThat(probe.probe(successor)).isEqualTo(Liveness.ALIVE);
    assertThat(probe.identify(42)).contains(successor);
    assertThat(exit).isCompletedWithValue(new ProcessExit(old, null));
  }

  @Test
  void probeCallsAreRecordedInOrderAndPeekIsNot() {
    ProcessRef a = probe.spawn(1);
    ProcessRef b = probe.spawn(2);

    probe.probe(b);
    probe.probe(a);
    probe.peek(a);
    probe.probe(b);
    probe.identify(1);

    assertThat(probe.probeCalls()).containsExactly(b, a, b);
    assertThat(probe.identifyCalls()).containsExactly(1L);
  }

  @Test
  void onExitIsPendingUntilTheProcessExits() {
    ProcessRef ref = probe.spawn(42);

    CompletableFuture<ProcessExit> exit = probe.onExit(ref);
    assertThat(exit).isNotDone();
    assertThat(probe.pendingExitWatchers()).isEqualTo(1);

    probe.exit(ref, 3);

    assertThat(exit).isCompletedWithValue(new ProcessExit(ref, 3));
    assertThat(probe.probe(ref)).isEqualTo(Liveness.DEAD);
    assertThat(probe.pendingExitWatchers()).isZero();
  }

  @Test
  void onExitCompletesAtOnceForARefAlreadyDeadOrRecycled() {
    ProcessRef dead = probe.spawn(1);
    probe.exit(dead, 0);
    ProcessRef recycled = ProcessRef.linux(2, "h", "b", 5);
    probe.set(recycled, Liveness.RECYCLED);

    assertThat(probe.onExit(dead)).isCompletedWithValue(new ProcessExit(dead, 0));
    assertThat(probe.onExit(recycled)).isCompletedWithValue(new ProcessExit(recycled, null));
    assertThat(probe.probeCalls()).isEmpty();
  }

  @Test
  void onExitOfAnUnknownRefStaysPending() {
    ProcessRef remote = ProcessRef.linux(9, "other-host", "b", 1);

    assertThat(probe.onExit(remote)).isNotDone();
  }

  @Test
  void scriptingDeadOrRecycledCompletesPendingFutures() {
    ProcessRef a = probe.spawn(1);
    ProcessRef b = probe.spawn(2);
    CompletableFuture<ProcessExit> exitA = probe.onExit(a);
    CompletableFuture<ProcessExit> exitB = probe.onExit(b);

    probe.set(a, Liveness.DEAD);
    probe.set(b, Liveness.UNKNOWN);

    assertThat(exitA).isCompletedWithValue(new ProcessExit(a, null));
    assertThat(exitB).isNotDone();
  }

  @Test
  void cancellingAFutureUnregistersIt() {
    ProcessRef ref = probe.spawn(42);
    CompletableFuture<ProcessExit> exit = probe.onExit(ref);

    exit.cancel(false);

    assertThat(probe.pendingExitWatchers()).isZero();
    probe.exit(ref, 1);
    assertThat(exit).isCancelled();
  }

  @Test
  void terminateFollowsTheContractForEveryStateAndBehaviour() {
    // Exhaustive: every liveness x {obeys TERM, ignores TERM, unkillable}.
    for (Liveness state : Liveness.values()) {
      for (String behaviour : List.of("obeys", "ignoresTerm", "unkillable")) {
        FakeProcessProbe p = new FakeProcessProbe();
        ProcessRef ref = ProcessRef.linux(42, "h", "b", 1);
        p.set(ref, state);
        if (behaviour.equals("ignoresTerm")) {
          p.ignoreTerm(ref);
        } else if (behaviour.equals("unkillable")) {
          p.unkillable(ref);
        }
        CompletableFuture<ProcessExit> exit = p.onExit(ref);

        TerminationOutcome outcome = p.terminate(ref, GRACE);

        TerminationOutcome expected =
            switch (state) {
              case DEAD -> TerminationOutcome.NOT_RUNNING;
              case RECYCLED -> TerminationOutcome.IDENTITY_MISMATCH;
              case UNKNOWN -> TerminationOutcome.UNKNOWN;
              case ALIVE ->
                  switch (behaviour) {
                    case "obeys" -> TerminationOutcome.TERMINATED;
                    case "ignoresTerm" -> TerminationOutcome.KILLED;
                    default -> TerminationOutcome.FAILED;
                  };
            };
        String what = state + "/" + behaviour;
        assertThat(outcome).as(what).isEqualTo(expected);
        assertThat(p.terminations())
            .as(what)
            .containsExactly(new FakeProcessProbe.Termination(ref, GRACE, expected));
        if (expected == TerminationOutcome.TERMINATED || expected == TerminationOutcome.KILLED) {
          int code =
              expected == TerminationOutcome.TERMINATED
                  ? FakeProcessProbe.EXIT_CODE_TERM
                  : FakeProcessProbe.EXIT_CODE_KILL;
          assertThat(p.peek(ref)).as(what).isEqualTo(Liveness.DEAD);
          assertThat(exit).as(what).isCompletedWithValue(new ProcessExit(ref, code));
        } else {
          assertThat(p.peek(ref)).as(what).isEqualTo(state);
        }
      }
    }
  }

  @Test
  void clearCallsForgetsCallsButKeepsStates() {
    ProcessRef ref = probe.spawn(42);
    probe.probe(ref);
    probe.terminate(ProcessRef.linux(1, "h", "b", 1), GRACE);

    probe.clearCalls();

    assertThat(probe.probeCalls()).isEmpty();
    assertThat(probe.terminations()).isEmpty();
    assertThat(probe.peek(ref)).isEqualTo(Liveness.ALIVE);
  }

  @Test
  void resetForgetsEverythingAndCancelsPendingFutures() {
    ProcessRef ref = probe.spawn(42);
    probe.ignoreTerm(ref);
    probe.defaultLiveness(Liveness.DEAD);
    probe.probe(ref);
    CompletableFuture<ProcessExit> exit = probe.onExit(ref);

    probe.reset();

    assertThat(exit).isCancelled();
    assertThat(probe.probeCalls()).isEmpty();
    assertThat(probe.identify(42)).isEmpty();
    assertThat(probe.probe(ref)).isEqualTo(Liveness.UNKNOWN);
    probe.set(ref, Liveness.ALIVE);
    assertThat(probe.terminate(ref, GRACE)).isEqualTo(TerminationOutcome.TERMINATED);
  }

  @Test
  void concurrentCallsAreAllRecorded() throws Exception {
    ProcessRef ref = probe.spawn(42);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        workers.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int i = 0; i < 500; i++) {
                    probe.probe(ref);
                    probe.onExit(ref);
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> w : workers) {
        w.get(30, TimeUnit.SECONDS);
      }

      assertThat(probe.probeCalls()).hasSize(2000);
      assertThat(probe.pendingExitWatchers()).isEqualTo(2000);
      probe.exit(ref);
      assertThat(probe.pendingExitWatchers()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }
}
