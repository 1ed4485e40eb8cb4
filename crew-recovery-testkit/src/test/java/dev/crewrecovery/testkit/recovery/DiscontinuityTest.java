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
import dev.crewrecovery.core.internal.recovery.RecoveryLoop;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.FakeProcessProbe;
import dev.crewrecovery.testkit.InMemoryRunStore;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The recovery loop's own ticks detect time discontinuities (DESIGN section 9). */
class DiscontinuityTest {
  private static final RunId LIVE = RunId.of("live");
  private static final RunId STALE = RunId.of("stale");
  private static final RunId DEAD = RunId.of("dead");

  private final FakeClock clock = new FakeClock(T0);
  private final InMemoryRunStore store = InMemoryRunStore.open(clock);
  private final FakeProcessProbe probe = new FakeProcessProbe();
  private final Host h = new Host(clock, store, probe, SessionId.of("host-a")).started();
  private final RecoveryLoop loop = h.engine().recovery();

  @AfterEach
  void close() {
    h.close();
  }

  @Test
  void anEightHourSuspendDefersAgeOnlyRepairsButRepairsDeadProcessesWithinOneTick() {
    h.put("live", null, RunStatus.RUNNING, running("live", "a", probe.spawn(101), T0));
    h.put("stale", null, RunStatus.RUNNING, running("stale", "a", null, T0));
    loop.runOnce();
    clock.advance(Duration.ofSeconds(60));
    loop.runOnce();
    assertThat(h.count(LIVE, "time.discontinuity")).isZero();

    clock.suspend(Duration.ofHours(8));
    ProcessRef dead = probe.spawn(103);
    h.put("dead", null, RunStatus.RUNNING, running("dead", "a", dead, clock.now()));
    probe.set(dead, Liveness.DEAD);
    loop.runOnce();

    assertThat(h.count(LIVE, "time.discontinuity")).isEqualTo(1);
    assertThat(h.count(STALE, "time.discontinuity")).isEqualTo(1);
    assertThat(h.listener.starting("discontinuity")).hasSize(1);
    assertThat(h.task(LIVE, "a").status())
        .as("a live worker is never declared dead")
        .isEqualTo(TaskStatus.RUNNING);
    assertThat(h.task(STALE, "a").status())
        .as("an age alone is deferred")
        .isEqualTo(TaskStatus.RUNNING);
    assertThat(loop.lastVerdict(STALE)).contains(VerdictKind.DEFERRED);
    assertThat(h.snapshot(DEAD).status())
        .as("process death is never deferred")
        .isEqualTo(RunStatus.FAILED);

    // The grace window ends one dead threshold (300 s) of monotonic time later.
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(60));
      loop.runOnce();
      assertThat(h.task(STALE, "a").status()).isEqualTo(TaskStatus.RUNNING);
    }
    clock.advance(Duration.ofSeconds(1));
    loop.runOnce();
    assertThat(h.task(STALE, "a").status()).isEqualTo(TaskStatus.FAILED);
    assertThat(h.task(LIVE, "a").status()).isEqualTo(TaskStatus.RUNNING);
  }
}
