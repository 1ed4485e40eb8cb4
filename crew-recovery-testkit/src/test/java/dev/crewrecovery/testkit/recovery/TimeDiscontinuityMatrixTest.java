package dev.crewrecovery.testkit.recovery;

import static dev.crewrecovery.testkit.recovery.Host.T0;
import static dev.crewrecovery.testkit.recovery.Host.queued;
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
import dev.crewrecovery.core.RecoveryAction;
import dev.crewrecovery.core.RecoveryPlan;
import dev.crewrecovery.core.internal.engine.Engine;
import dev.crewrecovery.core.internal.recovery.RecoveryLoop;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.FakeProcessProbe;
import dev.crewrecovery.testkit.InMemoryRunStore;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The time discontinuities of DESIGN section 9, on the fake clock, with the session's loops driven
 * as its scheduler drives them (watcher and lease renewal every 5 s, recovery every 60 s): a wall
 * step of -1 h, +1 h and +25 h, a 30 s pause of the whole process, and a suspend inside the grace
 * window of another. In each: no live worker is declared dead, no lease is taken over from a live
 * owner, workers whose process died are repaired within one tick, each affected run gets one {@code
 * time.discontinuity} event, ages alone are deferred through the grace window, and after a large
 * forward step a repair resting only on a 24 h rule is only proposed.
 */
class TimeDiscontinuityMatrixTest {
  private static final TaskId A = TaskId.of("a");

  /** Owned by the session; a live worker that beats. */
  private static final RunId OWNED_LIVE = RunId.of("owned-live");

  /** Owned; a live worker that stopped beating (frozen). */
  private static final RunId OWNED_FROZEN = RunId.of("owned-frozen");

  /** Owned; its worker dies at the discontinuity. */
  private static final RunId OWNED_DIES = RunId.of("owned-dies");

  /** Ownerless; a live worker that never beats. */
  private static final RunId LIVE = RunId.of("live");

  /** Ownerless; a worker that probes UNKNOWN. */
  private static final RunId UNKNOWN = RunId.of("unknown");

  /** Ownerless; its worker dies at the discontinuity. */
  private static final RunId DIES = RunId.of("dies");

  /** Ownerless; no worker recorded, no heartbeat: judged on its age alone. */
  private static final RunId QUIET = RunId.of("quiet");

  /** Ownerless; one QUEUED task and nothing else: only the 24 h abandonment rule can judge it. */
  private static final RunId IDLE = RunId.of("idle");

  /** Owned by another session that keeps renewing its lease; its worker is dead. */
  private static final RunId OTHERS = RunId.of("others");

  private static final List<RunId> OWNED = List.of(OWNED_LIVE, OWNED_FROZEN, OWNED_DIES);

  /** One case of the matrix. */
  private record Case(String name, Consumer<World> event, boolean wallMoved, boolean idleOver24h) {}

  @TestFactory
  Stream<DynamicTest> everyDiscontinuity() {
    return Stream.of(
            new Case("wall step -1 h", w -> w.clock.stepWall(Duration.ofHours(-1)), true, false),
            new Case("wall step +1 h", w -> w.clock.stepWall(Duration.ofHours(1)), true, false),
            new Case("wall step +25 h", w -> w.clock.stepWall(Duration.ofHours(25)), true, true),
            new Case("30 s pause", w -> w.clock.advance(Duration.ofSeconds(30)), false, false),
            new Case(
                "suspend inside the grace window of another",
                w -> {
                  w.clock.suspend(Duration.ofHours(2));
                  w.round();
                  w.run(Duration.ofSeconds(120));
                  w.clock.suspend(Duration.ofHours(2));
                },
                true,
                false))
        .map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
  }

