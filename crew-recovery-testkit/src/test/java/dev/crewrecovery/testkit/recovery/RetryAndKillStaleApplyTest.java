package dev.crewrecovery.testkit.recovery;

import static dev.crewrecovery.testkit.recovery.Host.T0;
import static dev.crewrecovery.testkit.recovery.Host.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.AttemptNotStartableException;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskResult;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.api.spi.UpdateFunction;
import dev.crewrecovery.api.spi.UpdateResult;
import dev.crewrecovery.core.ApplyResult;
import dev.crewrecovery.core.RecoveryAction;
import dev.crewrecovery.core.RecoveryPlan;
import dev.crewrecovery.core.RecoveryPolicy;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.FakeProcessProbe;
import dev.crewrecovery.testkit.InMemoryRunStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The operator actions RETRY and KILL_STALE through {@code apply(plan)} (DESIGN section 8): each
 * re-decided inside the run's update, fenced by owner and epoch, and no signal ever sent inside it.
 */
class RetryAndKillStaleApplyTest {
  private static final RunId R1 = RunId.of("r1");
  private static final TaskId A = TaskId.of("a");

  private final FakeClock clock = new FakeClock(T0);
  private final InMemoryRunStore memory = InMemoryRunStore.open(clock);

  /** Runs a hook once, just before the next update reaches the store's exclusion. */
  private final AtomicReference<@Nullable Runnable> beforeUpdate = new AtomicReference<>();

  private final ForwardingStore store =
      new ForwardingStore(memory) {
        @Override
        public UpdateResult update(RunId runId, UpdateFunction fn) {
          Runnable hook = beforeUpdate.getAndSet(null);
          if (hook != null) {
            hook.run();
          }
          return super.update(runId, fn);
        }
      };

  private final FakeProcessProbe probe = new FakeProcessProbe();

  private static RecoveryPlan planFor(VerdictKind verdict, RecoveryAction action, boolean forced) {
    return new RecoveryPlan(
            R1, verdict, List.of(), List.of(), 0, RecoveryAction.NO_OP, true, false, "")
        .withAction(action, forced);
  }

  private static TaskState failed(TaskState running) {
    return running.toBuilder().status(TaskStatus.FAILED).build();
  }

  private void setRunner(ProcessRef runner) {
    memory.update(
        R1,
        (current, slots) ->
            Update.commit(
                current.withManifest(
                    current.manifest().toBuilder().runner(runner, null, null).build()),
                List.of()));
  }

  private Owner liveOtherSession() {
    return memory.acquireLease(SessionId.of("host-b"), clock.now()).owner();
  }

  // ------------------------------------------------------------------------------ RETRY

  @Test
  void retryOfARunFailedByItsDeadRunnerClearsTheRunnerSoTheNextPassDoesNotFailItAgain() {
    try (Host h = new Host(clock, store, probe, SessionId.of("host-a")).started()) {
      ProcessRef runner = probe.spawn(100);
      h.put("r1", null, RunStatus.RUNNING, running("r1", "a", probe.spawn(101), T0));
      setRunner(runner);
      probe.set(runner, Liveness.DEAD);
      h.pass();
      assertThat(h.snapshot(R1).status()).isEqualTo(RunStatus.FAILED);
      long epoch = h.snapshot(R1).manifest().epoch();

      ApplyResult r =
          h.crew.recovery().apply(planFor(VerdictKind.TERMINAL, RecoveryAction.RETRY, false));

      assertThat(r.status()).isEqualTo(ApplyResult.Status.APPLIED);
      assertThat(h.snapshot(R1).status()).isEqualTo(RunStatus.RUNNING);
      assertThat(h.snapshot(R1).manifest().runner()).isNull();
      assertThat(h.snapshot(R1).manifest().epoch()).isEqualTo(epoch + 1);
      assertThat(h.snapshot(R1).manifest().owner()).isEqualTo(h.owner());
      assertThat(h.last(R1, "run.retried").data())
          .containsEntry("clearedRunner", "100@testhost")
          .containsEntry("requeuedTasks", "a");
      assertThat(h.listener.starting("reconciled r1 TERMINAL RETRY RUNNING")).hasSize(1);

      clock.advance(Duration.ofSeconds(61));
      h.pass();
      assertThat(h.snapshot(R1).status())
          .as("the dead runner of the finished run no longer decides")
          .isEqualTo(RunStatus.RUNNING);
      assertThat(h.task(R1, "a").status()).isEqualTo(TaskStatus.QUEUED);
    }
  }

