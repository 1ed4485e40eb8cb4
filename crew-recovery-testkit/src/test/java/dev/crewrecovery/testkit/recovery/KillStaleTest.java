package dev.crewrecovery.testkit.recovery;

import static dev.crewrecovery.testkit.recovery.Host.T0;
import static dev.crewrecovery.testkit.recovery.Host.running;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.core.ReconcileReport.Outcome;
import dev.crewrecovery.core.ReconcileReport.RunReport;
import dev.crewrecovery.core.RecoveryAction;
import dev.crewrecovery.core.RecoveryPolicy;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.FakeProcessProbe;
import dev.crewrecovery.testkit.InMemoryRunStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ALIVE_BUT_STALE: the default policy reports a run whose workers live; KILL_STALE is opt-in. */
class KillStaleTest {
  private static final RunId R1 = RunId.of("r1");

  private final FakeClock clock = new FakeClock(T0);
  private final InMemoryRunStore store = InMemoryRunStore.open(clock);
  private final FakeProcessProbe probe = new FakeProcessProbe();

  /** A run with a live runner and a live worker, untouched for 24 h + 1 s. */
  private ProcessRef[] staleRun(Host h) {
    ProcessRef runner = probe.spawn(100);
    ProcessRef worker = probe.spawn(101);
    h.put("r1", null, RunStatus.RUNNING, running("r1", "a", worker, T0));
    store.update(
        R1,
        (current, slots) ->
            Update.commit(
                current.withManifest(
                    current.manifest().toBuilder().runner(runner, null, null).build()),
                List.of()));
    clock.advance(Duration.ofHours(24).plusSeconds(1));
    return new ProcessRef[] {runner, worker};
  }

  @Test
  void byDefaultALiveButStaleRunWithALiveWorkerIsOnlyReported() {
    try (Host h = new Host(clock, store, probe, SessionId.of("host-a")).started()) {
      staleRun(h);
      RunReport r = h.pass().run(R1).orElseThrow();
      assertThat(r.verdict()).isEqualTo(VerdictKind.ALIVE_BUT_STALE);
      assertThat(r.action()).isEqualTo(RecoveryAction.NO_OP);
      assertThat(r.outcome()).isEqualTo(Outcome.REPORTED);
      assertThat(h.snapshot(R1).status()).isEqualTo(RunStatus.RUNNING);
      assertThat(probe.terminations()).isEmpty();
      assertThat(h.crew.recovery().plan().get(0).action()).isEqualTo(RecoveryAction.KILL_STALE);
    }
  }

  @Test
  void withKillStaleEnabledTheRunFailsAndItsRunnerAndLiveWorkersAreTerminatedAfterTheCommit() {
    try (Host h =
        new Host(clock, store, probe, SessionId.of("host-a"), RecoveryPolicy.table(false, true))
            .started()) {
      ProcessRef[] refs = staleRun(h);
      RunReport r = h.pass().run(R1).orElseThrow();
      assertThat(r.action()).isEqualTo(RecoveryAction.KILL_STALE);
      assertThat(r.outcome()).isEqualTo(Outcome.REPAIRED);
      assertThat(h.snapshot(R1).status()).isEqualTo(RunStatus.FAILED);
      assertThat(h.task(R1, "a").status()).isEqualTo(TaskStatus.FAILED);
      assertThat(probe.terminations())
          .extracting(FakeProcessProbe.Termination::ref)
          .containsExactlyInAnyOrder(refs[0], refs[1]);
      assertThat(probe.peek(refs[1])).isEqualTo(Liveness.DEAD);
      assertThat(h.last(R1, "run.workers_terminated").data())
          .containsEntry("runner", "100@testhost ALIVE TERMINATED")
          .containsEntry("a", "101@testhost ALIVE TERMINATED");
    }
  }
}
