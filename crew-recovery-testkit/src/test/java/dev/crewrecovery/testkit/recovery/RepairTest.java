package dev.crewrecovery.testkit.recovery;

import static dev.crewrecovery.testkit.recovery.Host.T0;
import static dev.crewrecovery.testkit.recovery.Host.completed;
import static dev.crewrecovery.testkit.recovery.Host.queued;
import static dev.crewrecovery.testkit.recovery.Host.running;
import static dev.crewrecovery.testkit.recovery.Host.withResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.StaleOwnerException;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.TerminalTaskException;
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.api.spi.TerminationOutcome;
import dev.crewrecovery.core.ReconcileReport;
import dev.crewrecovery.core.ReconcileReport.Outcome;
import dev.crewrecovery.core.RecoveryAction;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.FakeProcessProbe;
import dev.crewrecovery.testkit.InMemoryRunStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The single repair path of DESIGN section 7, driven through the recovery loop on the fakes. */
class RepairTest {
  private static final SessionId OTHER = SessionId.of("host-b");

  private final FakeClock clock = new FakeClock(T0);
  private final InMemoryRunStore store = InMemoryRunStore.open(clock);
  private final FakeProcessProbe probe = new FakeProcessProbe();
  private final Host h = new Host(clock, store, probe, SessionId.of("host-a")).started();

  @AfterEach
  void close() {
    h.close();
  }

  /** A run owned by host-b, whose lease then expires. */
  private Owner expiredOther() {
    Owner o = store.acquireLease(OTHER, clock.now()).owner();
    return o;
  }

