package dev.crewrecovery.api;

import static dev.crewrecovery.api.Fixtures.OTHER_RUN;
import static dev.crewrecovery.api.Fixtures.OWNER;
import static dev.crewrecovery.api.Fixtures.RUN;
import static dev.crewrecovery.api.Fixtures.T0;
import static dev.crewrecovery.api.Fixtures.TASK_A;
import static dev.crewrecovery.api.Fixtures.TASK_B;
import static dev.crewrecovery.api.Fixtures.WORKER;
import static dev.crewrecovery.api.Fixtures.at;
import static dev.crewrecovery.api.Fixtures.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RunSnapshotTest {

  private static final Manifest MANIFEST = Manifest.created(RUN, OWNER, T0);
  private static final TaskId TASK_C = TaskId.of("task-c");

  private static RunSnapshot threeTasks() {
    return new RunSnapshot(
        5,
        MANIFEST,
        List.of(running(TASK_A, 1), TaskState.queued(TASK_B), TaskState.queued(TASK_C)));
  }

  @Test
  void initialIsVersionOne() {
    RunSnapshot s = RunSnapshot.initial(MANIFEST, List.of(TaskState.queued(TASK_A)));
    assertThat(s.version()).isEqualTo(1);
    assertThat(s.runId()).isEqualTo(RUN);
    assertThat(s.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(s.tasks()).containsExactly(TaskState.queued(TASK_A));
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, Long.MIN_VALUE})
  void versionBelowOneIsRejected(long version) {
    assertThatThrownBy(() -> new RunSnapshot(version, MANIFEST, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version")
        .hasMessageContaining(String.valueOf(version));
    assertThatThrownBy(() -> threeTasks().withVersion(version))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void duplicateTaskIdsAreRejected() {
    assertThatThrownBy(
            () ->
                new RunSnapshot(
                    1,
                    MANIFEST,
                    List.of(
                        TaskState.queued(TASK_A), TaskState.queued(TASK_B), running(TASK_A, 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(TASK_A.value())
        .hasMessageContaining("twice");
  }

  @Test
  void attemptsOfAnotherRunAreRejected() {
    TaskState foreign =
        TaskState.queued(TASK_A).toBuilder()
            .status(TaskStatus.RUNNING)
            .addAttempt(Attempt.started(AttemptId.of(OTHER_RUN, TASK_A, 1), T0, WORKER))
            .build();
    assertThatThrownBy(() -> new RunSnapshot(1, MANIFEST, List.of(foreign)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(OTHER_RUN.value())
        .hasMessageContaining(RUN.value());
  }

  @Test
  void tasksAreCopiedOnTheWayInAndUnmodifiable() {
    List<TaskState> tasks = new ArrayList<>(List.of(TaskState.queued(TASK_A)));
    RunSnapshot s = RunSnapshot.initial(MANIFEST, tasks);
    tasks.add(TaskState.queued(TASK_B));
    tasks.set(0, running(TASK_A, 1));
    assertThat(s.tasks()).containsExactly(TaskState.queued(TASK_A));
    assertThatThrownBy(() -> s.tasks().add(TaskState.queued(TASK_C)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> s.tasks().set(0, TaskState.queued(TASK_C)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void taskLooksUpById() {
    RunSnapshot s = threeTasks();
    assertThat(s.task(TASK_B)).contains(TaskState.queued(TASK_B));
    assertThat(s.task(TaskId.of("nope"))).isEmpty();
  }

  @Test
  void withTaskReplacesByIdKeepingOrderAndVersion() {
    RunSnapshot s = threeTasks();
    TaskState b = running(TASK_B, 2);
    RunSnapshot changed = s.withTask(b);
    assertThat(changed.tasks()).extracting(TaskState::id).containsExactly(TASK_A, TASK_B, TASK_C);
    assertThat(changed.tasks().get(1)).isEqualTo(b);
    assertThat(changed.tasks().get(0)).isEqualTo(s.tasks().get(0));
    assertThat(changed.tasks().get(2)).isEqualTo(s.tasks().get(2));
    assertThat(changed.version()).isEqualTo(5);
    assertThat(changed.manifest()).isEqualTo(s.manifest());
    // The original is untouched.
    assertThat(s.task(TASK_B)).contains(TaskState.queued(TASK_B));
  }

  @Test
  void withTaskOfAnUnknownTaskThrows() {
    assertThatThrownBy(() -> threeTasks().withTask(TaskState.queued(TaskId.of("ghost"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ghost")
        .hasMessageContaining(RUN.value());
  }

  @Test
  void withTaskRevalidates() {
    TaskState foreign =
        TaskState.queued(TASK_B).toBuilder()
            .status(TaskStatus.RUNNING)
            .addAttempt(Attempt.started(AttemptId.of(OTHER_RUN, TASK_B, 1), T0, WORKER))
            .build();
    assertThatThrownBy(() -> threeTasks().withTask(foreign))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withManifestWithTasksAndWithVersionChangeOneComponent() {
    RunSnapshot s = threeTasks();
    Manifest running = MANIFEST.toBuilder().status(RunStatus.RUNNING).updatedAt(at(1)).build();
    assertThat(s.withManifest(running)).isEqualTo(new RunSnapshot(5, running, s.tasks()));
    assertThat(s.withTasks(List.of(TaskState.queued(TASK_A))))
        .isEqualTo(new RunSnapshot(5, MANIFEST, List.of(TaskState.queued(TASK_A))));
    assertThat(s.withVersion(6)).isEqualTo(new RunSnapshot(6, MANIFEST, s.tasks()));
    assertThat(s.withVersion(6).status()).isEqualTo(RunStatus.QUEUED);
  }

  @Test
  void withManifestOfAnotherRunIsRejectedWhenAttemptsNameThisRun() {
    Manifest other = Manifest.created(OTHER_RUN, OWNER, T0);
    assertThatThrownBy(() -> threeTasks().withManifest(other))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
