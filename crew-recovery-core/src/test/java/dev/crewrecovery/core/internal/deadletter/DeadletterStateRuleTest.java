package dev.crewrecovery.core.internal.deadletter;

import static dev.crewrecovery.core.internal.deadletter.Snapshots.RUN;
import static dev.crewrecovery.core.internal.deadletter.Snapshots.T0;
import static dev.crewrecovery.core.internal.deadletter.Snapshots.TASK;
import static dev.crewrecovery.core.internal.deadletter.Snapshots.attempt;
import static dev.crewrecovery.core.internal.deadletter.Snapshots.run;
import static dev.crewrecovery.core.internal.deadletter.Snapshots.task;
import static dev.crewrecovery.core.internal.deadletter.Snapshots.withResumeAt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterId;
import dev.crewrecovery.api.DeadletterMark;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.core.DeadletterState;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** DESIGN section 10: each entry's state, first match wins. */
class DeadletterStateRuleTest {

  private static final DeadletterEntry TASK_ENTRY =
      DeadletterEntry.forAttempt(attempt(2), DeadletterReason.MAX_RETRIES, "boom", T0, 1);
  private static final DeadletterEntry RUN_ENTRY =
      DeadletterEntry.forRun(RUN, 3, DeadletterReason.CRASH_LOOP, "loop", T0);
  private static final DeadletterEntry DELIVERY_ENTRY =
      DeadletterEntry.forDelivery(RUN, DeliveryId.of("r-1"), "refused", T0, 1);

  private static DeadletterMark mark(DeadletterEntry e, DeadletterMark.Kind kind) {
    return new DeadletterMark(e.id(), kind, T0.plusSeconds(1), "note");
  }

  private static DeadletterState state(DeadletterEntry e, RunSnapshot run, DeadletterMark... m) {
    return DeadletterStateRule.stateOf(e, List.of(m), run);
  }

  @Test
  void aDiscardMarkWinsOverARedriveMarkWhichWinsOverSuperseded() {
    RunSnapshot superseding = run(RunStatus.RUNNING, 1, task(TaskStatus.COMPLETED, 2, true));
    assertThat(state(TASK_ENTRY, superseding)).isEqualTo(DeadletterState.SUPERSEDED);
    assertThat(state(TASK_ENTRY, superseding, mark(TASK_ENTRY, DeadletterMark.Kind.REDRIVE)))
        .isEqualTo(DeadletterState.REDRIVEN);
    assertThat(
            state(
                TASK_ENTRY,
                superseding,
                mark(TASK_ENTRY, DeadletterMark.Kind.REDRIVE),
                mark(TASK_ENTRY, DeadletterMark.Kind.DISCARD)))
        .isEqualTo(DeadletterState.DISCARDED);
    RunSnapshot open = run(RunStatus.FAILED, 1, task(TaskStatus.FAILED, 2, true));
    assertThat(state(TASK_ENTRY, open)).isEqualTo(DeadletterState.OPEN);
    assertThat(state(TASK_ENTRY, open, mark(TASK_ENTRY, DeadletterMark.Kind.DISCARD)))
        .isEqualTo(DeadletterState.DISCARDED);
    assertThat(DeadletterStateRule.stateOf(TASK_ENTRY, List.of(), null))
        .isEqualTo(DeadletterState.OPEN);
  }

  @Test
  void aDeadHeartbeatEntryOfATaskThatCompletedAfterwardsIsSuperseded() {
    DeadletterEntry dead =
        DeadletterEntry.forAttempt(attempt(1), DeadletterReason.HEARTBEAT_DEAD, null, T0, 1);
    assertThat(state(dead, run(RunStatus.RUNNING, 1, task(TaskStatus.RUNNING, 1, true))))
        .isEqualTo(DeadletterState.OPEN);
    assertThat(state(dead, run(RunStatus.COMPLETED, 1, task(TaskStatus.COMPLETED, 1, true))))
        .isEqualTo(DeadletterState.SUPERSEDED);
  }

  @Test
  void aTaskEntryIsSupersededByANewerAttemptWhateverTheTaskStatus() {
    for (TaskStatus s : TaskStatus.values()) {
      assertThat(state(TASK_ENTRY, run(RunStatus.RUNNING, 1, task(s, 3, true))))
          .as("%s with attempt 3", s)
          .isEqualTo(DeadletterState.SUPERSEDED);
    }
  }

  static Stream<Arguments> sameAttempt() {
    return Stream.of(TaskStatus.values())
        .flatMap(s -> Stream.of(Arguments.of(s, true), Arguments.of(s, false)));
  }

