package dev.crewrecovery.api;

import static dev.crewrecovery.api.Fixtures.RUN;
import static dev.crewrecovery.api.Fixtures.T0;
import static dev.crewrecovery.api.Fixtures.TASK_A;
import static dev.crewrecovery.api.Fixtures.TASK_B;
import static dev.crewrecovery.api.Fixtures.WORKER;
import static dev.crewrecovery.api.Fixtures.at;
import static dev.crewrecovery.api.Fixtures.attempt;
import static dev.crewrecovery.api.Fixtures.attempts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TaskStateTest {

  private static TaskState task(List<Attempt> attempts, boolean current) {
    return new TaskState(TASK_A, TaskStatus.RUNNING, attempts, current, null, null, null, null);
  }

  private static Attempt started(TaskId task, int n) {
    return Attempt.started(attempt(task, n), at(n), WORKER);
  }

  @Test
  void queuedHasNoAttempts() {
    TaskState t = TaskState.queued(TASK_A);
    assertThat(t.id()).isEqualTo(TASK_A);
    assertThat(t.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(t.attempts()).isEmpty();
    assertThat(t.attemptCurrent()).isFalse();
    assertThat(t.currentAttempt()).isEmpty();
    assertThat(t.lastAttempt()).isEmpty();
    assertThat(t.hasCurrentResult()).isFalse();
    assertThat(t.waitMarker()).isNull();
    assertThat(t.notBefore()).isNull();
    assertThat(t.freshestTimestamp()).isNull();
  }

  @Test
  void attemptsNumberedOneToNAreAccepted() {
    assertThat(task(attempts(TASK_A, 3), true).attempts())
        .extracting(a -> a.id().number())
        .containsExactly(1, 2, 3);
  }

  @Test
  void attemptsNotNumberedOneToNAreRejected() {
    for (List<Integer> numbers :
        List.of(List.of(2), List.of(1, 3), List.of(1, 1), List.of(2, 1), List.of(1, 2, 2))) {
      List<Attempt> list = new ArrayList<>();
      numbers.forEach(n -> list.add(started(TASK_A, n)));
      assertThatThrownBy(() -> task(list, true))
          .as("numbers %s", numbers)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("1..n")
          .hasMessageContaining(TASK_A.value());
    }
  }

  @Test
  void attemptOfAnotherTaskIsRejected() {
    assertThatThrownBy(() -> task(List.of(started(TASK_B, 1)), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(TASK_B.value());
  }

  @Test
  void aCurrentAttemptNeedsAnAttempt() {
    assertThatThrownBy(() -> task(List.of(), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("current");
  }

  @ParameterizedTest
  @EnumSource(TaskStatus.class)
  void onlyAWaitingTaskCarriesAWaitMarker(TaskStatus status) {
    WaitMarker marker = new WaitMarker(T0, at(60), "approve?");
    if (status == TaskStatus.WAITING) {
      TaskState t =
          new TaskState(TASK_A, status, attempts(TASK_A, 1), true, marker, null, null, null);
      assertThat(t.waitMarker()).isEqualTo(marker);
    } else {
      assertThatThrownBy(
              () ->
                  new TaskState(
                      TASK_A, status, attempts(TASK_A, 1), true, marker, null, null, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(status.name())
          .hasMessageContaining("wait marker");
    }
  }

  @Test
  void attemptsAreCopiedOnTheWayInAndUnmodifiable() {
    List<Attempt> list = new ArrayList<>(attempts(TASK_A, 2));
    TaskState t = task(list, true);
    list.remove(1);
    list.add(started(TASK_B, 1));
    assertThat(t.attempts()).containsExactlyElementsOf(attempts(TASK_A, 2));
    assertThatThrownBy(() -> t.attempts().add(started(TASK_A, 3)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> t.attempts().remove(0))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void currentAndLastAttempt() {
    TaskState current = task(attempts(TASK_A, 2), true);
    assertThat(current.currentAttempt())
        .hasValueSatisfying(a -> assertThat(a.id().number()).isEqualTo(2));
    assertThat(current.lastAttempt()).isEqualTo(current.currentAttempt());
    TaskState requeued = task(attempts(TASK_A, 2), false);
    assertThat(requeued.currentAttempt()).isEmpty();
    assertThat(requeued.lastAttempt())
        .hasValueSatisfying(a -> assertThat(a.id().number()).isEqualTo(2));
  }

  @Test
  void hasCurrentResultLooksOnlyAtTheCurrentAttempt() {
    TaskResult result = new TaskResult("out.json", at(5));
    List<Attempt> withResult = new ArrayList<>(attempts(TASK_A, 1));
    withResult.set(0, withResult.get(0).withResult(result));
    assertThat(task(withResult, true).hasCurrentResult()).isTrue();
    assertThat(task(withResult, false).hasCurrentResult()).isFalse();
    // A result of an earlier attempt does not count.
    withResult.add(started(TASK_A, 2));
    assertThat(task(withResult, true).hasCurrentResult()).isFalse();
  }

  @Test
  void freshestTimestampIsTheLaterOfSeenAndActivity() {
    TaskState.Builder b = TaskState.queued(TASK_A).toBuilder();
    assertThat(b.lastSeenAt(at(5)).lastActivityAt(null).build().freshestTimestamp())
        .isEqualTo(at(5));
    assertThat(b.lastSeenAt(null).lastActivityAt(at(7)).build().freshestTimestamp())
        .isEqualTo(at(7));
    assertThat(b.lastSeenAt(at(5)).lastActivityAt(at(7)).build().freshestTimestamp())
        .isEqualTo(at(7));
    assertThat(b.lastSeenAt(at(9)).lastActivityAt(at(7)).build().freshestTimestamp())
        .isEqualTo(at(9));
    assertThat(b.lastSeenAt(at(7)).lastActivityAt(at(7)).build().freshestTimestamp())
        .isEqualTo(at(7));
  }

  @Test
  void builderRoundTripsEveryComponent() {
    TaskState t =
        new TaskState(
            TASK_A,
            TaskStatus.WAITING,
            attempts(TASK_A, 2),
            true,
            new WaitMarker(T0, null, "q"),
            at(300),
            at(10),
            at(11));
    assertThat(t.toBuilder().build()).isEqualTo(t).hasSameHashCodeAs(t);
    assertThat(TaskState.queued(TASK_A).toBuilder().build()).isEqualTo(TaskState.queued(TASK_A));
  }

  @Test
  void builderAddsAndReplacesAttemptsWithoutTouchingTheOriginal() {
    TaskState original = TaskState.queued(TASK_A);
    TaskState one =
        original.toBuilder().status(TaskStatus.RUNNING).addAttempt(started(TASK_A, 1)).build();
    assertThat(one.attemptCurrent()).isTrue();
    assertThat(one.attempts()).hasSize(1);
    assertThat(original.attempts()).isEmpty();

    Attempt done = one.attempts().get(0).withResult(new TaskResult("r", at(3)));
    TaskState replaced = one.toBuilder().replaceLastAttempt(done).build();
    assertThat(replaced.attempts()).containsExactly(done);
    assertThat(one.attempts().get(0).result()).isNull();

    TaskState requeued =
        replaced.toBuilder()
            .status(TaskStatus.QUEUED)
            .attemptCurrent(false)
            .notBefore(at(60))
            .build();
    assertThat(requeued.currentAttempt()).isEmpty();
    assertThat(requeued.notBefore()).isEqualTo(at(60));
    TaskState two =
        requeued.toBuilder().status(TaskStatus.RUNNING).addAttempt(started(TASK_A, 2)).build();
    assertThat(two.currentAttempt())
        .hasValueSatisfying(a -> assertThat(a.id().number()).isEqualTo(2));
  }

  @Test
  void builderValidatesOnBuild() {
    assertThatThrownBy(
            () -> TaskState.queued(TASK_A).toBuilder().replaceLastAttempt(started(TASK_A, 1)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(
            () -> TaskState.queued(TASK_A).toBuilder().addAttempt(started(TASK_A, 2)).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                TaskState.queued(TASK_A).toBuilder()
                    .waitMarker(new WaitMarker(T0, null, ""))
                    .build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TaskState.queued(TASK_A).toBuilder().attemptCurrent(true).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void attemptCopiesChangeOneComponentEach() {
    Attempt a = Attempt.started(AttemptId.of(RUN, TASK_A, 1), T0, null);
    assertThat(a.worker()).isNull();
    assertThat(a.forced()).isFalse();
    Attempt w = a.withWorker(WORKER, Fixtures.SESSION, "/tmp/w.log");
    assertThat(w)
        .isEqualTo(
            new Attempt(
                a.id(), T0, WORKER, Fixtures.SESSION, "/tmp/w.log", null, null, null, false));
    TaskResult r = new TaskResult("ref", at(1));
    assertThat(a.withResult(r).result()).isEqualTo(r);
    Failure f = Failure.of("X", "boom", at(2));
    assertThat(a.withFailure(f).failure()).isEqualTo(f);
    assertThat(a.withEndedAt(at(3)).endedAt()).isEqualTo(at(3));
    assertThat(a.withForced(true).forced()).isTrue();
    assertThat(a.withResult(r).withFailure(f).withEndedAt(at(3)).withForced(true))
        .isEqualTo(new Attempt(a.id(), T0, null, null, null, r, f, at(3), true));
  }
}
