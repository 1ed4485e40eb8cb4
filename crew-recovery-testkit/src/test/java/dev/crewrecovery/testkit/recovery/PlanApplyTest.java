package dev.crewrecovery.testkit.recovery;

import static dev.crewrecovery.testkit.recovery.Host.T0;
import static dev.crewrecovery.testkit.recovery.Host.queued;
import static dev.crewrecovery.testkit.recovery.Host.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.core.ApplyResult;
import dev.crewrecovery.core.RecoveryAction;
import dev.crewrecovery.core.RecoveryPlan;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.FakeProcessProbe;
import dev.crewrecovery.testkit.InMemoryRunStore;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code plan()} (dry run) and {@code apply(plan)} (SKIPPED when the fresh evidence differs). */
class PlanApplyTest {
  private static final RunId R1 = RunId.of("r1");
  private static final RunId R2 = RunId.of("r2");
  private static final RunId R3 = RunId.of("r3");

  private final FakeClock clock = new FakeClock(T0);
  private final InMemoryRunStore store = InMemoryRunStore.open(clock);
  private final FakeProcessProbe probe = new FakeProcessProbe();
  private final Host h = new Host(clock, store, probe, SessionId.of("host-a")).started();

  @AfterEach
  void close() {
    h.close();
  }

  private RecoveryPlan planOf(List<RecoveryPlan> plans, RunId runId) {
    return plans.stream().filter(p -> p.runId().equals(runId)).findFirst().orElseThrow();
  }

  @Test
  void planWritesNothingAndProposesOnePlanPerRunItMayActOnNoOpIncluded() {
    ProcessRef dead = probe.spawn(101);
    ProcessRef alive = probe.spawn(102);
    h.put("r1", null, RunStatus.RUNNING, running("r1", "a", dead, T0), queued("b"));
    h.put("r2", null, RunStatus.RUNNING, running("r2", "a", alive, T0));
    Owner live = store.acquireLease(SessionId.of("host-b"), clock.now()).owner();
    h.put("r3", live, RunStatus.RUNNING, running("r3", "a", dead, T0));
    probe.set(dead, Liveness.DEAD);

    List<RecoveryPlan> plans = h.crew.recovery().plan();

    assertThat(plans).extracting(RecoveryPlan::runId).containsExactly(R1, R2);
    RecoveryPlan p1 = planOf(plans, R1);
    assertThat(p1.verdict()).isEqualTo(VerdictKind.PROCESS_DEAD);
    assertThat(p1.action()).isEqualTo(RecoveryAction.FAIL);
    assertThat(p1.fromPolicy()).isTrue();
    assertThat(p1.resumableTasks()).containsExactly(TaskId.of("a"));
    assertThat(p1.preservedTasks()).containsExactly(TaskId.of("b"));
    assertThat(planOf(plans, R2).action()).isEqualTo(RecoveryAction.NO_OP);
    assertThat(planOf(plans, R2).verdict()).isEqualTo(VerdictKind.ACTIVE);
    for (RunId id : List.of(R1, R2, R3)) {
      assertThat(h.snapshot(id).version()).isEqualTo(1);
      assertThat(h.events(id)).isEmpty();
    }
  }

  @Test
  void applyRepairsOnceAndSkipsWhenTheFreshVerdictDiffers() {
    ProcessRef dead = probe.spawn(101);
    h.put("r1", null, RunStatus.RUNNING, running("r1", "a", dead, T0));
    probe.set(dead, Liveness.DEAD);
    RecoveryPlan p = planOf(h.crew.recovery().plan(), R1);

    ApplyResult first = h.crew.recovery().apply(p);
    ApplyResult second = h.crew.recovery().apply(p);

    assertThat(first.status()).isEqualTo(ApplyResult.Status.APPLIED);
    assertThat(h.snapshot(R1).status()).isEqualTo(RunStatus.FAILED);
    assertThat(second.status()).isEqualTo(ApplyResult.Status.SKIPPED);
    assertThat(second.freshVerdict()).isEqualTo(VerdictKind.TERMINAL);
    assertThat(h.count(R1, "run.reconciled")).isEqualTo(1);
  }

