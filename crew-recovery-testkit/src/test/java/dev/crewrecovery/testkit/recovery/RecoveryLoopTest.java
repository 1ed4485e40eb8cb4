package dev.crewrecovery.testkit.recovery;

import static dev.crewrecovery.testkit.recovery.Host.T0;
import static dev.crewrecovery.testkit.recovery.Host.running;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.ApprovalMarker;
import dev.crewrecovery.api.ApprovalState;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.CorruptStateException;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.LockTimeoutException;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.UnsupportedSchemaException;
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.api.spi.UpdateFunction;
import dev.crewrecovery.api.spi.UpdateResult;
import dev.crewrecovery.core.ReconcileReport;
import dev.crewrecovery.core.ReconcileReport.Outcome;
import dev.crewrecovery.core.ReconcileReport.RunReport;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.FakeProcessProbe;
import dev.crewrecovery.testkit.InMemoryRunStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The recovery loop of DESIGN section 8: which runs it acts on, and how a pass goes on. */
class RecoveryLoopTest {
  private static final SessionId ME = SessionId.of("host-a");
  private static final SessionId OTHER = SessionId.of("host-b");
  private static final RunId R1 = RunId.of("r1");
  private static final RunId R2 = RunId.of("r2");

  /** A store that runs a hook before the next update, or throws instead of updating. */
  static final class InterceptingStore extends ForwardingStore {
    final AtomicReference<@Nullable Consumer<RunId>> beforeUpdate = new AtomicReference<>();
    volatile @Nullable RunId lockTimeoutFor;

    InterceptingStore(RunStore delegate) {
      super(delegate);
    }

    @Override
    public UpdateResult update(RunId runId, UpdateFunction fn) {
      if (runId.equals(lockTimeoutFor)) {
        throw new LockTimeoutException(runId, Duration.ofSeconds(10));
      }
      Consumer<RunId> hook = beforeUpdate.getAndSet(null);
      if (hook != null) {
        hook.accept(runId);
      }
      return delegate.update(runId, fn);
    }
  }

  private final FakeClock clock = new FakeClock(T0);
  private final InMemoryRunStore memory = InMemoryRunStore.open(clock);
  private final InterceptingStore store = new InterceptingStore(memory);
  private final FakeProcessProbe probe = new FakeProcessProbe();
  private final Host h = new Host(clock, store, probe, ME).started();

  @AfterEach
  void close() {
    h.close();
  }

  private int nextPid = 1_000;

  private ProcessRef deadWorkerRun(RunId runId, @Nullable Owner owner) {
    ProcessRef dead = probe.spawn(nextPid++);
    h.put(runId.toString(), owner, RunStatus.RUNNING, running(runId.toString(), "a", dead, T0));
    probe.set(dead, Liveness.DEAD);
    return dead;
  }

  private RunReport report(ReconcileReport r, RunId runId) {
    return r.run(runId).orElseThrow(() -> new AssertionError("no report of " + runId + ": " + r));
  }

  // ------------------------------------------------------------------ live owners

  @Test
  void aRunWhoseOwnerHasALiveLeaseIsNeverTouched() {
    Owner other = memory.acquireLease(OTHER, clock.now()).owner();
    deadWorkerRun(R1, other);
    clock.advance(Duration.ofSeconds(29));
    memory.renewLease(OTHER, other.incarnation(), clock.now());
    clock.advance(Duration.ofSeconds(29));

    ReconcileReport r = h.pass();

    assertThat(report(r, R1).outcome()).isEqualTo(Outcome.LIVE_OWNER);
    assertThat(h.snapshot(R1).version()).isEqualTo(1);
    assertThat(h.events(R1)).isEmpty();
    assertThat(probe.probeCalls()).as("a live owner's workers are not even probed").isEmpty();
  }

  @Test
  void aRunWhoseOwnersLeaseExpiredIsRepaired() {
    Owner other = memory.acquireLease(OTHER, clock.now()).owner();
    deadWorkerRun(R1, other);
    clock.advance(Duration.ofSeconds(30));
    assertThat(report(h.pass(), R1).outcome())
        .as("30 s is not older than the lease")
        .isEqualTo(Outcome.LIVE_OWNER);

    clock.advance(Duration.ofSeconds(1));
    assertThat(report(h.pass(), R1).outcome()).isEqualTo(Outcome.REPAIRED);
    assertThat(h.snapshot(R1).status()).isEqualTo(RunStatus.FAILED);
  }

  @Test
  void aReleasedLeaseCountsAsExpired() {
    Owner other = memory.acquireLease(OTHER, clock.now()).owner();
    memory.releaseLease(OTHER, other.incarnation());
    deadWorkerRun(R1, other);

    assertThat(report(h.pass(), R1).outcome()).isEqualTo(Outcome.REPAIRED);
  }