  @Test
  void aRetriedTaskWhosePreviousWorkerStillLivesWaitsQueuedAndIsNeverSignalled() {
    try (Host h = new Host(clock, store, probe, SessionId.of("host-a")).started()) {
      ProcessRef stillAlive = probe.spawn(101);
      h.put("r1", null, RunStatus.FAILED, failed(running("r1", "a", stillAlive, T0)));

      ApplyResult r =
          h.crew.recovery().apply(planFor(VerdictKind.TERMINAL, RecoveryAction.RETRY, false));

      assertThat(r.status()).isEqualTo(ApplyResult.Status.APPLIED);
      assertThat(h.task(R1, "a").status()).isEqualTo(TaskStatus.QUEUED);
      assertThat(h.task(R1, "a").attemptCurrent()).isFalse();
      assertThatThrownBy(() -> h.crew.runs().startAttempt(R1, A, probe.spawn(105), null, false))
          .isInstanceOf(AttemptNotStartableException.class);
      assertThat(probe.terminations()).isEmpty();

      probe.set(stillAlive, Liveness.DEAD);
      assertThat(h.crew.runs().startAttempt(R1, A, probe.spawn(106), null, false).number())
          .isEqualTo(2);
    }
  }

  @Test
  void retryOfARunALiveSessionOwnsIsSkippedUnlessForcedAndTheForcedOneSaysSo() {
    try (Host h = new Host(clock, store, probe, SessionId.of("host-a")).started()) {
      Owner live = liveOtherSession();
      h.put("r1", live, RunStatus.FAILED, failed(running("r1", "a", null, T0)));

      ApplyResult skipped =
          h.crew.recovery().apply(planFor(VerdictKind.TERMINAL, RecoveryAction.RETRY, false));
      assertThat(skipped.status()).isEqualTo(ApplyResult.Status.SKIPPED);
      assertThat(h.snapshot(R1).version()).isEqualTo(1);

      ApplyResult forced =
          h.crew.recovery().apply(planFor(VerdictKind.TERMINAL, RecoveryAction.RETRY, true));
      assertThat(forced.status()).isEqualTo(ApplyResult.Status.APPLIED);
      assertThat(h.snapshot(R1).manifest().owner()).isEqualTo(h.owner());
      assertThat(h.snapshot(R1).manifest().epoch()).isEqualTo(2);
      assertThat(h.last(R1, "run.retried").data()).containsEntry("forced", "true");
    }
  }

  @Test
  void retryReDecidesInsideTheUpdateAndWritesNothingWhenTheVerdictMoved() {
    try (Host h = new Host(clock, store, probe, SessionId.of("host-a")).started()) {
      ProcessRef alive = probe.spawn(102);
      h.put(
          "r1",
          null,
          RunStatus.RUNNING,
          failed(running("r1", "a", null, T0)),
          running("r1", "b", alive, T0));
      RecoveryPlan plan = h.crew.recovery().plan().get(0);
      assertThat(plan.verdict()).isEqualTo(VerdictKind.ACTIVE);
      // Between planning and the lock, task b's worker records its result: the run now has one.
      beforeUpdate.set(
          () ->
              memory.update(
                  R1,
                  (current, slots) -> {
                    TaskState b = current.task(TaskId.of("b")).orElseThrow();
                    var done =
                        b.currentAttempt().orElseThrow().withResult(new TaskResult("ok", T0));
                    return Update.commit(
                        current.withTask(b.toBuilder().replaceLastAttempt(done).build()),
                        List.of());
                  }));

      ApplyResult r = h.crew.recovery().apply(plan.withAction(RecoveryAction.RETRY, false));

      assertThat(r.status()).isEqualTo(ApplyResult.Status.SKIPPED);
      assertThat(r.detail()).contains("RESULT_EXISTS");
      assertThat(h.task(R1, "a").status()).isEqualTo(TaskStatus.FAILED);
      assertThat(h.count(R1, "run.retried")).isZero();
    }
  }

  // ------------------------------------------------------------------------------ KILL_STALE