  @Test
  void aPlanMadeWhileTheWorkerLivedIsSkippedOnceItDied() {
    ProcessRef worker = probe.spawn(101);
    h.put("r1", null, RunStatus.RUNNING, running("r1", "a", worker, T0));
    RecoveryPlan p = planOf(h.crew.recovery().plan(), R1).withAction(RecoveryAction.FAIL, false);
    assertThat(p.verdict()).isEqualTo(VerdictKind.ACTIVE);
    probe.set(worker, Liveness.DEAD);

    ApplyResult r = h.crew.recovery().apply(p);

    assertThat(r.status()).isEqualTo(ApplyResult.Status.SKIPPED);
    assertThat(r.freshVerdict()).isEqualTo(VerdictKind.PROCESS_DEAD);
    assertThat(h.snapshot(R1).version()).isEqualTo(1);
  }

  @Test
  void anOperatorActionOnALiveOwnersRunNeedsForceAndSaysSo() {
    Owner live = store.acquireLease(SessionId.of("host-b"), clock.now()).owner();
    ProcessRef worker = probe.spawn(101);
    h.put("r1", live, RunStatus.RUNNING, running("r1", "a", worker, T0));
    RecoveryPlan p =
        new RecoveryPlan(
            R1, VerdictKind.ACTIVE, List.of(), List.of(), 0, RecoveryAction.NO_OP, true, false, "");

    ApplyResult unforced = h.crew.recovery().apply(p.withAction(RecoveryAction.FAIL, false));
    assertThat(unforced.status()).isEqualTo(ApplyResult.Status.SKIPPED);
    assertThat(h.snapshot(R1).version()).isEqualTo(1);

    ApplyResult forced = h.crew.recovery().apply(p.withAction(RecoveryAction.FAIL, true));
    assertThat(forced.status()).isEqualTo(ApplyResult.Status.APPLIED);
    assertThat(h.snapshot(R1).status()).isEqualTo(RunStatus.FAILED);
    assertThat(h.snapshot(R1).manifest().epoch()).isEqualTo(2);
    assertThat(h.snapshot(R1).manifest().owner()).isNull();
    assertThat(h.last(R1, "run.reconciled").data()).containsEntry("forced", "true");
  }

  @Test
  void withActionRefusesActionsTheVerdictDoesNotAllow() {
    RecoveryPlan terminal =
        new RecoveryPlan(
            R1,
            VerdictKind.TERMINAL,
            List.of(),
            List.of(),
            0,
            RecoveryAction.NO_OP,
            true,
            false,
            "");
    assertThatThrownBy(() -> terminal.withAction(RecoveryAction.RESUME, true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(terminal.withAction(RecoveryAction.RETRY, false).fromPolicy()).isFalse();
    RecoveryPlan active = terminal.withAction(RecoveryAction.NO_OP, false);
    assertThatThrownBy(
            () ->
                new RecoveryPlan(
                        R1,
                        VerdictKind.ACTIVE,
                        List.of(),
                        List.of(),
                        0,
                        RecoveryAction.NO_OP,
                        true,
                        false,
                        "")
                    .withAction(RecoveryAction.FINALIZE, false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(active.action()).isEqualTo(RecoveryAction.NO_OP);
  }

  @Test
  void retryReopensARepairedRunAdoptsItAndRequeuesItsFailedAndCancelledTasks() {
    ProcessRef dead = probe.spawn(101);
    h.put("r1", null, RunStatus.RUNNING, running("r1", "a", dead, T0), queued("b"));
    probe.set(dead, Liveness.DEAD);
    h.pass();
    assertThat(h.snapshot(R1).status()).isEqualTo(RunStatus.FAILED);
    long epoch = h.snapshot(R1).manifest().epoch();
    RecoveryPlan retry =
        new RecoveryPlan(
                R1,
                VerdictKind.TERMINAL,
                List.of(),
                List.of(),
                0,
                RecoveryAction.NO_OP,
                true,
                false,
                "")
            .withAction(RecoveryAction.RETRY, false);

    ApplyResult r = h.crew.recovery().apply(retry);

    assertThat(r.status()).isEqualTo(ApplyResult.Status.APPLIED);
    var s = h.snapshot(R1);
    assertThat(s.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(s.manifest().owner()).isEqualTo(h.owner());
    assertThat(s.manifest().epoch()).isEqualTo(epoch + 1);
    assertThat(h.task(R1, "a").status()).isEqualTo(dev.crewrecovery.api.TaskStatus.QUEUED);
    assertThat(h.task(R1, "b").status()).isEqualTo(dev.crewrecovery.api.TaskStatus.QUEUED);
    assertThat(h.count(R1, "run.retried")).isEqualTo(1);
    assertThat(
            h.crew.runs().startAttempt(R1, TaskId.of("a"), probe.spawn(105), null, false).number())
        .isEqualTo(2);
  }
}