  private static void check(Case c) {
    try (World w = new World()) {
      w.run(Duration.ofSeconds(120));
      assertThat(w.h.count(QUIET, "time.discontinuity")).isZero();

      w.killAtTheEvent();
      c.event().accept(w);
      w.round();

      // Process death is never deferred: repaired within the one tick after the discontinuity.
      assertThat(w.h.task(OWNED_DIES, "a").status())
          .as("the owned run's dead worker, repaired by the watcher's first tick")
          .isNotEqualTo(TaskStatus.RUNNING);
      assertThat(w.h.snapshot(DIES).status())
          .as("the ownerless run whose worker died, repaired by the recovery loop's first tick")
          .isEqualTo(RunStatus.FAILED);
      // An age alone is never enough inside the grace window.
      assertThat(w.h.task(QUIET, "a").status()).isEqualTo(TaskStatus.RUNNING);

      // One event per affected run, and one listener call, however many loops saw it.
      if (c.wallMoved()) {
        for (RunId run : List.of(OWNED_LIVE, OWNED_FROZEN, LIVE, UNKNOWN, QUIET, IDLE, OTHERS)) {
          assertThat(w.h.count(run, "time.discontinuity"))
              .as("events of " + run)
              .isEqualTo(c.name().startsWith("suspend") ? 2 : 1);
        }
      } else {
        // Only the watcher's 5 s rhythm sees a 30 s pause; it sweeps the runs the session owns.
        for (RunId run : List.of(OWNED_LIVE, OWNED_FROZEN)) {
          assertThat(w.h.count(run, "time.discontinuity")).as("events of " + run).isEqualTo(1);
        }
        for (RunId run : List.of(LIVE, UNKNOWN, QUIET, IDLE, OTHERS)) {
          assertThat(w.h.count(run, "time.discontinuity")).as("events of " + run).isZero();
        }
      }
      assertThat(w.h.listener.starting("discontinuity"))
          .hasSize(c.name().startsWith("suspend") ? 2 : 1);

      // Through the grace window (300 s of monotonic time after the last discontinuity).
      w.run(Duration.ofSeconds(290));
      assertThat(w.h.task(QUIET, "a").status())
          .as("deferred through the grace window")
          .isEqualTo(TaskStatus.RUNNING);
      w.run(Duration.ofSeconds(75));
      w.assertLiveWorkersUntouched();
      assertThat(w.h.task(QUIET, "a").status())
          .as("once the window closed, the age alone is judged (not a 24 h rule)")
          .isEqualTo(TaskStatus.FAILED);

      RunStatus idle = w.h.snapshot(IDLE).status();
      assertThat(idle)
          .as("a 24 h rule is never applied automatically here")
          .isEqualTo(RunStatus.RUNNING);
      if (c.idleOver24h()) {
        assertThat(w.loop().lastVerdict(IDLE)).contains(VerdictKind.ABANDONED);
        RecoveryPlan plan =
            w.h.crew.recovery().plan().stream()
                .filter(p -> p.runId().equals(IDLE))
                .findFirst()
                .orElseThrow();
        assertThat(plan.verdict()).isEqualTo(VerdictKind.ABANDONED);
        assertThat(plan.action()).as("proposed to the operator").isEqualTo(RecoveryAction.FAIL);
      } else {
        assertThat(w.loop().lastVerdict(IDLE)).contains(VerdictKind.NO_EVIDENCE);
      }
    }
  }

  /** The session under test and its surroundings, driven tick by tick. */
  private static final class World implements AutoCloseable {
    final FakeClock clock = new FakeClock(T0);
    final InMemoryRunStore store = InMemoryRunStore.open(clock);
    final FakeProcessProbe probe = new FakeProcessProbe();
    final Host h = new Host(clock, store, probe, SessionId.of("host-a")).started();
    final Owner other = store.acquireLease(SessionId.of("host-b"), clock.now()).owner();
    final AttemptId ownedLive;
    final ProcessRef ownedDies;
    final ProcessRef dies;
    long sinceLoopTick;

