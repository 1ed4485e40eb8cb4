package dev.crewrecovery.core.internal.decide;

import static dev.crewrecovery.core.internal.decide.Runs.HOST;
import static dev.crewrecovery.core.internal.decide.Runs.NOW;
import static dev.crewrecovery.core.internal.decide.Runs.POLICY;
import static dev.crewrecovery.core.internal.decide.Runs.REMOTE_SESSION;
import static dev.crewrecovery.core.internal.decide.Runs.ago;
import static dev.crewrecovery.core.internal.decide.Runs.attempt;
import static dev.crewrecovery.core.internal.decide.Runs.leaseRenewed;
import static dev.crewrecovery.core.internal.decide.Runs.localRef;
import static dev.crewrecovery.core.internal.decide.Runs.releasedLease;
import static dev.crewrecovery.core.internal.decide.Runs.remoteRef;
import static dev.crewrecovery.core.internal.decide.Runs.run;
import static dev.crewrecovery.core.internal.decide.Runs.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.ApprovalState;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.VerdictKind;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DeciderTest {

  private static final Duration MS = Duration.ofMillis(1);
  private static final Duration DAY = Duration.ofHours(24);
  private static final Duration FIVE_MIN = Duration.ofMinutes(5);
  private static final ProcessRef RUNNER = localRef(10);
  private static final ProcessRef WORKER = localRef(20);
  private static final ProcessRef WORKER_2 = localRef(21);
  private static final TaskId T1 = TaskId.of("t1");
  private static final TaskId T2 = TaskId.of("t2");

  private static Verdict decide(Evidence.Builder evidence) {
    return Decider.decide(evidence.build(), NOW, TimeState.calm(), POLICY);
  }

  private static Verdict decideInGraceWindow(Evidence.Builder evidence) {
    return Decider.decide(evidence.build(), NOW, TimeState.inGraceWindow(), POLICY);
  }

  /** A RUNNING task whose worker was started on this host and last beat {@code age} ago. */
  private static Runs.TaskBuilder runningSeen(String id, Duration age) {
    return task(id, TaskStatus.RUNNING).seen(ago(age));
  }

  @Nested
  class Step0Terminal {
    @ParameterizedTest
    @EnumSource(
        value = RunStatus.class,
        names = {"COMPLETED", "FAILED", "CANCELLED"})
    void aTerminalRunIsTerminalEvenWithADeadRunnerAndDeadWorkers(RunStatus status) {
      Evidence.Builder e =
          run(status)
              .runner(RUNNER)
              .updatedAt(ago(Duration.ofDays(30)))
              .task(task("t1", TaskStatus.RUNNING).worker(WORKER))
              .evidence()
              .runnerProbe(RUNNER, 1, Liveness.DEAD)
              .workerProbe(attempt("t1", 1), WORKER, Liveness.DEAD);

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.TERMINAL);
      assertThat(v.step()).isZero();
      assertThat(v.repair()).isEqualTo(Repair.NONE);
      assertThat(decideInGraceWindow(e).kind()).isEqualTo(VerdictKind.TERMINAL);
    }
  }

  @Nested
  class Step1IntentionalWait {
    @Test
    void aPendingApprovalShieldsABlockedRunWhoseRunnerIsDead() {
      Evidence.Builder e =
          run(RunStatus.BLOCKED)
              .approval(ApprovalState.PENDING, ago(Duration.ofMinutes(1)))
              .runner(RUNNER)
              .evidence()
              .runnerProbe(RUNNER, 1, Liveness.DEAD);

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.AWAITING_APPROVAL);
      assertThat(v.rule()).isEqualTo(Rule.APPROVAL_PENDING);
      assertThat(v.repair()).isEqualTo(Repair.NONE);
    }

    @Test
    void aPendingApprovalNeverExpiresNotEvenInAGraceWindow() {
      Evidence.Builder e =
          run(RunStatus.BLOCKED)
              .updatedAt(ago(Duration.ofDays(400)))
              .approval(ApprovalState.PENDING, ago(Duration.ofDays(400)))
              .task(runningSeen("t1", Duration.ofDays(400)))
              .evidence();

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.AWAITING_APPROVAL);
      assertThat(decideInGraceWindow(e).kind()).isEqualTo(VerdictKind.AWAITING_APPROVAL);
    }

    @Test
    void anAnsweredApprovalNoLongerShields() {
      Evidence.Builder e =
          run(RunStatus.BLOCKED)
              .approval(ApprovalState.APPROVED, ago(Duration.ofMinutes(1)))
              .runner(RUNNER)
              .evidence()
              .runnerProbe(RUNNER, 1, Liveness.DEAD);

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.PROCESS_DEAD);
    }

    @Test
    void aWaitMarkerAskedExactly24hAgoStillShields() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .runner(RUNNER)
              .task(task("t1", TaskStatus.WAITING).waitingSince(ago(DAY)))
              .evidence()
              .runnerProbe(RUNNER, 1, Liveness.DEAD);

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.WAITING_ANSWER);
      assertThat(v.step()).isEqualTo(1);
    }

    @Test
    void aWaitMarkerAsked24hAnd1msAgoNoLongerShields() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .runner(RUNNER)
              .task(task("t1", TaskStatus.WAITING).waitingSince(ago(DAY.plus(MS))))
              .evidence()
              .runnerProbe(RUNNER, 1, Liveness.DEAD);

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.PROCESS_DEAD);
    }

    @Test
    void aWaitMarkerAskedInTheFutureIsFresh() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(task("t1", TaskStatus.WAITING).waitingSince(NOW.plus(Duration.ofDays(3))))
              .evidence();

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.WAITING_ANSWER);
    }

    @Test
    void aWaitMarkerShieldsUpToAndIncludingItsDeadline() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .updatedAt(ago(Duration.ofDays(2)))
              .task(task("t1", TaskStatus.WAITING).waitingSince(ago(Duration.ofHours(1)), NOW))
              .evidence();

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.WAITING_ANSWER);
    }

    @Test
    void aWaitMarkerOneMillisecondPastItsDeadlineNoLongerShields() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .updatedAt(ago(Duration.ofDays(2)))
              .task(task("t1", TaskStatus.WAITING).waitingSince(ago(Duration.ofHours(1)), ago(MS)))
              .evidence();

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.ABANDONED);
    }

    @Test
    void oneFreshWaitAmongOldOnesShieldsTheRun() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .updatedAt(ago(Duration.ofDays(2)))
              .task(task("t1", TaskStatus.WAITING).waitingSince(ago(Duration.ofDays(2))))
              .task(task("t2", TaskStatus.WAITING).waitingSince(ago(Duration.ofHours(2))))
              .evidence();

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.WAITING_ANSWER);
    }

    @Test
    void aWaitMarkerShieldsEvenWhenEveryTaskHasAResult() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(task("t1", TaskStatus.WAITING).waitingSince(ago(Duration.ofHours(1))).result())
              .evidence();

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.WAITING_ANSWER);
    }
  }

  @Nested
  class Step2ResultEvidence {
    @Test
    void everyTaskTerminalOrHoldingAResultIsResultExistsAndFinalizes() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(task("t1", TaskStatus.COMPLETED))
              .task(task("t2", TaskStatus.RUNNING).result())
              .task(task("t3", TaskStatus.SKIPPED))
              .evidence();

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.RESULT_EXISTS);
      assertThat(v.repair()).isEqualTo(Repair.FINALIZE);
      assertThat(v.derivedStatus()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void resultEvidenceBeatsADeadRunnerAndADeadWorker() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .runner(RUNNER)
              .task(task("t1", TaskStatus.RUNNING).worker(WORKER).result())
              .evidence()
              .runnerProbe(RUNNER, 1, Liveness.DEAD)
              .workerProbe(attempt("t1", 1), WORKER, Liveness.DEAD);

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.RESULT_EXISTS);
      assertThat(decideInGraceWindow(e).kind()).isEqualTo(VerdictKind.RESULT_EXISTS);
    }

    @Test
    void aTaskNeedingAttentionMakesTheDerivedStatusFailed() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(task("t1", TaskStatus.NEEDS_ATTENTION))
              .task(task("t2", TaskStatus.WAITING).result())
              .evidence();

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.RESULT_EXISTS);
      assertThat(v.derivedStatus()).isEqualTo(RunStatus.FAILED);
    }

    @Test
    void aBlockedRunThatWouldCompleteIsResultReadyBlockedAndOnlyProposesDiagnose() {
      Evidence.Builder e =
          run(RunStatus.BLOCKED).task(task("t1", TaskStatus.RUNNING).result()).evidence();

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.RESULT_READY_BLOCKED);
      assertThat(v.repair()).isEqualTo(Repair.PROPOSE_DIAGNOSE);
      assertThat(v.derivedStatus()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void aBlockedRunThatWouldFailIsFinalized() {
      Evidence.Builder e =
          run(RunStatus.BLOCKED)
              .task(task("t1", TaskStatus.FAILED))
              .task(task("t2", TaskStatus.COMPLETED))
              .evidence();

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.RESULT_EXISTS);
      assertThat(v.derivedStatus()).isEqualTo(RunStatus.FAILED);
    }

    @Test
    void aQueuedTaskKeepsTheRunFromBeingFinalized() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(task("t1", TaskStatus.COMPLETED))
              .task(task("t2", TaskStatus.QUEUED))
              .evidence();

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.NO_EVIDENCE);
    }

    @Test
    void aRunWithoutTasksHasNoResultEvidence() {
      assertThat(decide(run(RunStatus.RUNNING).evidence()).kind())
          .isEqualTo(VerdictKind.NO_EVIDENCE);
    }

    @Test
    void aResultOfAnEarlierAttemptDoesNotCount() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(task("t1", TaskStatus.RUNNING).result().notCurrent().seen(ago(FIVE_MIN)))
              .evidence();

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.ACTIVE);
      assertThat(v.task(T1).orElseThrow().taskClass()).isEqualTo(TaskClass.LIVE);
    }
  }

  @Nested
  class Step3Runner {
    @ParameterizedTest
    @EnumSource(
        value = Liveness.class,
        names = {"DEAD", "RECYCLED"})
    void aRunnerProbedDeadOrRecycledIsProcessDead(Liveness probe) {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .runner(RUNNER)
              .task(runningSeen("t1", Duration.ZERO))
              .evidence()
              .runnerProbe(RUNNER, 1, probe);

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.PROCESS_DEAD);
      assertThat(v.rule()).isEqualTo(Rule.RUNNER_DEAD);
      assertThat(v.repair()).isEqualTo(Repair.REPAIR);
      assertThat(v.runner().liveness()).isEqualTo(probe);
    }

    @Test
    void aFreshHeartbeatNeverOverridesADeadRunnerProbe() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .runner(RUNNER)
              .task(task("t1", TaskStatus.RUNNING).seen(NOW).active(NOW))
              .evidence()
              .runnerProbe(RUNNER, 1, Liveness.DEAD)
              .observation(TaskObservation.of(attempt("t1", 1), NOW, NOW));

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.PROCESS_DEAD);
    }

    @Test
    void workersStillAliveWhenTheRunnerDiesAreOrphansAndUnknownOnesAreOnlyReported() {
      ProcessRef unknown = localRef(22);
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .runner(RUNNER)
              .task(task("t1", TaskStatus.RUNNING).worker(WORKER))
              .task(task("t2", TaskStatus.RUNNING).worker(unknown))
              .evidence()
              .runnerProbe(RUNNER, 1, Liveness.DEAD)
              .workerProbe(attempt("t1", 1), WORKER, Liveness.ALIVE)
              .workerProbe(attempt("t2", 1), unknown, Liveness.UNKNOWN);

      Verdict v = decide(e);

      assertThat(v.orphans()).containsExactly(java.util.Map.entry(T1, WORKER));
      assertThat(v.unknownWorkers()).containsExactly(java.util.Map.entry(T2, unknown));
    }

    @Test
    void aRunnerProbeTakenAtAnotherEpochIsIgnored() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .epoch(2)
              .runner(RUNNER)
              .evidence()
              .runnerProbe(RUNNER, 1, Liveness.DEAD);

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.HEALTHY);
      assertThat(v.runner().basis()).isEqualTo(ProcessJudgment.Basis.UNPROBED);
    }

    @Test
    void aProbeOfAnotherRunnerRefIsIgnored() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .runner(RUNNER)
              .evidence()
              .runnerProbe(RUNNER.withStartTicks(1), 1, Liveness.DEAD);

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.HEALTHY);
    }

    @Test
    void aRunnerOnAnotherHostWhoseSessionLeaseExpiredIsRemotelyDead() {
      ProcessRef remote = remoteRef(10);
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .runner(remote, REMOTE_SESSION)
              .evidence()
              .runnerProbe(remote, 1, Liveness.UNKNOWN)
              .lease(leaseRenewed(ago(Duration.ofSeconds(30).plus(MS))));

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.PROCESS_DEAD);
      assertThat(v.runner().liveness()).isEqualTo(Liveness.DEAD);
      assertThat(v.runner().basis()).isEqualTo(ProcessJudgment.Basis.REMOTE_LEASE_EXPIRED);
      assertThat(v.runner().restsOnLeaseAge()).isTrue();
    }

    @Test
    void aRunnerOnAnotherHostWhoseSessionRenewedExactly30sAgoIsUnknown() {
      ProcessRef remote = remoteRef(10);
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .runner(remote, REMOTE_SESSION)
              .evidence()
              .lease(leaseRenewed(ago(Duration.ofSeconds(30))));

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.HEALTHY);
      assertThat(v.runner().liveness()).isEqualTo(Liveness.UNKNOWN);
      assertThat(v.runner().basis()).isEqualTo(ProcessJudgment.Basis.REMOTE_LEASE_LIVE);
    }

    @Test
    void aRunnerWhoseSessionReleasedItsLeaseIsRemotelyDead() {
      ProcessRef remote = remoteRef(10);
      Evidence.Builder e =
          run(RunStatus.RUNNING).runner(remote, REMOTE_SESSION).evidence().lease(releasedLease());

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.PROCESS_DEAD);
      assertThat(v.runner().basis()).isEqualTo(ProcessJudgment.Basis.REMOTE_LEASE_EXPIRED);
      assertThat(v.runner().restsOnLeaseAge()).isFalse();
    }

    @Test
    void aRunnerOnAnotherHostWithoutVouchingSessionStaysUnknown() {
      ProcessRef remote = remoteRef(10);
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .runner(remote)
              .evidence()
              .lease(leaseRenewed(ago(Duration.ofDays(3))));

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.HEALTHY);
      assertThat(v.runner().liveness()).isEqualTo(Liveness.UNKNOWN);
      assertThat(v.runner().basis()).isEqualTo(ProcessJudgment.Basis.REMOTE_NO_VOUCHING_SESSION);
    }

    @Test
    void aRunnerOnAnotherHostWhoseVouchingSessionHasNoKnownLeaseStaysUnknown() {
      ProcessRef remote = remoteRef(10);
      Verdict v = decide(run(RunStatus.RUNNING).runner(remote, REMOTE_SESSION).evidence());

      assertThat(v.kind()).isEqualTo(VerdictKind.HEALTHY);
      assertThat(v.runner().basis()).isEqualTo(ProcessJudgment.Basis.REMOTE_NO_LEASE);
    }

    @Test
    void noLeaseEverOverridesALocalRunnerThatProbesAlive() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .runner(RUNNER, REMOTE_SESSION)
              .evidence()
              .runnerProbe(RUNNER, 1, Liveness.ALIVE)
              .lease(releasedLease());

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.HEALTHY);
      assertThat(v.runner().liveness()).isEqualTo(Liveness.ALIVE);
    }

    @Test
    void anExpiredLeaseNeverMakesALocalUnknownRunnerDead() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .runner(RUNNER, REMOTE_SESSION)
              .evidence()
              .runnerProbe(RUNNER, 1, Liveness.UNKNOWN)
              .lease(leaseRenewed(ago(Duration.ofDays(1))));

      assertThat(decide(e).runner().liveness()).isEqualTo(Liveness.UNKNOWN);
    }
  }

  @Nested
  class Step4NoRunner {
    @ParameterizedTest
    @EnumSource(
        value = Liveness.class,
        names = {"DEAD", "RECYCLED"})
    void aWorkerProbedDeadOrRecycledIsProcessDeadDespiteAFreshHeartbeat(Liveness probe) {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(runningSeen("t1", Duration.ZERO).worker(WORKER))
              .evidence()
              .workerProbe(attempt("t1", 1), WORKER, probe);

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.PROCESS_DEAD);
      assertThat(v.rule()).isEqualTo(Rule.DEAD_TASK);
      assertThat(v.deadTasks()).containsExactly(T1);
      assertThat(v.repair()).isEqualTo(Repair.REPAIR);
    }

    @ParameterizedTest
    @EnumSource(
        value = Liveness.class,
        names = {"ALIVE", "UNKNOWN"})
    void aWorkerProbedAliveOrUnknownIsLiveHoweverOldItsHeartbeat(Liveness probe) {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .updatedAt(ago(Duration.ofDays(10)))
              .task(runningSeen("t1", Duration.ofDays(10)).worker(WORKER))
              .evidence()
              .workerProbe(attempt("t1", 1), WORKER, probe);

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.ACTIVE);
      assertThat(v.task(T1).orElseThrow().taskClass()).isEqualTo(TaskClass.LIVE);
      assertThat(v.repair()).isEqualTo(Repair.NONE);
    }

    @Test
    void aLiveTaskMakesTheRunActiveAndItsDeadTasksGetTaskLevelRepair() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(task("t1", TaskStatus.RUNNING).worker(WORKER))
              .task(task("t2", TaskStatus.RUNNING).worker(WORKER_2))
              .evidence()
              .workerProbe(attempt("t1", 1), WORKER, Liveness.ALIVE)
              .workerProbe(attempt("t2", 1), WORKER_2, Liveness.DEAD);

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.ACTIVE);
      assertThat(v.repair()).isEqualTo(Repair.TASK_REPAIR);
      assertThat(v.tasksToRepair()).containsExactly(T2);
      assertThat(v.orphans()).isEmpty();
    }

    @Test
    void aHeartbeatExactlyFiveMinutesOldIsLive() {
      Verdict v = decide(run(RunStatus.RUNNING).task(runningSeen("t1", FIVE_MIN)).evidence());

      assertThat(v.kind()).isEqualTo(VerdictKind.ACTIVE);
    }

    @Test
    void aHeartbeatFiveMinutesAnd1msOldIsStale() {
      Verdict v =
          decide(run(RunStatus.RUNNING).task(runningSeen("t1", FIVE_MIN.plus(MS))).evidence());

      assertThat(v.kind()).isEqualTo(VerdictKind.STALE_NO_PROCESS);
      assertThat(v.repair()).isEqualTo(Repair.REPAIR);
      assertThat(v.task(T1).orElseThrow().taskClass()).isEqualTo(TaskClass.STALE);
    }

    @Test
    void theFresherOfHeartbeatAndActivityCounts() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(runningSeen("t1", Duration.ofHours(1)).active(ago(Duration.ofMinutes(4))))
              .evidence();

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.ACTIVE);
    }

    @Test
    void anObservationFresherThanTheSnapshotCounts() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(runningSeen("t1", Duration.ofHours(1)))
              .evidence()
              .observation(TaskObservation.of(attempt("t1", 1), ago(Duration.ofMinutes(1)), null));

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.ACTIVE);
    }

    @Test
    void anObservationOfAnEarlierAttemptIsIgnored() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(runningSeen("t1", Duration.ofHours(1)).attempts(2))
              .evidence()
              .observation(TaskObservation.of(attempt("t1", 1), NOW, NOW));

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.STALE_NO_PROCESS);
    }

    @Test
    void aWorkerThatAnnouncedItsEndIsNeverLiveByItsBeats() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(runningSeen("t1", Duration.ZERO))
              .evidence()
              .observation(new TaskObservation(attempt("t1", 1), NOW, NOW, true, true));

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.STALE_NO_PROCESS);
      assertThat(v.task(T1).orElseThrow().lastLifeAt()).isNull();
    }

    @Test
    void anUnreadableSlotJudgesByItsLastGoodInstantLikeAnyOther() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(task("t1", TaskStatus.RUNNING))
              .evidence()
              .observation(
                  new TaskObservation(
                      attempt("t1", 1), ago(Duration.ofMinutes(2)), null, false, false));

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.ACTIVE);
    }

    @Test
    void aHeartbeatInTheFutureIsFresh() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(task("t1", TaskStatus.RUNNING).seen(NOW.plus(Duration.ofDays(2))))
              .evidence();

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.ACTIVE);
      assertThat(v.task(T1).orElseThrow().lifeAge()).isEqualTo(Duration.ZERO);
    }

    @Test
    void aManifestUpdatedInTheFutureIsNotAbandoned() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .updatedAt(NOW.plus(Duration.ofDays(5)))
              .task(task("t1", TaskStatus.RUNNING))
              .evidence();

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.NO_EVIDENCE);
    }

    @Test
    void aTaskWithoutTimestampsOrProcessEvidenceIsSilent() {
      Verdict v = decide(run(RunStatus.RUNNING).task(task("t1", TaskStatus.RUNNING)).evidence());

      assertThat(v.kind()).isEqualTo(VerdictKind.NO_EVIDENCE);
      assertThat(v.task(T1).orElseThrow().taskClass()).isEqualTo(TaskClass.SILENT);
      assertThat(v.repair()).isEqualTo(Repair.NONE);
    }

    @Test
    void aSilentRunUntouchedForExactly24hIsNotYetAbandoned() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .updatedAt(ago(DAY))
              .task(task("t1", TaskStatus.RUNNING))
              .evidence();

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.NO_EVIDENCE);
    }

    @Test
    void aSilentRunUntouchedFor24hAnd1msIsAbandoned() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .updatedAt(ago(DAY.plus(MS)))
              .task(task("t1", TaskStatus.RUNNING))
              .evidence();

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.ABANDONED);
      assertThat(v.repair()).isEqualTo(Repair.REPAIR);
    }

    @Test
    void aRunOfQueuedTasksUntouchedForTwoDaysIsAbandoned() {
      Evidence.Builder e =
          run(RunStatus.QUEUED)
              .updatedAt(ago(Duration.ofDays(2)))
              .task(task("t1", TaskStatus.QUEUED))
              .evidence();

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.ABANDONED);
    }

    @Test
    void aDeadTaskOutranksAStaleOneAndAStaleOneOutranksAbandonment() {
      Evidence.Builder deadAndStale =
          run(RunStatus.RUNNING)
              .updatedAt(ago(Duration.ofDays(3)))
              .task(task("t1", TaskStatus.RUNNING).worker(WORKER))
              .task(runningSeen("t2", Duration.ofHours(1)))
              .evidence()
              .workerProbe(attempt("t1", 1), WORKER, Liveness.DEAD);
      Evidence.Builder staleAndOld =
          run(RunStatus.RUNNING)
              .updatedAt(ago(Duration.ofDays(3)))
              .task(runningSeen("t2", Duration.ofHours(1)))
              .evidence();

      assertThat(decide(deadAndStale).kind()).isEqualTo(VerdictKind.PROCESS_DEAD);
      assertThat(decide(staleAndOld).kind()).isEqualTo(VerdictKind.STALE_NO_PROCESS);
    }

    @Test
    void aWorkerProbeKeyedByAnEarlierAttemptIsIgnored() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(runningSeen("t1", Duration.ofHours(1)).attempts(2).worker(WORKER))
              .evidence()
              .workerProbe(attempt("t1", 1), WORKER, Liveness.ALIVE);

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.STALE_NO_PROCESS);
      assertThat(v.task(T1).orElseThrow().worker().basis())
          .isEqualTo(ProcessJudgment.Basis.UNPROBED);
    }

    @Test
    void aWorkerProbeKeyedByAnotherRefIsIgnored() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(runningSeen("t1", Duration.ofHours(1)).worker(WORKER))
              .evidence()
              .workerProbe(attempt("t1", 1), WORKER.withStartTicks(5), Liveness.DEAD);

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.STALE_NO_PROCESS);
    }

    @Test
    void aWorkerOnAnotherHostIsUnknownAndSoLive() {
      ProcessRef remote = remoteRef(20);
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(runningSeen("t1", Duration.ofHours(5)).worker(remote, REMOTE_SESSION))
              .evidence()
              .lease(leaseRenewed(ago(Duration.ofSeconds(10))));

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.ACTIVE);
      assertThat(v.unknownWorkers()).containsKey(T1);
    }

    @Test
    void aWorkerOnAnotherHostWhoseSessionLeaseExpiredIsRemotelyDead() {
      ProcessRef remote = remoteRef(20);
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(runningSeen("t1", Duration.ZERO).worker(remote, REMOTE_SESSION))
              .evidence()
              .workerProbe(attempt("t1", 1), remote, Liveness.UNKNOWN)
              .lease(leaseRenewed(ago(Duration.ofMinutes(2))));

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.PROCESS_DEAD);
      assertThat(v.task(T1).orElseThrow().worker().basis())
          .isEqualTo(ProcessJudgment.Basis.REMOTE_LEASE_EXPIRED);
    }

    @Test
    void aWorkerOnAnotherHostWithoutVouchingSessionStaysUnknown() {
      ProcessRef remote = remoteRef(20);
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(runningSeen("t1", Duration.ofDays(2)).worker(remote))
              .evidence()
              .lease(releasedLease());

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.ACTIVE);
    }

    @Test
    void aGrowingLogNeverRevivesADeadWorker() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(task("t1", TaskStatus.RUNNING).worker(WORKER))
              .evidence()
              .workerProbe(attempt("t1", 1), WORKER, Liveness.DEAD)
              .taskLogGrowth(T1, NOW);

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.PROCESS_DEAD);
      assertThat(v.task(T1).orElseThrow().lastLifeAt()).isNull();
    }

    @Test
    void aGrowingLogOfAnUnprobedWorkerIsNotActivity() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(runningSeen("t1", Duration.ofHours(1)).worker(WORKER))
              .evidence()
              .taskLogGrowth(T1, NOW);

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.STALE_NO_PROCESS);
    }

    @Test
    void aGrowingLogOfAWorkerProbedUnknownIsActivity() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(runningSeen("t1", Duration.ofHours(1)).worker(WORKER))
              .evidence()
              .workerProbe(attempt("t1", 1), WORKER, Liveness.UNKNOWN)
              .taskLogGrowth(T1, ago(Duration.ofMinutes(1)));

      assertThat(decide(e).task(T1).orElseThrow().lastLifeAt())
          .isEqualTo(ago(Duration.ofMinutes(1)));
    }
  }

  @Nested
  class Step5RunnerAlive {
    private Evidence.Builder quietRunWithLiveRunner(Duration quietFor, Liveness runnerProbe) {
      return run(RunStatus.RUNNING)
          .runner(RUNNER)
          .updatedAt(ago(quietFor))
          .task(runningSeen("t1", quietFor))
          .evidence()
          .runnerProbe(RUNNER, 1, runnerProbe);
    }

    @ParameterizedTest
    @EnumSource(
        value = Liveness.class,
        names = {"ALIVE", "UNKNOWN"})
    void aLiveRunnerWithNothingMovingFor24hAnd1msIsAliveButStale(Liveness probe) {
      Verdict v = decide(quietRunWithLiveRunner(DAY.plus(MS), probe));

      assertThat(v.kind()).isEqualTo(VerdictKind.ALIVE_BUT_STALE);
      assertThat(v.step()).isEqualTo(5);
      assertThat(v.repair()).isEqualTo(Repair.REPAIR);
    }

    @Test
    void aLiveRunnerWithNothingMovingForExactly24hIsHealthy() {
      assertThat(decide(quietRunWithLiveRunner(DAY, Liveness.ALIVE)).kind())
          .isEqualTo(VerdictKind.HEALTHY);
    }

    @Test
    void aRecentCommittedUpdateKeepsALiveRunnerHealthy() {
      Evidence.Builder e =
          quietRunWithLiveRunner(Duration.ofDays(3), Liveness.ALIVE)
              .snapshot(
                  run(RunStatus.RUNNING)
                      .runner(RUNNER)
                      .updatedAt(ago(Duration.ofHours(1)))
                      .task(runningSeen("t1", Duration.ofDays(3)))
                      .snapshot());

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.HEALTHY);
    }

    @Test
    void aRecentTaskHeartbeatKeepsALiveRunnerHealthy() {
      Evidence.Builder e =
          quietRunWithLiveRunner(Duration.ofDays(3), Liveness.ALIVE)
              .observation(TaskObservation.of(attempt("t1", 1), ago(Duration.ofHours(23)), null));

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.HEALTHY);
    }

    @Test
    void aGrowingRunnerLogKeepsALiveRunnerHealthy() {
      Evidence.Builder e =
          quietRunWithLiveRunner(Duration.ofDays(3), Liveness.ALIVE)
              .runnerLogGrowth(ago(Duration.ofMinutes(1)));

      assertThat(decide(e).kind()).isEqualTo(VerdictKind.HEALTHY);
    }

    @Test
    void aGrowingWorkerLogKeepsALiveRunnerHealthyWhileTheWorkerMayLive() {
      Evidence.Builder base =
          run(RunStatus.RUNNING)
              .runner(RUNNER)
              .updatedAt(ago(Duration.ofDays(3)))
              .task(runningSeen("t1", Duration.ofDays(3)).worker(WORKER))
              .evidence()
              .runnerProbe(RUNNER, 1, Liveness.ALIVE)
              .taskLogGrowth(T1, ago(Duration.ofMinutes(1)));

      assertThat(decide(base.workerProbe(attempt("t1", 1), WORKER, Liveness.ALIVE)).kind())
          .isEqualTo(VerdictKind.HEALTHY);
      assertThat(decide(base.workerProbe(attempt("t1", 1), WORKER, Liveness.DEAD)).kind())
          .isEqualTo(VerdictKind.ALIVE_BUT_STALE);
    }

    @Test
    void deadWorkersUnderALiveRunnerAreReportedNotRepaired() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .runner(RUNNER)
              .task(task("t1", TaskStatus.RUNNING).worker(WORKER))
              .evidence()
              .runnerProbe(RUNNER, 1, Liveness.ALIVE)
              .workerProbe(attempt("t1", 1), WORKER, Liveness.DEAD);

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.HEALTHY);
      assertThat(v.deadTasks()).containsExactly(T1);
      assertThat(v.tasksToRepair()).isEmpty();
      assertThat(v.repair()).isEqualTo(Repair.NONE);
    }

    @Test
    void anUnprobedRunnerOnThisHostIsNeitherDeadNorStaleButHealthy() {
      Evidence.Builder e =
          run(RunStatus.RUNNING).runner(RUNNER).updatedAt(ago(Duration.ofDays(3))).evidence();

      Verdict v = decide(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.HEALTHY);
      assertThat(v.step()).isEqualTo(6);
    }
  }

  @Nested
  class GraceWindow {
    @Test
    void aStaleTaskIsDeferred() {
      Evidence.Builder e =
          run(RunStatus.RUNNING).task(runningSeen("t1", Duration.ofHours(8))).evidence();

      Verdict v = decideInGraceWindow(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.DEFERRED);
      assertThat(v.deferredKind()).isEqualTo(VerdictKind.STALE_NO_PROCESS);
      assertThat(v.repair()).isEqualTo(Repair.NONE);
      assertThat(v.task(T1).orElseThrow().deferred()).isTrue();
    }

    @Test
    void abandonmentIsDeferred() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .updatedAt(ago(Duration.ofDays(2)))
              .task(task("t1", TaskStatus.RUNNING))
              .evidence();

      Verdict v = decideInGraceWindow(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.DEFERRED);
      assertThat(v.deferredKind()).isEqualTo(VerdictKind.ABANDONED);
    }

    @Test
    void aLiveRunnerWithNothingMovingIsDeferred() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .runner(RUNNER)
              .updatedAt(ago(Duration.ofDays(2)))
              .evidence()
              .runnerProbe(RUNNER, 1, Liveness.ALIVE);

      Verdict v = decideInGraceWindow(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.DEFERRED);
      assertThat(v.deferredKind()).isEqualTo(VerdictKind.ALIVE_BUT_STALE);
      assertThat(v.step()).isEqualTo(5);
    }

    @Test
    void aRunAWaitMarkerWouldShieldButForItsAgeIsDeferredWhateverLaterStepsSay() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .runner(RUNNER)
              .task(task("t1", TaskStatus.WAITING).waitingSince(ago(Duration.ofDays(3))))
              .task(task("t2", TaskStatus.COMPLETED))
              .evidence()
              .runnerProbe(RUNNER, 1, Liveness.DEAD);

      Verdict v = decideInGraceWindow(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.DEFERRED);
      assertThat(v.deferredKind()).isEqualTo(VerdictKind.WAITING_ANSWER);
      assertThat(v.step()).isEqualTo(1);
      assertThat(decide(e).kind()).isEqualTo(VerdictKind.PROCESS_DEAD);
    }

    @Test
    void aWaitMarkerPastItsDeadlineIsNotShieldingSoNotDeferred() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .runner(RUNNER)
              .task(
                  task("t1", TaskStatus.WAITING)
                      .waitingSince(ago(Duration.ofDays(3)), ago(Duration.ofDays(1))))
              .evidence()
              .runnerProbe(RUNNER, 1, Liveness.DEAD);

      assertThat(decideInGraceWindow(e).kind()).isEqualTo(VerdictKind.PROCESS_DEAD);
    }

    @Test
    void aFreshWaitMarkerStillShields() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(task("t1", TaskStatus.WAITING).waitingSince(ago(Duration.ofHours(1))))
              .evidence();

      assertThat(decideInGraceWindow(e).kind()).isEqualTo(VerdictKind.WAITING_ANSWER);
    }

    @Test
    void aDeadRunnerProbeIsNeverDeferred() {
      Evidence.Builder e =
          run(RunStatus.RUNNING).runner(RUNNER).evidence().runnerProbe(RUNNER, 1, Liveness.DEAD);

      assertThat(decideInGraceWindow(e).kind()).isEqualTo(VerdictKind.PROCESS_DEAD);
    }

    @Test
    void aDeadWorkerProbeIsNeverDeferred() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(task("t1", TaskStatus.RUNNING).worker(WORKER))
              .task(task("t2", TaskStatus.RUNNING))
              .evidence()
              .workerProbe(attempt("t1", 1), WORKER, Liveness.RECYCLED);

      Verdict v = decideInGraceWindow(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.PROCESS_DEAD);
      assertThat(v.repair()).isEqualTo(Repair.REPAIR);
    }

    @Test
    void aLiveTaskIsStillActiveAndDeadWorkersStillGetTaskLevelRepair() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(runningSeen("t1", Duration.ofMinutes(1)))
              .task(task("t2", TaskStatus.RUNNING).worker(WORKER_2))
              .evidence()
              .workerProbe(attempt("t2", 1), WORKER_2, Liveness.DEAD);

      Verdict v = decideInGraceWindow(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.ACTIVE);
      assertThat(v.tasksToRepair()).containsExactly(T2);
    }

    @Test
    void aStaleTaskBesideADeadOneDefersRunRepairButNotTheDeadWorkersTaskRepair() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(task("t1", TaskStatus.RUNNING).worker(WORKER))
              .task(runningSeen("t2", Duration.ofHours(3)))
              .evidence()
              .workerProbe(attempt("t1", 1), WORKER, Liveness.DEAD);

      Verdict v = decideInGraceWindow(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.DEFERRED);
      assertThat(v.deferredKind()).isEqualTo(VerdictKind.PROCESS_DEAD);
      assertThat(v.repair()).isEqualTo(Repair.TASK_REPAIR);
      assertThat(v.tasksToRepair()).containsExactly(T1);
      assertThat(decide(e).kind()).isEqualTo(VerdictKind.PROCESS_DEAD);
    }

    @Test
    void resultEvidenceIsNeverDeferred() {
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .updatedAt(ago(Duration.ofDays(4)))
              .task(task("t1", TaskStatus.RUNNING).result())
              .evidence();

      assertThat(decideInGraceWindow(e).kind()).isEqualTo(VerdictKind.RESULT_EXISTS);
    }

    @Test
    void aRemoteRunnerDeathByLeaseAgeIsDeferred() {
      ProcessRef remote = remoteRef(10);
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .runner(remote, REMOTE_SESSION)
              .evidence()
              .lease(leaseRenewed(ago(Duration.ofMinutes(10))));

      Verdict v = decideInGraceWindow(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.DEFERRED);
      assertThat(v.deferredKind()).isEqualTo(VerdictKind.PROCESS_DEAD);
      assertThat(v.rule()).isEqualTo(Rule.RUNNER_REMOTE_DEATH_DEFERRED);
    }

    @Test
    void aRemoteRunnerWhoseSessionReleasedItsLeaseIsNotDeferred() {
      ProcessRef remote = remoteRef(10);
      Evidence.Builder e =
          run(RunStatus.RUNNING).runner(remote, REMOTE_SESSION).evidence().lease(releasedLease());

      assertThat(decideInGraceWindow(e).kind()).isEqualTo(VerdictKind.PROCESS_DEAD);
    }

    @Test
    void aRemoteWorkerDeathByLeaseAgeIsDeferredAndNotRepairedAtTaskLevel() {
      ProcessRef remote = remoteRef(20);
      Evidence.Builder e =
          run(RunStatus.RUNNING)
              .task(task("t1", TaskStatus.RUNNING).worker(remote, REMOTE_SESSION))
              .evidence()
              .lease(leaseRenewed(ago(Duration.ofMinutes(10))));

      Verdict v = decideInGraceWindow(e);

      assertThat(v.kind()).isEqualTo(VerdictKind.DEFERRED);
      assertThat(v.deferredKind()).isEqualTo(VerdictKind.PROCESS_DEAD);
      assertThat(v.deadTasks()).isEmpty();
      assertThat(v.repair()).isEqualTo(Repair.NONE);
    }
  }

  @Nested
  class LargeForwardJump {
    private final TimeState jumped2hAgo =
        TimeState.calm().withForwardJump(Duration.ofHours(2), ago(Duration.ofHours(2)));

    private Evidence.Builder abandonedRun() {
      return run(RunStatus.RUNNING)
          .updatedAt(ago(Duration.ofDays(2)))
          .task(task("t1", TaskStatus.RUNNING))
          .evidence();
    }

    @Test
    void abandonmentIsOnlyProposedWithin24hAfterAForwardJumpOfMoreThan1h() {
      Verdict v = Decider.decide(abandonedRun().build(), NOW, jumped2hAgo, POLICY);

      assertThat(v.kind()).isEqualTo(VerdictKind.ABANDONED);
      assertThat(v.repair()).isEqualTo(Repair.PROPOSE_REPAIR);
    }

    @Test
    void aRunnerStalenessIsOnlyProposedAfterALargeForwardJump() {
      Evidence e =
          run(RunStatus.RUNNING)
              .runner(RUNNER)
              .updatedAt(ago(Duration.ofDays(2)))
              .evidence()
              .runnerProbe(RUNNER, 1, Liveness.ALIVE)
              .build();

      Verdict v = Decider.decide(e, NOW, jumped2hAgo, POLICY);

      assertThat(v.kind()).isEqualTo(VerdictKind.ALIVE_BUT_STALE);
      assertThat(v.repair()).isEqualTo(Repair.PROPOSE_REPAIR);
    }

    @Test
    void aForwardJumpOfExactly1hDoesNotHoldBack24hRepairs() {
      TimeState jump = TimeState.calm().withForwardJump(Duration.ofHours(1), NOW);

      assertThat(Decider.decide(abandonedRun().build(), NOW, jump, POLICY).repair())
          .isEqualTo(Repair.REPAIR);
    }

    @Test
    void aLargeForwardJumpHoldsBack24hRepairsForExactly24h() {
      TimeState exactly = TimeState.calm().withForwardJump(Duration.ofHours(5), ago(DAY));
      TimeState past = TimeState.calm().withForwardJump(Duration.ofHours(5), ago(DAY.plus(MS)));

      assertThat(Decider.decide(abandonedRun().build(), NOW, exactly, POLICY).repair())
          .isEqualTo(Repair.PROPOSE_REPAIR);
      assertThat(Decider.decide(abandonedRun().build(), NOW, past, POLICY).repair())
          .isEqualTo(Repair.REPAIR);
    }

    @Test
    void aStaleTaskIsNotA24hRuleAndIsRepairedAfterAJump() {
      Evidence e =
          run(RunStatus.RUNNING).task(runningSeen("t1", Duration.ofHours(1))).evidence().build();

      Verdict v = Decider.decide(e, NOW, jumped2hAgo, POLICY);

      assertThat(v.kind()).isEqualTo(VerdictKind.STALE_NO_PROCESS);
      assertThat(v.repair()).isEqualTo(Repair.REPAIR);
    }
  }

  @Test
  void theLocalHostNameIsComparedWithoutRegardToCase() {
    ProcessRef upper = ProcessRef.linux(20, HOST.toUpperCase(java.util.Locale.ROOT), "b", 1);
    Evidence.Builder e =
        run(RunStatus.RUNNING)
            .task(task("t1", TaskStatus.RUNNING).worker(upper, REMOTE_SESSION))
            .evidence()
            .lease(releasedLease());

    Verdict v = decide(e);

    assertThat(v.task(T1).orElseThrow().worker().basis()).isEqualTo(ProcessJudgment.Basis.UNPROBED);
  }

  @Test
  void theVerdictSaysWhichRuleFiredAndWhy() {
    Evidence.Builder e =
        run(RunStatus.RUNNING)
            .task(task("t1", TaskStatus.RUNNING).worker(WORKER))
            .evidence()
            .workerProbe(attempt("t1", 1), WORKER, Liveness.DEAD);

    Verdict v = decide(e);

    assertThat(v.rule().step()).isEqualTo(4);
    assertThat(v.rule().text()).isNotBlank();
    assertThat(v.rule()).isEqualTo(Rule.DEAD_TASK);
    assertThat(v.firedBy()).containsExactly(T1);
    assertThat(v.why()).contains("step 4").contains("t1 DEAD").contains("20@host-a DEAD (PROBE)");
    assertThat(v.task(T1).orElseThrow().reason()).isEqualTo(ClassReason.WORKER_DEAD);
  }

  @Test
  void theWhyOfAVerdictNamesTheEvidenceItRestsOn() {
    Verdict stale =
        decideInGraceWindow(
            run(RunStatus.RUNNING).task(runningSeen("t1", Duration.ofHours(8))).evidence());
    Verdict quiet =
        decide(
            run(RunStatus.RUNNING)
                .runner(RUNNER)
                .updatedAt(ago(Duration.ofDays(2)))
                .evidence()
                .runnerProbe(RUNNER, 1, Liveness.UNKNOWN));
    Verdict result =
        decide(run(RunStatus.RUNNING).task(task("t1", TaskStatus.WAITING).result()).evidence());
    Verdict ended =
        decide(
            run(RunStatus.RUNNING)
                .task(runningSeen("t1", Duration.ZERO))
                .evidence()
                .observation(new TaskObservation(attempt("t1", 1), NOW, NOW, true, true)));

    assertThat(stale.why())
        .contains("step 4", "deferring STALE_NO_PROCESS", "t1 STALE (deferred)", "PT8H ago");
    assertThat(quiet.why())
        .contains("step 5", "runner 10@host-a UNKNOWN (PROBE)", "PT48H ago")
        .contains("no heartbeat or activity");
    assertThat(result.why()).contains("step 2", "derived status COMPLETED");
    assertThat(result.tasks().get(0).describe()).contains("WAITING with a result of attempt");
    assertThat(ended.why()).contains("the worker announced its end", "worker not recorded");
  }

  @Test
  void anEvidenceInstantEqualToNowHasAgeZero() {
    Instant at = NOW;
    assertThat(Ages.age(at, NOW)).isZero();
    assertThat(Ages.age(NOW.plusSeconds(5), NOW)).isZero();
    assertThat(Ages.age(NOW.minusSeconds(5), NOW)).isEqualTo(Duration.ofSeconds(5));
  }
}
