package dev.crewrecovery.core.internal.decide;

import static dev.crewrecovery.core.internal.decide.Runs.NOW;
import static dev.crewrecovery.core.internal.decide.Runs.POLICY;
import static dev.crewrecovery.core.internal.decide.Runs.REMOTE_SESSION;
import static dev.crewrecovery.core.internal.decide.Runs.attempt;
import static dev.crewrecovery.core.internal.decide.Runs.leaseRenewed;
import static dev.crewrecovery.core.internal.decide.Runs.localRef;
import static dev.crewrecovery.core.internal.decide.Runs.run;
import static dev.crewrecovery.core.internal.decide.Runs.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.InvalidConfigurationException;
import dev.crewrecovery.api.Lease;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.VerdictKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DecisionInputsTest {

  private static final RunSnapshot ONE_TASK =
      run(RunStatus.RUNNING).task(task("t1", TaskStatus.RUNNING)).snapshot();

  @Nested
  class EvidenceValidation {
    @Test
    void anObservationFiledUnderAnotherTaskIsRejected() {
      assertThatThrownBy(
              () ->
                  new Evidence(
                      ONE_TASK,
                      Map.of(TaskId.of("t1"), TaskObservation.of(attempt("t2", 1), NOW, NOW)),
                      Map.of(),
                      Map.of(),
                      Map.of(),
                      Map.of(),
                      null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("filed under task t1");
    }

    @Test
    void anObservationOfATaskTheRunLacksIsRejected() {
      Evidence.Builder b =
          Evidence.builder(ONE_TASK).observation(TaskObservation.of(attempt("t9", 1), NOW, NOW));

      assertThatThrownBy(b::build)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("has no task t9");
    }

    @Test
    void anObservationOfAnotherRunIsRejected() {
      AttemptId elsewhere = AttemptId.of(RunId.of("run-2"), TaskId.of("t1"), 1);
      Evidence.Builder b =
          Evidence.builder(ONE_TASK).observation(TaskObservation.of(elsewhere, NOW, NOW));

      assertThatThrownBy(b::build)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("run-2:t1:1");
    }

    @Test
    void aLeaseFiledUnderAnotherSessionIsRejected() {
      Lease lease = leaseRenewed(NOW);

      assertThatThrownBy(
              () ->
                  new Evidence(
                      ONE_TASK,
                      Map.of(),
                      Map.of(),
                      Map.of(),
                      Map.of(SessionId.of("someone-else"), lease),
                      Map.of(),
                      null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(REMOTE_SESSION.value());
    }

    @Test
    void aLogInstantOfATaskTheRunLacksIsRejected() {
      Evidence.Builder b = Evidence.builder(ONE_TASK).taskLogGrowth(TaskId.of("t9"), NOW);

      assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void probeResultsOfOtherRunsAreAcceptedAndLookedUpOnlyByTheirExactKey() {
      AttemptId elsewhere = AttemptId.of(RunId.of("run-2"), TaskId.of("t1"), 1);
      Evidence e =
          Evidence.builder(ONE_TASK)
              .workerProbe(elsewhere, localRef(5), Liveness.DEAD)
              .workerProbe(attempt("t1", 1), localRef(5), Liveness.ALIVE)
              .build();

      assertThat(e.workerProbe(attempt("t1", 1), localRef(5))).isEqualTo(Liveness.ALIVE);
      assertThat(e.workerProbe(attempt("t1", 1), localRef(6))).isNull();
      assertThat(e.workerProbe(attempt("t1", 2), localRef(5))).isNull();
    }

    @Test
    void evidenceIsACopyThatLaterChangesToTheBuilderDoNotReach() {
      Evidence.Builder b = Evidence.builder(ONE_TASK);
      Evidence before = b.build();
      b.lease(leaseRenewed(NOW));

      assertThat(before.leases()).isEmpty();
      assertThat(before.toBuilder().build()).isEqualTo(before);
    }
  }

  @Nested
  class PolicyAndTime {
    @Test
    void theDefaultsAreThoseOfTheDesign() {
      assertThat(POLICY.activityWindow()).isEqualTo(Duration.ofMinutes(5));
      assertThat(POLICY.waitMarkerMaxAge()).isEqualTo(Duration.ofHours(24));
      assertThat(POLICY.abandonment()).isEqualTo(Duration.ofHours(24));
      assertThat(POLICY.runnerStaleness()).isEqualTo(Duration.ofHours(24));
      assertThat(POLICY.leaseDuration()).isEqualTo(Duration.ofSeconds(30));
      assertThat(POLICY.largeForwardJump()).isEqualTo(Duration.ofHours(1));
      assertThat(POLICY.proposeAfterLargeJump()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void aZeroThresholdIsRejectedNamingItsField() {
      assertThatThrownBy(
              () ->
                  new DecisionPolicy(
                      Duration.ofMinutes(5),
                      Duration.ofHours(24),
                      Duration.ofHours(24),
                      Duration.ofHours(24),
                      Duration.ZERO,
                      Duration.ofHours(1),
                      Duration.ofHours(24),
                      "h"))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageContaining("leaseDuration")
          .hasMessageContaining("positive");
    }

    @Test
    void aBlankHostNameIsRejected() {
      assertThatThrownBy(() -> DecisionPolicy.defaults(" "))
          .isInstanceOf(InvalidConfigurationException.class)
          .hasMessageContaining("localHost");
    }

    @Test
    void aThresholdFromConfigurationIsHonoured() {
      DecisionPolicy tenMinutes =
          new DecisionPolicy(
              Duration.ofMinutes(10),
              Duration.ofHours(24),
              Duration.ofHours(24),
              Duration.ofHours(24),
              Duration.ofSeconds(30),
              Duration.ofHours(1),
              Duration.ofHours(24),
              Runs.HOST);
      Evidence e =
          run(RunStatus.RUNNING)
              .task(task("t1", TaskStatus.RUNNING).seen(NOW.minus(Duration.ofMinutes(8))))
              .evidence()
              .build();

      assertThat(Decider.decide(e, NOW, TimeState.calm(), tenMinutes).kind())
          .isEqualTo(VerdictKind.ACTIVE);
      assertThat(Decider.decide(e, NOW, TimeState.calm(), POLICY).kind())
          .isEqualTo(VerdictKind.STALE_NO_PROCESS);
    }

    @Test
    void aForwardJumpNeedsBothItsSizeAndItsInstant() {
      assertThatThrownBy(() -> new TimeState(false, Duration.ofHours(2), null))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> TimeState.calm().withForwardJump(Duration.ZERO, NOW))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aForwardJumpSeenInTheFutureCountsAsJustNow() {
      TimeState t = TimeState.calm().withForwardJump(Duration.ofHours(3), NOW.plusSeconds(60));

      assertThat(t.onlyProposes24hRepairs(NOW, POLICY)).isTrue();
      assertThat(TimeState.calm().onlyProposes24hRepairs(NOW, POLICY)).isFalse();
    }
  }

  @Nested
  class DerivedRunStatus {
    @Test
    void anyFailedOrNeedsAttentionTaskFailsTheRun() {
      assertThat(
              Decider.derivedRunStatusOf(
                  List.of(TaskStatus.COMPLETED, TaskStatus.NEEDS_ATTENTION, TaskStatus.CANCELLED)))
          .isEqualTo(RunStatus.FAILED);
      assertThat(Decider.derivedRunStatusOf(List.of(TaskStatus.CANCELLED, TaskStatus.FAILED)))
          .isEqualTo(RunStatus.FAILED);
    }

    @Test
    void onlyCancelledOrSkippedTasksCancelTheRun() {
      assertThat(Decider.derivedRunStatusOf(List.of(TaskStatus.CANCELLED, TaskStatus.SKIPPED)))
          .isEqualTo(RunStatus.CANCELLED);
    }

    @Test
    void anyCompletedTaskAmongCancelledOnesCompletesTheRun() {
      assertThat(Decider.derivedRunStatusOf(List.of(TaskStatus.SKIPPED, TaskStatus.COMPLETED)))
          .isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void aRunWithoutTasksDerivesCompleted() {
      assertThat(Decider.derivedRunStatusOf(List.of())).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void aRunningTaskWithAResultOfItsCurrentAttemptCountsAsCompleted() {
      List<TaskState> tasks =
          List.of(
              task("t1", TaskStatus.RUNNING).result().build(),
              task("t2", TaskStatus.CANCELLED).build());

      assertThat(Decider.derivedRunStatus(tasks)).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void aTaskThatIsNeitherTerminalNorHoldingAResultIsAProgrammingError() {
      assertThatThrownBy(
              () -> Decider.derivedRunStatus(List.of(task("t1", TaskStatus.RUNNING).build())))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("t1 is RUNNING");
      assertThatThrownBy(() -> Decider.derivedRunStatusOf(List.of(TaskStatus.QUEUED)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class VerdictInvariants {
    @Test
    void aDeferredVerdictMustNameWhatItDefers() {
      assertThatThrownBy(
              () ->
                  new Verdict(
                      VerdictKind.DEFERRED,
                      Rule.TASK_AGE_DEFERRED,
                      null,
                      Repair.NONE,
                      null,
                      List.of(),
                      Duration.ZERO,
                      null,
                      List.of(),
                      null,
                      List.of(),
                      Map.of(),
                      Map.of()))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theKindIsAlwaysTheRules() {
      assertThatThrownBy(
              () ->
                  new Verdict(
                      VerdictKind.HEALTHY,
                      Rule.RUNNER_DEAD,
                      null,
                      Repair.NONE,
                      null,
                      List.of(),
                      Duration.ZERO,
                      null,
                      List.of(),
                      null,
                      List.of(),
                      Map.of(),
                      Map.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("RUNNER_DEAD");
    }

    @Test
    void everyRuleBelongsToAStepFrom0To6() {
      for (Rule r : Rule.values()) {
        assertThat(r.step()).isBetween(0, 6);
        assertThat(r.text()).isNotBlank();
      }
    }
  }
}
