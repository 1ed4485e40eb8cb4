package dev.crewrecovery.core.internal.deadletter;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterMark;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.ResumeRecord;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.core.DeadletterState;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The pure rule that computes a deadletter entry's state (DESIGN section 10; documented on {@link
 * DeadletterState}). It reads nothing: callers pass the marks and the run's snapshot, so redrive
 * can apply it inside {@code RunStore.update} to the fresh snapshot.
 */
public final class DeadletterStateRule {

  private DeadletterStateRule() {}

  /**
   * Computes an entry's state; first match wins: DISCARDED, REDRIVEN, SUPERSEDED, OPEN.
   *
   * @param entry the entry
   * @param marks its marks
   * @param run the current snapshot of its run, or null when it cannot be read
   * @return the state
   */
  public static DeadletterState stateOf(
      DeadletterEntry entry, List<DeadletterMark> marks, @Nullable RunSnapshot run) {
    if (hasMark(marks, DeadletterMark.Kind.DISCARD)) {
      return DeadletterState.DISCARDED;
    }
    if (hasMark(marks, DeadletterMark.Kind.REDRIVE)) {
      return DeadletterState.REDRIVEN;
    }
    return isSuperseded(entry, run) ? DeadletterState.SUPERSEDED : DeadletterState.OPEN;
  }

  /**
   * Tells whether the run or task has moved past an entry, ignoring marks.
   *
   * @param entry the entry
   * @param run the current snapshot of its run, or null when it cannot be read
   * @return true when superseded
   */
  public static boolean isSuperseded(DeadletterEntry entry, @Nullable RunSnapshot run) {
    if (entry.reason() == DeadletterReason.DELIVERY_FAILED || run == null) {
      return false;
    }
    AttemptId attempt = entry.attemptId();
    if (attempt != null) {
      Optional<TaskState> task = run.task(attempt.taskId());
      return task.isPresent() && taskMovedPast(task.get(), attempt.number());
    }
    return runMovedPast(run.manifest(), entry);
  }

  /** Whether a task moved past its attempt {@code n}: completed, newer attempt, or requeued. */
  static boolean taskMovedPast(TaskState task, int n) {
    if (task.status() == TaskStatus.COMPLETED) {
      return true;
    }
    int known = task.attempts().size();
    if (known < n) {
      // The snapshot does not know the attempt: no judgment, the entry stays open.
      return false;
    }
    if (known > n) {
      return true;
    }
    return !task.status().isTerminal() && !task.attemptCurrent();
  }

  /** Whether a run was resumed, retried or redriven after a run-level entry. */
  static boolean runMovedPast(Manifest manifest, DeadletterEntry entry) {
    if (entry.epoch() > 0 && manifest.epoch() > entry.epoch()) {
      return true;
    }
    for (ResumeRecord r : manifest.resumeHistory()) {
      if (r.instant().isAfter(entry.at())) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasMark(List<DeadletterMark> marks, DeadletterMark.Kind kind) {
    for (DeadletterMark m : marks) {
      if (m.kind() == kind) {
        return true;
      }
    }
    return false;
  }
}