  // ------------------------------------------------------------------ changed between listing and
  // locking

  @Test
  void aRunCompletedBetweenListingAndLockingIsLeftAlone() {
    deadWorkerRun(R1, null);
    store.beforeUpdate.set(
        id ->
            memory.update(
                id,
                (current, slots) ->
                    Update.commit(
                        current
                            .withTask(Host.completed("r1", "a", T0))
                            .withManifest(
                                current.manifest().toBuilder().status(RunStatus.COMPLETED).build()),
                        List.of())));

    RunReport r = report(h.pass(), R1);

    assertThat(r.outcome()).isEqualTo(Outcome.CHANGED);
    assertThat(h.snapshot(R1).status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(h.snapshot(R1).version()).isEqualTo(2);
    assertThat(h.eventTypes(R1)).doesNotContain("run.reconciled");
  }

  @Test
  void aRunThatBecameAwaitingApprovalBetweenListingAndLockingIsLeftAlone() {
    deadWorkerRun(R1, null);
    store.beforeUpdate.set(
        id ->
            memory.update(
                id,
                (current, slots) ->
                    Update.commit(
                        current.withManifest(
                            current.manifest().toBuilder()
                                .status(RunStatus.BLOCKED)
                                .approval(new ApprovalMarker(T0, ApprovalState.PENDING))
                                .build()),
                        List.of())));

    RunReport r = report(h.pass(), R1);

    assertThat(r.outcome()).isEqualTo(Outcome.CHANGED);
    assertThat(r.detail()).contains("AWAITING_APPROVAL");
    assertThat(h.snapshot(R1).status()).isEqualTo(RunStatus.BLOCKED);
    assertThat(h.task(R1, "a").status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(h.eventTypes(R1)).doesNotContain("run.reconciled");
  }

  @Test
  void aRunAdoptedByALiveSessionBetweenListingAndLockingIsLeftAlone() {
    deadWorkerRun(R1, null);
    Owner other = memory.acquireLease(OTHER, clock.now()).owner();
    store.beforeUpdate.set(
        id ->
            memory.update(
                id,
                (current, slots) ->
                    Update.commit(
                        current.withManifest(
                            current.manifest().toBuilder().owner(other).epoch(2).build()),
                        List.of())));

    RunReport r = report(h.pass(), R1);

    assertThat(r.outcome()).isEqualTo(Outcome.CHANGED);
    RunSnapshot s = h.snapshot(R1);
    assertThat(s.manifest().owner()).isEqualTo(other);
    assertThat(s.manifest().epoch()).isEqualTo(2);
    assertThat(s.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(h.eventTypes(R1)).doesNotContain("run.reconciled");

    // The next pass sees the live owner and does not touch the run.
    assertThat(report(h.pass(), R1).outcome()).isEqualTo(Outcome.LIVE_OWNER);
  }

  // ------------------------------------------------------------------ own earlier incarnation

  @Test
  void aRunOfAnEarlierIncarnationOfThisSessionIsAdoptedWhenItsVerdictCallsForNoRepair() {
    FakeClock c = clock;
    RunId run = RunId.of("r-old");
    ProcessRef worker = probe.spawn(4242);
    AttemptId a1;
    try (Host first = new Host(c, store, probe, SessionId.of("host-c")).started()) {
      first.crew.runs().create(run, List.of(TaskId.of("a")));
      a1 = first.crew.runs().startAttempt(run, TaskId.of("a"), worker, null, false);
    }
    try (Host second = new Host(c, store, probe, SessionId.of("host-c")).started()) {
      Owner me = second.owner();
      assertThat(me.incarnation()).isEqualTo(2);
      long version = second.snapshot(run).version();
      RunSnapshot before = second.snapshot(run);

      RunReport r = report(second.pass(), run);

      assertThat(r.outcome()).isEqualTo(Outcome.ADOPTED);
      assertThat(r.verdict()).isEqualTo(VerdictKind.ACTIVE);
      RunSnapshot s = second.snapshot(run);
      assertThat(s.version()).isEqualTo(version + 1);
      assertThat(s.manifest().owner()).isEqualTo(me);
      assertThat(s.manifest().epoch()).isEqualTo(before.manifest().epoch() + 1);
      assertThat(s.manifest().updatedAt()).isEqualTo(before.manifest().updatedAt());
      assertThat(s.tasks()).isEqualTo(before.tasks());
      assertThat(second.count(run, "run.adopted")).isEqualTo(1);
      assertThat(second.engine().exits().size()).as("the worker's exit is watched").isEqualTo(1);
      assertThat(second.listener.starting("adopted"))
          .containsExactly("adopted r-old host-c#1 " + s.manifest().epoch());

      // The adopter owns it now: its writes pass the fence, and a second pass is a no-op.
      second.crew.runs().heartbeat(a1);
      long afterAdoption = second.snapshot(run).version();
      int events = second.events(run).size();
      assertThat(report(second.pass(), run).outcome()).isEqualTo(Outcome.NOTHING_TO_DO);
      assertThat(second.snapshot(run).version()).isEqualTo(afterAdoption);
      assertThat(second.events(run)).hasSize(events);

      // Its worker's exit is repaired by the adopter at once (owner-side task repair).
      probe.exit(worker, 1);
      assertThat(second.task(run, "a").status()).isNotEqualTo(TaskStatus.RUNNING);
    }
  }

  @Test
  void aRunOfAnEarlierIncarnationWhoseVerdictCallsForRepairGetsThePolicyAction() {
    RunId run = RunId.of("r-old");
    ProcessRef worker = probe.spawn(4243);
    try (Host first = new Host(clock, store, probe, SessionId.of("host-c")).started()) {
      first.crew.runs().create(run, List.of(TaskId.of("a")));
      first.crew.runs().startAttempt(run, TaskId.of("a"), worker, null, false);
      first.engine().exits().cancelAll();
    }
    probe.set(worker, Liveness.DEAD);
    try (Host second = new Host(clock, store, probe, SessionId.of("host-c")).started()) {
      RunReport r = report(second.pass(), run);
      assertThat(r.outcome()).isEqualTo(Outcome.REPAIRED);
      assertThat(second.snapshot(run).status()).isEqualTo(RunStatus.FAILED);
      assertThat(second.count(run, "run.adopted")).isZero();
    }
  }

  // ------------------------------------------------------------------ failures do not stop a pass

  @Test
  void aCorruptRunIsRecordedAndThePassGoesOn() {
    deadWorkerRun(R1, null);
    deadWorkerRun(R2, null);
    RunId r3 = RunId.of("r3");
    deadWorkerRun(r3, null);
    RunId r4 = RunId.of("r4");
    deadWorkerRun(r4, null);
    memory.simulateCorruptSnapshot(R1);
    memory.simulateNewerSchema(r3, 99);
    store.lockTimeoutFor = r4;

    ReconcileReport r = h.pass();

    assertThat(report(r, R1).outcome()).isEqualTo(Outcome.ERROR);
    assertThat(report(r, R1).detail()).contains(CorruptStateException.class.getSimpleName());
    assertThat(report(r, r3).outcome()).isEqualTo(Outcome.ERROR);
    assertThat(report(r, r3).detail()).contains(UnsupportedSchemaException.class.getSimpleName());
    assertThat(report(r, r4).outcome()).isEqualTo(Outcome.ERROR);
    assertThat(report(r, r4).detail()).contains(LockTimeoutException.class.getSimpleName());
    assertThat(report(r, R2).outcome()).isEqualTo(Outcome.REPAIRED);
    assertThat(h.snapshot(R2).status()).isEqualTo(RunStatus.FAILED);

    // The quarantined run's marker is reported as orphaned on the next pass.
    assertThat(report(h.pass(), R1).outcome()).isEqualTo(Outcome.ORPHANED_MARKER);
  }

  // ------------------------------------------------------------------ owned runs

  @Test
  void anOwnedRunsAgeOnlyVerdictIsReportedNeverApplied() {
    h.crew.runs().create(R1, List.of(TaskId.of("a")));
    h.crew.runs().startAttempt(R1, TaskId.of("a"));
    clock.advance(Duration.ofMinutes(6));
    long version = h.snapshot(R1).version();

    RunReport r = report(h.pass(), R1);

    assertThat(r.verdict()).isEqualTo(VerdictKind.STALE_NO_PROCESS);
    assertThat(r.outcome()).isEqualTo(Outcome.REPORTED);
    assertThat(h.snapshot(R1).version()).isEqualTo(version);
    assertThat(h.task(R1, "a").status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(h.count(R1, "run.verdict")).isEqualTo(1);
    assertThat(h.last(R1, "run.verdict").data()).containsEntry("verdict", "STALE_NO_PROCESS");
    assertThat(h.listener.starting("verdict")).containsExactly("verdict r1 STALE_NO_PROCESS");

    // Unchanged verdict: no second event or call.
    clock.advance(Duration.ofMinutes(1));
    h.pass();
    assertThat(h.count(R1, "run.verdict")).isEqualTo(1);
    assertThat(h.listener.starting("verdict")).hasSize(1);
    assertThat(h.snapshot(R1).version()).isEqualTo(version);
  }

  @Test
  void anOwnedRunWhoseTasksAllFinishedIsFinalizedOnlyAfterOneScanPeriod() {
    h.crew.runs().create(R1, List.of(TaskId.of("a")));
    AttemptId a1 = h.crew.runs().startAttempt(R1, TaskId.of("a"));
    h.crew.runs().complete(a1, "done");
    assertThat(h.snapshot(R1).status()).isEqualTo(RunStatus.RUNNING);

    clock.advance(Duration.ofSeconds(60));
    assertThat(report(h.pass(), R1).outcome()).isEqualTo(Outcome.NOTHING_TO_DO);
    assertThat(h.snapshot(R1).status()).isEqualTo(RunStatus.RUNNING);

    clock.advance(Duration.ofSeconds(1));
    assertThat(report(h.pass(), R1).outcome()).isEqualTo(Outcome.FINALIZED);
    RunSnapshot s = h.snapshot(R1);
    assertThat(s.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(s.manifest().owner()).as("the owner's own repair keeps it").isEqualTo(h.owner());
  }

  @Test
  void anOwnedRunWhoseRunnerDiesIsFailedAtOnceWhenItsExitFires() {
    h.crew.runs().create(R1, List.of(TaskId.of("a")));
    ProcessRef runner = probe.spawn(777);
    h.crew.runs().recordRunner(R1, runner, null);
    h.crew.runs().startAttempt(R1, TaskId.of("a"));
    assertThat(report(h.pass(), R1).verdict()).isEqualTo(VerdictKind.HEALTHY);
    assertThat(h.engine().recovery().watchedRunners()).isEqualTo(1);

    probe.exit(runner, 1);

    assertThat(h.snapshot(R1).status()).isEqualTo(RunStatus.FAILED);
    assertThat(h.task(R1, "a").status()).isEqualTo(TaskStatus.FAILED);
    assertThat(h.snapshot(R1).manifest().owner()).isEqualTo(h.owner());
    assertThat(h.last(R1, "run.reconciled").data()).containsEntry("rule", "RUNNER_DEAD");
    assertThat(h.engine().recovery().watchedRunners()).isZero();
  }

  @Test
  void anOwnedRunsDeadWorkerIsLeftToTheWatchersTaskRepair() {
    h.crew.runs().create(R1, List.of(TaskId.of("a")));
    ProcessRef worker = probe.spawn(778);
    h.crew.runs().startAttempt(R1, TaskId.of("a"), worker, null, false);
    h.engine().exits().cancelAll();
    probe.set(worker, Liveness.DEAD);
    long version = h.snapshot(R1).version();

    RunReport r = report(h.pass(), R1);

    assertThat(r.verdict()).isEqualTo(VerdictKind.PROCESS_DEAD);
    assertThat(r.outcome()).isEqualTo(Outcome.NOTHING_TO_DO);
    assertThat(h.snapshot(R1).version()).isEqualTo(version);
  }

  @Test
  void aTaskOfAnotherSessionsRunWhoseWorkerDiedIsFailedWithoutRetryAndTheRunFenced() {
    Owner other = memory.acquireLease(OTHER, clock.now()).owner();
    ProcessRef dead = probe.spawn(201);
    ProcessRef alive = probe.spawn(202);
    h.put(
        "r1",
        other,
        RunStatus.RUNNING,
        running("r1", "a", dead, T0),
        running("r1", "b", alive, T0));
    probe.set(dead, Liveness.DEAD);
    clock.advance(Duration.ofSeconds(31));

    RunReport r = report(h.pass(), R1);

    assertThat(r.verdict()).isEqualTo(VerdictKind.ACTIVE);
    assertThat(r.outcome()).isEqualTo(Outcome.REPAIRED);
    RunSnapshot s = h.snapshot(R1);
    assertThat(s.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(h.task(R1, "a").status()).isEqualTo(TaskStatus.FAILED);
    assertThat(h.task(R1, "b").status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(s.manifest().owner()).isNull();
    assertThat(s.manifest().epoch()).isEqualTo(2);
    assertThat(memory.deadletters(dev.crewrecovery.api.spi.DeadletterFilter.ofRun(R1))).isEmpty();
    assertThat(probe.terminations()).as("a live worker is never signalled").isEmpty();
  }

  @Test
  void reconcileNowNeedsAStartedSession() {
    try (Host idle = new Host(clock, store, probe, SessionId.of("host-z"))) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> idle.pass())
          .isInstanceOf(IllegalStateException.class);
    }
  }
}