  @Test
  void anOperatorMayForceKillStaleOnAFrozenWorkerOfALiveOwnersRunWhichTheLoopNeverKills() {
    try (Host h = new Host(clock, store, probe, SessionId.of("host-a")).started()) {
      Owner live = liveOtherSession();
      ProcessRef frozen = probe.spawn(101);
      h.put("r1", live, RunStatus.RUNNING, running("r1", "a", frozen, T0));
      clock.advance(Duration.ofHours(2));
      memory.renewLease(live.session(), live.incarnation(), clock.now());
      h.pass();
      assertThat(probe.terminations()).as("never killed automatically").isEmpty();

      RecoveryPlan plan = planFor(VerdictKind.ACTIVE, RecoveryAction.KILL_STALE, false);
      assertThat(h.crew.recovery().apply(plan).status()).isEqualTo(ApplyResult.Status.SKIPPED);
      assertThat(probe.terminations()).isEmpty();

      ApplyResult r =
          h.crew.recovery().apply(planFor(VerdictKind.ACTIVE, RecoveryAction.KILL_STALE, true));

      assertThat(r.status()).isEqualTo(ApplyResult.Status.APPLIED);
      assertThat(h.snapshot(R1).status()).isEqualTo(RunStatus.FAILED);
      assertThat(h.snapshot(R1).manifest().owner()).as("fenced").isNull();
      assertThat(h.snapshot(R1).manifest().epoch()).isEqualTo(2);
      Failure failure = h.task(R1, "a").lastAttempt().orElseThrow().failure();
      assertThat(failure).isNotNull();
      assertThat(failure.code()).isEqualTo(Failure.WORKER_LOST);
      assertThat(h.last(R1, "run.reconciled").data())
          .containsEntry("action", "KILL_STALE")
          .containsEntry("forced", "true")
          .containsEntry("orphans", "a=101@testhost");
      assertThat(probe.terminations())
          .extracting(FakeProcessProbe.Termination::ref)
          .containsExactly(frozen);
      assertThat(h.last(R1, "run.workers_terminated").data())
          .containsEntry("a", "101@testhost ALIVE TERMINATED");
    }
  }

  @Test
  void killStaleReChecksEachIdentityAfterTheCommitAndNeverSignalsARecycledPid() {
    try (Host h =
        new Host(clock, store, probe, SessionId.of("host-a"), RecoveryPolicy.table(false, true))
            .started()) {
      ProcessRef runner = probe.spawn(100);
      ProcessRef worker = probe.spawn(101);
      h.put("r1", null, RunStatus.RUNNING, running("r1", "a", worker, T0));
      setRunner(runner);
      clock.advance(Duration.ofHours(24).plusSeconds(1));
      AtomicReference<@Nullable ProcessRef> successor = new AtomicReference<>();
      // Probed ALIVE outside the lock, the worker's PID is reused before the commit.
      beforeUpdate.set(() -> successor.set(probe.recycle(worker)));

      var report = h.pass().run(R1).orElseThrow();

      assertThat(report.action()).isEqualTo(RecoveryAction.KILL_STALE);
      assertThat(h.snapshot(R1).status()).isEqualTo(RunStatus.FAILED);
      assertThat(h.last(R1, "run.reconciled").data())
          .containsEntry("runner", "100@testhost")
          .containsEntry("orphans", "a=101@testhost");
      assertThat(probe.terminations())
          .extracting(FakeProcessProbe.Termination::ref)
          .containsExactly(runner);
      assertThat(probe.peek(successor.get())).isEqualTo(Liveness.ALIVE);
      assertThat(h.last(R1, "run.workers_terminated").data())
          .containsEntry("runner", "100@testhost ALIVE TERMINATED")
          .doesNotContainKey("a");
    }
  }

  @Test
  void killStaleOnlyReportsAWorkerThatProbesUnknown() {
    try (Host h =
        new Host(clock, store, probe, SessionId.of("host-a"), RecoveryPolicy.table(false, true))
            .started()) {
      ProcessRef runner = probe.spawn(100);
      ProcessRef worker = probe.spawn(101);
      probe.set(worker, Liveness.UNKNOWN);
      h.put("r1", null, RunStatus.RUNNING, running("r1", "a", worker, T0));
      setRunner(runner);
      clock.advance(Duration.ofHours(24).plusSeconds(1));

      h.pass();

      assertThat(h.snapshot(R1).status()).isEqualTo(RunStatus.FAILED);
      assertThat(probe.terminations())
          .extracting(FakeProcessProbe.Termination::ref)
          .containsExactly(runner);
      assertThat(h.last(R1, "run.workers_terminated").data())
          .containsEntry("a", "101@testhost UNKNOWN reported");
    }
  }
}