  /**
   * The entry's attempt is the task's last one: superseded exactly when the task COMPLETED or was
   * requeued (not terminal, the attempt no longer current).
   */
  @ParameterizedTest
  @MethodSource("sameAttempt")
  void withTheEntrysAttemptLastTheTaskMovedPastItOnlyByCompletingOrRequeueing(
      TaskStatus status, boolean current) {
    boolean expected = status == TaskStatus.COMPLETED || (!status.isTerminal() && !current);
    assertThat(state(TASK_ENTRY, run(RunStatus.RUNNING, 1, task(status, 2, current))))
        .isEqualTo(expected ? DeadletterState.SUPERSEDED : DeadletterState.OPEN);
  }

  @Test
  void anEntryTheSnapshotCannotPlaceStaysOpen() {
    // Fewer attempts than the entry names, or no such task: no judgment.
    assertThat(state(TASK_ENTRY, run(RunStatus.RUNNING, 1, task(TaskStatus.QUEUED, 1, false))))
        .isEqualTo(DeadletterState.OPEN);
    DeadletterEntry otherTask =
        DeadletterEntry.forAttempt(
            dev.crewrecovery.api.AttemptId.of(RUN, TaskId.of("gone"), 1),
            DeadletterReason.NON_RETRYABLE,
            null,
            T0,
            1);
    assertThat(state(otherTask, run(RunStatus.RUNNING, 5, task(TaskStatus.QUEUED, 4, false))))
        .isEqualTo(DeadletterState.OPEN);
  }

  @Test
  void aDeliveryFailedEntryIsNeverSuperseded() {
    RunSnapshot movedOn =
        withResumeAt(
            run(RunStatus.RUNNING, 9, task(TaskStatus.COMPLETED, 3, true)), T0.plusSeconds(5));
    assertThat(state(DELIVERY_ENTRY, movedOn)).isEqualTo(DeadletterState.OPEN);
    assertThat(state(DELIVERY_ENTRY, movedOn, mark(DELIVERY_ENTRY, DeadletterMark.Kind.REDRIVE)))
        .isEqualTo(DeadletterState.REDRIVEN);
  }

  @Test
  void aRunLevelEntryIsSupersededWhenTheEpochMovedPastIt() {
    assertThat(state(RUN_ENTRY, run(RunStatus.FAILED, 3))).isEqualTo(DeadletterState.OPEN);
    assertThat(state(RUN_ENTRY, run(RunStatus.RUNNING, 4))).isEqualTo(DeadletterState.SUPERSEDED);
    // Finished again after the retry: still moved past.
    assertThat(state(RUN_ENTRY, run(RunStatus.FAILED, 4))).isEqualTo(DeadletterState.SUPERSEDED);
  }

  @Test
  void aRunLevelEntryIsSupersededByAResumeDatedAfterIt() {
    RunSnapshot before = withResumeAt(run(RunStatus.FAILED, 3), T0.minus(Duration.ofMinutes(1)));
    assertThat(state(RUN_ENTRY, before)).isEqualTo(DeadletterState.OPEN);
    RunSnapshot sameInstant = withResumeAt(run(RunStatus.FAILED, 3), T0);
    assertThat(state(RUN_ENTRY, sameInstant)).isEqualTo(DeadletterState.OPEN);
    RunSnapshot after = withResumeAt(run(RunStatus.RUNNING, 3), T0.plusNanos(1));
    assertThat(state(RUN_ENTRY, after)).isEqualTo(DeadletterState.SUPERSEDED);
  }

  @Test
  void aRunLevelEntryOfUnknownEpochIsJudgedByTheResumeHistoryAlone() {
    DeadletterEntry unknownEpoch =
        new DeadletterEntry(
            DeadletterId.of("manual-1"),
            RUN,
            null,
            null,
            null,
            DeadletterReason.MANUAL,
            0,
            "m",
            T0,
            0);
    assertThat(state(unknownEpoch, run(RunStatus.RUNNING, 7))).isEqualTo(DeadletterState.OPEN);
    assertThat(state(unknownEpoch, withResumeAt(run(RunStatus.RUNNING, 7), T0.plusSeconds(1))))
        .isEqualTo(DeadletterState.SUPERSEDED);
  }

  @Test
  void aManualEntryNamingATaskButNoAttemptFollowsTheRunLevelRule() {
    DeadletterEntry taskOnly =
        new DeadletterEntry(
            DeadletterId.of("manual-2"),
            RUN,
            TASK,
            null,
            null,
            DeadletterReason.MANUAL,
            0,
            "m",
            T0,
            2);
    assertThat(state(taskOnly, run(RunStatus.RUNNING, 2, task(TaskStatus.COMPLETED, 1, true))))
        .isEqualTo(DeadletterState.OPEN);
    assertThat(state(taskOnly, run(RunStatus.RUNNING, 3, task(TaskStatus.QUEUED, 0, false))))
        .isEqualTo(DeadletterState.SUPERSEDED);
  }

  @Test
  void onlyOpenIsNotClosed() {
    for (DeadletterState s : DeadletterState.values()) {
      assertThat(s.isClosed()).isEqualTo(s != DeadletterState.OPEN);
    }
  }
}