    World() {
      var runs = h.crew.runs();
      runs.create(OWNED_LIVE, List.of(A));
      ownedLive = runs.startAttempt(OWNED_LIVE, A, probe.spawn(101), null, false);
      assertThat(ownedLive.number()).isEqualTo(1);
      runs.create(OWNED_FROZEN, List.of(A));
      ProcessRef frozen = probe.spawn(102);
      runs.startAttempt(OWNED_FROZEN, A, frozen, null, false);
      runs.create(OWNED_DIES, List.of(A));
      ownedDies = probe.spawn(103);
      runs.startAttempt(OWNED_DIES, A, ownedDies, null, false);
      ProcessRef live = probe.spawn(104);
      h.put("live", null, RunStatus.RUNNING, running("live", "a", live, T0));
      ProcessRef unknown = probe.spawn(105);
      probe.set(unknown, Liveness.UNKNOWN);
      h.put("unknown", null, RunStatus.RUNNING, running("unknown", "a", unknown, T0));
      dies = probe.spawn(106);
      h.put("dies", null, RunStatus.RUNNING, running("dies", "a", dies, T0));
      h.put("quiet", null, RunStatus.RUNNING, running("quiet", "a", null, T0));
      h.put("idle", null, RunStatus.RUNNING, queued("q"));
      ProcessRef othersDead = probe.spawn(107);
      probe.set(othersDead, Liveness.DEAD);
      h.put("others", other, RunStatus.RUNNING, running("others", "a", othersDead, T0));
      tickAll();
    }

    Engine engine() {
      return h.engine();
    }

    RecoveryLoop loop() {
      return engine().recovery();
    }

    /** Both process deaths happen with the discontinuity. */
    void killAtTheEvent() {
      probe.set(ownedDies, Liveness.DEAD);
      probe.set(dies, Liveness.DEAD);
    }

    /** The first round after a discontinuity: every loop is due. */
    void round() {
      tickAll();
    }

    private void tickAll() {
      ticks();
      sinceLoopTick = 0;
      loop().tick();
      outside();
    }

    /** Runs the session for {@code d} in steps of 5 s: its beats, renewals, watcher, recovery. */
    void run(Duration d) {
      for (long s = 0; s < d.toSeconds(); s += 5) {
        clock.advance(Duration.ofSeconds(5));
        ticks();
        sinceLoopTick += 5;
        if (sinceLoopTick >= 60) {
          loop().tick();
          sinceLoopTick = 0;
        }
        outside();
      }
    }

    private void ticks() {
      engine().leaseKeeper().tick();
      engine().watcher().tick();
    }

    /**
     * What happens outside the session's loops, after them: the live worker beats and the other
     * session renews its lease (so a discontinuity is seen before that lease is renewed).
     */
    private void outside() {
      h.crew.runs().heartbeat(ownedLive);
      store.renewLease(other.session(), other.incarnation(), clock.now());
    }

    void assertLiveWorkersUntouched() {
      for (RunId run : List.of(OWNED_LIVE, OWNED_FROZEN, LIVE, UNKNOWN)) {
        assertThat(h.task(run, "a").status()).as("task of " + run).isEqualTo(TaskStatus.RUNNING);
        assertThat(h.snapshot(run).status()).as(run.toString()).isEqualTo(RunStatus.RUNNING);
        assertThat(h.count(run, "task.heartbeat_dead")).as(run + " declared dead").isZero();
      }
      assertThat(probe.terminations()).isEmpty();
      assertThat(h.snapshot(OTHERS).manifest().owner()).as("never taken over").isEqualTo(other);
      assertThat(h.snapshot(OTHERS).manifest().epoch()).isEqualTo(1);
      assertThat(h.task(OTHERS, "a").status()).isEqualTo(TaskStatus.RUNNING);
      assertThat(h.count(OTHERS, "run.reconciled")).isZero();
      for (RunId run : OWNED) {
        assertThat(h.snapshot(run).manifest().owner()).isEqualTo(h.owner());
      }
    }

    @Override
    public void close() {
      h.close();
    }
  }
}
