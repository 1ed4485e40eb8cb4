package dev.crewrecovery.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.crewrecovery.api.ApprovalMarker;
import dev.crewrecovery.api.ApprovalState;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotsTest {

  @Test
  void aPlainRunIsQueuedOwnerlessAtVersionOneWithQueuedTasks() {
    RunSnapshot s = Snapshots.run("r1").tasks("t1", "t2").build();

    assertThat(s.version()).isEqualTo(1);
    assertThat(s.runId()).isEqualTo(RunId.of("r1"));
    assertThat(s.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(s.manifest().owner()).isNull();
    assertThat(s.manifest().epoch()).isEqualTo(1);
    assertThat(s.manifest().createdAt()).isEqualTo(FakeClock.DEFAULT_START);
    assertThat(s.tasks())
        .containsExactly(TaskState.queued(TaskId.of("t1")), TaskState.queued(TaskId.of("t2")));
  }

  @Test
  void builderOptionsReachTheManifest() {
    Instant at = Instant.parse("2030-05-05T10:00:00Z");

    RunSnapshot s =
        Snapshots.run("r1")
            .status(RunStatus.RUNNING)
            .owner("s1", 2)
            .epoch(3)
            .version(4)
            .at(at)
            .attribute("k", "v")
            .summary("sum")
            .build();

    assertThat(s.version()).isEqualTo(4);
    assertThat(s.manifest().owner()).isEqualTo(new Owner(SessionId.of("s1"), 2));
    assertThat(s.manifest().epoch()).isEqualTo(3);
    assertThat(s.manifest().createdAt()).isEqualTo(at);
    assertThat(s.manifest().updatedAt()).isEqualTo(at);
    assertThat(s.manifest().attributes()).isEqualTo(Map.of("k", "v"));
    assertThat(s.manifest().summary()).isEqualTo("sum");
  }

  @Test
  void everyTaskStatusGetsTheAttemptsItImplies() {
    for (TaskStatus status : TaskStatus.values()) {
      TaskState t = Snapshots.run("r1").task("t1", status).build().tasks().get(0);

      assertThat(t.status()).as("%s", status).isEqualTo(status);
      boolean noAttempt = status == TaskStatus.QUEUED || status == TaskStatus.SKIPPED;
      assertThat(t.attempts()).as("%s", status).hasSize(noAttempt ? 0 : 1);
      assertThat(t.attemptCurrent()).as("%s", status).isEqualTo(!noAttempt);
      assertThat(t.waitMarker() != null).as("%s", status).isEqualTo(status == TaskStatus.WAITING);
      assertThat(t.hasCurrentResult()).as("%s", status).isEqualTo(status == TaskStatus.COMPLETED);
      assertThat(t.lastAttempt().map(a -> a.failure() != null).orElse(false))
          .as("%s", status)
          .isEqualTo(status == TaskStatus.FAILED);
    }
  }

  @Test
  void startAttemptAddsTheNextCurrentAttemptAndKeepsTheVersion() {
    RunSnapshot s = Snapshots.run("r1").version(3).runningTask("t1").build();
    Instant at = FakeClock.DEFAULT_START.plusSeconds(9);

    RunSnapshot next = Snapshots.startAttempt(Snapshots.requeue(s, "t1"), "t1", at);

    TaskState t = next.tasks().get(0);
    assertThat(next.version()).isEqualTo(3);
    assertThat(t.status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(t.currentAttempt().orElseThrow().id())
        .isEqualTo(AttemptId.of(RunId.of("r1"), TaskId.of("t1"), 2));
    assertThat(t.currentAttempt().orElseThrow().startedAt()).isEqualTo(at);
    assertThat(t.lastSeenAt()).isEqualTo(at);
  }

  @Test
  void requeueEndsTheCurrencyOfTheLastAttempt() {
    RunSnapshot s = Snapshots.requeue(Snapshots.run("r1").runningTask("t1").build(), "t1");

    TaskState t = s.tasks().get(0);
    assertThat(t.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(t.attempts()).hasSize(1);
    assertThat(t.currentAttempt()).isEmpty();
  }

  @Test
  void withTaskStatusSetsAWaitMarkerOnlyForWaiting() {
    RunSnapshot s = Snapshots.run("r1").runningTask("t1").build();

    RunSnapshot waiting = Snapshots.withTaskStatus(s, "t1", TaskStatus.WAITING);
    RunSnapshot back = Snapshots.withTaskStatus(waiting, "t1", TaskStatus.RUNNING);

    assertThat(waiting.tasks().get(0).waitMarker()).isNotNull();
    assertThat(back.tasks().get(0).waitMarker()).isNull();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Snapshots.withTaskStatus(s, "t9", TaskStatus.FAILED));
  }

  @Test
  void appendTasksAndAttributesKeepTheRest() {
    RunSnapshot s = Snapshots.run("r1").attribute("a", "1").tasks("t1").build();

    RunSnapshot next = Snapshots.withAttribute(Snapshots.appendTasks(s, "t2"), "b", "2");

    assertThat(next.tasks())
        .extracting(TaskState::id)
        .containsExactly(TaskId.of("t1"), TaskId.of("t2"));
    assertThat(next.manifest().attributes()).isEqualTo(Map.of("a", "1", "b", "2"));
  }

  @Test
  void leavingBlockedDropsTheApprovalMarker() {
    RunSnapshot blocked =
        Snapshots.run("r1")
            .status(RunStatus.BLOCKED)
            .build()
            .withManifest(
                Snapshots.run("r1").status(RunStatus.BLOCKED).build().manifest().toBuilder()
                    .approval(new ApprovalMarker(FakeClock.DEFAULT_START, ApprovalState.PENDING))
                    .build());

    RunSnapshot running = Snapshots.withRunStatus(blocked, RunStatus.RUNNING);

    assertThat(running.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(running.manifest().approval()).isNull();
    assertThat(Snapshots.withRunStatus(blocked, RunStatus.BLOCKED).manifest().approval())
        .isNotNull();
  }
}