  @Test
  void aDeadWorkersRunIsFailedResultWinsQueuedIsCancelledAndTerminalTasksAreUntouched() {
    Owner other = expiredOther();
    ProcessRef dead = probe.spawn(101);
    ProcessRef deadWithResult = probe.spawn(102);
    TaskState finished = completed("r1", "d", T0);
    h.put(
        "r1",
        other,
        3,
        RunStatus.RUNNING,
        running("r1", "a", dead, T0),
        withResult(running("r1", "b", deadWithResult, T0), T0),
        queued("c"),
        finished);
    probe.set(dead, Liveness.DEAD);
    probe.set(deadWithResult, Liveness.DEAD);
    clock.advance(Duration.ofSeconds(31));

    ReconcileReport report = h.pass();

    RunId r1 = RunId.of("r1");
    assertThat(report.run(r1).orElseThrow().outcome()).isEqualTo(Outcome.REPAIRED);
    assertThat(report.run(r1).orElseThrow().verdict()).isEqualTo(VerdictKind.PROCESS_DEAD);
    assertThat(report.run(r1).orElseThrow().action()).isEqualTo(RecoveryAction.FAIL);
    RunSnapshot s = h.snapshot(r1);
    assertThat(s.status()).isEqualTo(RunStatus.FAILED);
    assertThat(s.manifest().summary()).contains("PROCESS_DEAD");
    assertThat(s.manifest().updatedAt()).isEqualTo(clock.now());
    // Fencing: another session's run is repaired with epoch + 1 and no owner.
    assertThat(s.manifest().epoch()).isEqualTo(4);
    assertThat(s.manifest().owner()).isNull();

    TaskState a = h.task(r1, "a");
    assertThat(a.status()).isEqualTo(TaskStatus.FAILED);
    Failure f = a.currentAttempt().orElseThrow().failure();
    assertThat(f).isNotNull();
    assertThat(f.code()).isEqualTo(Failure.WORKER_LOST);
    assertThat(f.verdict()).isEqualTo(VerdictKind.PROCESS_DEAD);
    assertThat(f.heartbeatAge()).isEqualTo(Duration.ofSeconds(31));
    assertThat(h.task(r1, "b").status()).as("result wins").isEqualTo(TaskStatus.COMPLETED);
    assertThat(h.task(r1, "b").currentAttempt().orElseThrow().failure()).isNull();
    assertThat(h.task(r1, "c").status()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(h.task(r1, "d")).as("terminal task untouched").isEqualTo(finished);

    assertThat(h.eventTypes(r1)).containsExactly("run.verdict", "run.reconciled");
    RunEvent e = h.last(r1, "run.reconciled");
    assertThat(e.data())
        .containsEntry("verdict", "PROCESS_DEAD")
        .containsEntry("action", "FAIL")
        .containsEntry("status", "FAILED")
        .containsEntry("failedTasks", "a")
        .containsEntry("completedTasks", "b")
        .containsEntry("cancelledTasks", "c")
        .containsEntry("epoch", "4")
        .containsEntry("owner", "none");
    assertThat(h.listener.starting("reconciled"))
        .containsExactly("reconciled r1 PROCESS_DEAD FAIL FAILED");
    assertThat(probe.terminations()).isEmpty();
  }

  @Test
  void anOwnerlessRunIsRepairedWithoutTouchingItsEpoch() {
    ProcessRef dead = probe.spawn(101);
    h.put("r1", null, 2, RunStatus.RUNNING, running("r1", "a", dead, T0));
    probe.set(dead, Liveness.DEAD);

    h.pass();

    RunSnapshot s = h.snapshot(RunId.of("r1"));
    assertThat(s.status()).isEqualTo(RunStatus.FAILED);
    assertThat(s.manifest().epoch()).isEqualTo(2);
    assertThat(s.manifest().owner()).isNull();
  }

  @Test
  void aResultExistsRunIsFinalizedToItsDerivedStatusThroughRunning() {
    // A QUEUED run whose only task holds a result: QUEUED -> RUNNING -> COMPLETED in one update.
    h.put("r1", null, RunStatus.QUEUED, withResult(running("r1", "a", null, T0), T0));

    ReconcileReport report = h.pass();

    RunId r1 = RunId.of("r1");
    assertThat(report.run(r1).orElseThrow().outcome()).isEqualTo(Outcome.FINALIZED);
    assertThat(h.snapshot(r1).status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(h.task(r1, "a").status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(h.last(r1, "run.reconciled").data())
        .containsEntry("via", "RUNNING")
        .containsEntry("action", "FINALIZE");
    assertThat(h.snapshot(r1).version()).isEqualTo(2);
  }

  @Test
  void theOldOwnersLateWritesFailWithStaleOwnerAfterTheRepair() {
    try (Host b = new Host(clock, store, probe, OTHER).started()) {
      RunId r1 = RunId.of("r1");
      b.crew.runs().create(r1, List.of(TaskId.of("a"), TaskId.of("c")));
      ProcessRef worker = probe.spawn(101);
      AttemptId a1 = b.crew.runs().startAttempt(r1, TaskId.of("a"), worker, null, false);
      // host-b freezes: it stops watching and renewing; its worker dies.
      b.engine().exits().cancelAll();
      probe.set(worker, Liveness.DEAD);
      clock.advance(Duration.ofSeconds(31));

      assertThat(h.pass().run(r1).orElseThrow().outcome()).isEqualTo(Outcome.REPAIRED);
      long version = h.snapshot(r1).version();
      int events = h.events(r1).size();

      // Host writes carry the old owner and epoch: fenced.
      assertThatThrownBy(() -> b.crew.runs().cancel(r1, TaskId.of("c")))
          .isInstanceOf(StaleOwnerException.class);
      assertThatThrownBy(() -> b.crew.runs().finish(r1, RunStatus.CANCELLED))
          .isInstanceOf(StaleOwnerException.class);
      // The late worker write carries its attempt, which the repair ended.
      assertThatThrownBy(() -> b.crew.runs().complete(a1, "late"))
          .isInstanceOf(TerminalTaskException.class);
      assertThat(h.snapshot(r1).version()).isEqualTo(version);
      assertThat(h.events(r1)).hasSize(events);
      assertThat(h.task(r1, "a").status()).isEqualTo(TaskStatus.FAILED);
    }
  }

  @Test
  void orphanWorkersAreTerminatedAfterTheCommitAndUnknownOnesOnlyReported() {
    ProcessRef runner = probe.spawn(100);
    ProcessRef alive = probe.spawn(101);
    ProcessRef unknown = probe.spawn(102);
    RunSnapshot s =
        h.put(
            "r1",
            null,
            RunStatus.RUNNING,
            running("r1", "a", alive, T0),
            running("r1", "b", unknown, T0));
    store.update(
        s.runId(),
        (current, slots) ->
            dev.crewrecovery.api.spi.Update.commit(
                current.withManifest(
                    current.manifest().toBuilder().runner(runner, null, null).build()),
                List.of()));
    probe.set(runner, Liveness.DEAD);
    probe.set(unknown, Liveness.UNKNOWN);

    ReconcileReport report = h.pass();

    RunId r1 = RunId.of("r1");
    assertThat(report.run(r1).orElseThrow().outcome()).isEqualTo(Outcome.REPAIRED);
    assertThat(h.snapshot(r1).status()).isEqualTo(RunStatus.FAILED);
    assertThat(probe.terminations())
        .extracting(FakeProcessProbe.Termination::ref)
        .containsExactly(alive);
    assertThat(probe.terminations().get(0).outcome()).isEqualTo(TerminationOutcome.TERMINATED);
    assertThat(h.last(r1, "run.reconciled").data()).containsEntry("orphans", "a=101@testhost");
    assertThat(h.eventTypes(r1))
        .containsExactly("run.verdict", "run.reconciled", "run.workers_terminated");
    assertThat(h.last(r1, "run.workers_terminated").data())
        .containsEntry("a", "101@testhost ALIVE TERMINATED")
        .containsEntry("b", "102@testhost UNKNOWN reported");
    assertThat(h.listener.starting("termination"))
        .containsExactlyInAnyOrder(
            "termination r1:a:1 ALIVE TERMINATED", "termination r1:b:1 UNKNOWN null");
  }

  @Test
  void aSecondPassOverARepairedRunIsANoOp() {
    ProcessRef dead = probe.spawn(101);
    h.put("r1", null, RunStatus.RUNNING, running("r1", "a", dead, T0), queued("b"));
    probe.set(dead, Liveness.DEAD);
    h.pass();
    RunId r1 = RunId.of("r1");
    RunSnapshot after = h.snapshot(r1);
    List<RunEvent> events = h.events(r1);
    List<String> calls = List.copyOf(h.listener.calls);

    clock.advance(Duration.ofMinutes(1));
    ReconcileReport second = h.pass();

    assertThat(second.run(r1)).isEmpty();
    assertThat(h.snapshot(r1)).isEqualTo(after);
    assertThat(h.events(r1)).isEqualTo(events);
    assertThat(h.listener.calls).isEqualTo(calls);
  }

  @Test
  void noListenerCallIsMadeInsideAnUpdate() {
    // The in-memory store refuses an update from inside another update on the same thread.
    RunSnapshot sentinel = h.put("sentinel", null, RunStatus.PLANNING);
    java.util.List<String> insideUpdate = new java.util.concurrent.CopyOnWriteArrayList<>();
    h.listener.onCall =
        () -> {
          try {
            store.update(sentinel.runId(), (c, s) -> dev.crewrecovery.api.spi.Update.unchanged());
          } catch (IllegalStateException e) {
            insideUpdate.add(e.getMessage());
          }
        };
    ProcessRef runner = probe.spawn(100);
    ProcessRef alive = probe.spawn(101);
    h.put("r1", null, RunStatus.RUNNING, running("r1", "a", alive, T0), queued("b"));
    store.update(
        RunId.of("r1"),
        (current, slots) ->
            dev.crewrecovery.api.spi.Update.commit(
                current.withManifest(
                    current.manifest().toBuilder().runner(runner, null, null).build()),
                List.of()));
    probe.set(runner, Liveness.DEAD);

    h.pass();

    assertThat(h.snapshot(RunId.of("r1")).status()).isEqualTo(RunStatus.FAILED);
    assertThat(h.listener.calls)
        .as("verdict, termination and reconciliation calls were made")
        .hasSizeGreaterThanOrEqualTo(3);
    assertThat(insideUpdate).isEmpty();
  }
}
