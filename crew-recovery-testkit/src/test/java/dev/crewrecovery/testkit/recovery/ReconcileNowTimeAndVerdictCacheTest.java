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
import dev.crewrecovery.core.ReconcileReport.RunReport;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.FakeProcessProbe;
import dev.crewrecovery.testkit.InMemoryRunStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code reconcileNow()} samples time as the loop's tick does (DESIGN section 9), and the verdict a
 * session records for a run is compared with the one of the run's latest {@code run.verdict} event
 * (DESIGN section 13), so a restarted session repeats none.
 */
class ReconcileNowTimeAndVerdictCacheTest {
  private static final RunId R1 = RunId.of("r1");

  private final FakeClock clock = new FakeClock(T0);
  private final InMemoryRunStore store = InMemoryRunStore.open(clock);
  private final FakeProcessProbe probe = new FakeProcessProbe();

  @Test
  void aSuspendSeenByAHostsReconcileNowOpensTheGraceWindowAndIsEventedOnce() {
    try (Host h = new Host(clock, store, probe, SessionId.of("host-a")).started()) {
      h.put("r1", null, RunStatus.RUNNING, running("r1", "a", null, T0));
      h.pass();
      clock.advance(Duration.ofSeconds(60));
      h.pass();

      clock.suspend(Duration.ofHours(8));
      RunReport r = h.pass().run(R1).orElseThrow();

      assertThat(r.verdict()).isEqualTo(VerdictKind.DEFERRED);
      assertThat(h.task(R1, "a").status()).isEqualTo(TaskStatus.RUNNING);
      assertThat(h.count(R1, "time.discontinuity")).isEqualTo(1);
      assertThat(h.listener.starting("discontinuity")).containsExactly("discontinuity PT8H");
      assertThat(h.engine().session().lastForwardJump())
          .hasValueSatisfying(j -> assertThat(j.getKey()).isEqualTo(Duration.ofHours(8)));
    }
  }

  @Test
  void theTimeBetweenTwoHostCallsIsNoGapAndAWallStepBackIsOne() {
    try (Host h = new Host(clock, store, probe, SessionId.of("host-a")).started()) {
      h.put("r1", null, RunStatus.RUNNING, running("r1", "a", probe.spawn(101), T0));
      h.pass();
      clock.advance(Duration.ofMinutes(30));
      h.pass();
      assertThat(h.count(R1, "time.discontinuity")).isZero();
      assertThat(h.engine().session().inGrace(clock.monotonicNanos())).isFalse();

      clock.stepWall(Duration.ofHours(-1));
      h.pass();
      assertThat(h.count(R1, "time.discontinuity")).isEqualTo(1);
      assertThat(h.last(R1, "time.discontinuity").data()).containsEntry("drift", "PT-1H");
      assertThat(h.engine().session().inGrace(clock.monotonicNanos())).isTrue();
      assertThat(h.engine().session().lastForwardJump()).isEmpty();
    }
  }

  @Test
  void aRestartedSessionDoesNotRepeatTheVerdictItsPredecessorRecorded() {
    ProcessRef worker = probe.spawn(101);
    try (Host first = new Host(clock, store, probe, SessionId.of("host-a")).started()) {
      first.put("r1", null, RunStatus.RUNNING, running("r1", "a", worker, T0));
      first.pass();
      assertThat(first.count(R1, "run.verdict")).isEqualTo(1);
    }
    clock.advance(Duration.ofSeconds(60));
    try (Host restarted = new Host(clock, store, probe, SessionId.of("host-a")).started()) {
      restarted.pass();
      assertThat(restarted.count(R1, "run.verdict")).as("ACTIVE again: not repeated").isEqualTo(1);
      assertThat(restarted.engine().recovery().lastVerdict(R1)).contains(VerdictKind.ACTIVE);
      assertThat(restarted.listener.starting("verdict")).isEmpty();

      probe.set(worker, Liveness.DEAD);
      restarted.pass();
      assertThat(restarted.count(R1, "run.verdict")).isEqualTo(2);
      assertThat(restarted.last(R1, "run.verdict").data())
          .containsEntry("verdict", "PROCESS_DEAD")
          .containsEntry("previous", "ACTIVE");
    }
  }

  @Test
  void anotherSessionComparesWithTheRunsLatestVerdictEventToo() {
    try (Host a = new Host(clock, store, probe, SessionId.of("host-a")).started()) {
      a.put("r1", null, RunStatus.RUNNING, running("r1", "a", probe.spawn(101), T0));
      a.pass();
    }
    try (Host b = new Host(clock, store, probe, SessionId.of("host-b")).started()) {
      b.pass();
      b.pass();
      assertThat(b.count(R1, "run.verdict")).isEqualTo(1);
    }
  }
}
