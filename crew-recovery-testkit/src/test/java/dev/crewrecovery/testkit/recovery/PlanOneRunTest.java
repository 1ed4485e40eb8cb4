package dev.crewrecovery.testkit.recovery;

import static dev.crewrecovery.testkit.recovery.Host.T0;
import static dev.crewrecovery.testkit.recovery.Host.running;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.core.ApplyResult;
import dev.crewrecovery.core.ReconcileReport;
import dev.crewrecovery.core.RecoveryAction;
import dev.crewrecovery.core.RecoveryPlan;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.FakeProcessProbe;
import dev.crewrecovery.testkit.InMemoryRunStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code plan(runId)} plans any run, and {@code reconcileNow(runId)} touches only that run. */
class PlanOneRunTest {
  private static final RunId R1 = RunId.of("r1");
  private static final RunId R2 = RunId.of("r2");

  private final FakeClock clock = new FakeClock(T0);
  private final InMemoryRunStore store = InMemoryRunStore.open(clock);
  private final FakeProcessProbe probe = new FakeProcessProbe();
  private final Host h = new Host(clock, store, probe, SessionId.of("host-a")).started();

  @AfterEach
  void close() {
    h.close();
  }

  @Test
  void aRunALiveSessionOwnsIsPlannedAndAForcedActionApplies() {
    Owner live = store.acquireLease(SessionId.of("host-b"), clock.now()).owner();
    ProcessRef dead = probe.spawn(101);
    h.put("r1", live, RunStatus.RUNNING, running("r1", "a", dead, T0));
    probe.set(dead, Liveness.DEAD);

    assertThat(h.crew.recovery().plan()).isEmpty();
    RecoveryPlan p = h.crew.recovery().plan(R1).orElseThrow();

    assertThat(p.verdict()).isEqualTo(VerdictKind.PROCESS_DEAD);
    assertThat(p.action()).isEqualTo(RecoveryAction.FAIL);
    assertThat(h.snapshot(R1).version()).isEqualTo(1);
    assertThat(h.crew.recovery().apply(p).status()).isEqualTo(ApplyResult.Status.SKIPPED);
    assertThat(h.crew.recovery().apply(p.withAction(p.action(), true)).status())
        .isEqualTo(ApplyResult.Status.APPLIED);
    assertThat(h.snapshot(R1).status()).isEqualTo(RunStatus.FAILED);
  }

  @Test
  void aTerminalRunGetsATerminalNoOpPlanAndAnUnknownRunNone() {
    h.put("r1", null, RunStatus.COMPLETED);

    RecoveryPlan p = h.crew.recovery().plan(R1).orElseThrow();

    assertThat(p.verdict()).isEqualTo(VerdictKind.TERMINAL);
    assertThat(p.action()).isEqualTo(RecoveryAction.NO_OP);
    assertThat(h.crew.recovery().plan(RunId.of("nope"))).isEmpty();
  }

  @Test
  void reconcilingOneRunLeavesTheOthersAlone() {
    ProcessRef dead = probe.spawn(101);
    h.put("r1", null, RunStatus.RUNNING, running("r1", "a", dead, T0));
    h.put("r2", null, RunStatus.RUNNING, running("r2", "a", dead, T0));
    probe.set(dead, Liveness.DEAD);

    ReconcileReport report = h.crew.recovery().reconcileNow(R1);

    assertThat(report.runs()).extracting(ReconcileReport.RunReport::runId).containsExactly(R1);
    assertThat(report.runs().get(0).outcome()).isEqualTo(ReconcileReport.Outcome.REPAIRED);
    assertThat(h.snapshot(R1).status()).isEqualTo(RunStatus.FAILED);
    assertThat(h.snapshot(R2).status()).isEqualTo(RunStatus.RUNNING);
  }
}
