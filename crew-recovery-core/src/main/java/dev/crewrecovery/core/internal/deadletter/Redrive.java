package dev.crewrecovery.core.internal.deadletter;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterMark;
import dev.crewrecovery.api.DeadletterNotOpenException;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.NewEvent;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.RedriveRefusedException;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.TransitionReason;
import dev.crewrecovery.core.DeadletterState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The redrive of a task entry (DESIGN section 10) as a pure function from the entry, its marks and
 * the run's fresh snapshot to the snapshot to commit, its one event and the readable changes. The
 * same function serves the dry run (on a loaded snapshot) and the redrive (inside {@code
 * RunStore.update}), so a dry run returns exactly the changes a redrive on the same snapshot makes.
 */
public final class Redrive {

  /** The event of a redrive, appended to the run in the redrive's update. */
  public static final String RUN_REDRIVEN = "run.redriven";

  /**
   * A redrive's change.
   *
   * @param next the snapshot to commit (at the version of the fresh one)
   * @param event its one event
   * @param changes the readable changes, redrive mark last
   */
  public record Plan(RunSnapshot next, NewEvent event, List<String> changes) {
    /** Copies the changes. */
    public Plan {
      changes = List.copyOf(changes);
    }
  }

  private Redrive() {}

  /**
   * Computes the redrive of a task entry: requeues the task as a new attempt, moves a terminal run
   * to RUNNING, and adopts the run for {@code adopter} (epoch + 1).
   *
   * @param entry the entry; not a DELIVERY_FAILED one
   * @param marks its marks
   * @param fresh the run's fresh snapshot
   * @param adopter the redriving incarnation
   * @param now the instant of the redrive
   * @return the change
   * @throws DeadletterNotOpenException if the entry's state on {@code fresh} is not OPEN (marked,
   *     or its run or task moved on)
   * @throws RedriveRefusedException if the entry is run-level or its task is neither FAILED nor
   *     CANCELLED
   */
  public static Plan task(
      DeadletterEntry entry,
      List<DeadletterMark> marks,
      RunSnapshot fresh,
      Owner adopter,
      Instant now) {
    if (entry.reason() == DeadletterReason.DELIVERY_FAILED) {
      throw new IllegalArgumentException("a DELIVERY_FAILED entry is redriven by re-enqueueing");
    }
    DeadletterState state = DeadletterStateRule.stateOf(entry, marks, fresh);
    if (state != DeadletterState.OPEN) {
      throw new DeadletterNotOpenException(entry.id(), describe(state, entry, fresh), "redrive");
    }
    TaskId taskId = entry.taskId();
    if (taskId == null) {
      throw new RedriveRefusedException(
          entry.id(),
          "it is a run-level "
              + entry.reason()
              + " entry of run "
              + entry.runId()
              + "; redrive applies to task entries whose task is FAILED or CANCELLED and to"
              + " DELIVERY_FAILED entries (discard it, or retry the run through recovery)");
    }
    TaskState task =
        fresh
            .task(taskId)
            .orElseThrow(
                () ->
                    new RedriveRefusedException(
                        entry.id(), "run " + entry.runId() + " has no task " + taskId));
    TaskStatus taskFrom = task.status();
    if (taskFrom != TaskStatus.FAILED && taskFrom != TaskStatus.CANCELLED) {
      throw new RedriveRefusedException(
          entry.id(),
          "task "
              + taskId
              + " of run "
              + entry.runId()
              + " is "
              + taskFrom
              + "; redrive applies only to a FAILED or CANCELLED task");
    }
    RunStatus runFrom = fresh.status();
    taskFrom.checkMoveTo(runFrom, taskId, TaskStatus.QUEUED, TransitionReason.REDRIVE);
    List<String> changes = new ArrayList<>();
    RunSnapshot out =
        fresh.withTask(
            task.toBuilder()
                .status(TaskStatus.QUEUED)
                .attemptCurrent(false)
                .waitMarker(null)
                .notBefore(null)
                .build());
    changes.add(
        "task "
            + taskId
            + ": "
            + taskFrom
            + " -> QUEUED, as a new attempt (its next start is attempt "
            + (task.attempts().size() + 1)
            + ")");
    RunStatus runTo = runFrom;
    if (runFrom.isTerminal()) {
      runFrom.checkMoveTo(fresh.runId(), RunStatus.RUNNING, TransitionReason.REDRIVE);
      runTo = RunStatus.RUNNING;
      changes.add("run " + fresh.runId() + ": " + runFrom + " -> RUNNING");
    }
    Manifest before = fresh.manifest();
    long epoch = before.epoch() + 1;
    Manifest.Builder m =
        before.toBuilder().status(runTo).owner(adopter).epoch(epoch).updatedAt(now);
    if (runTo != runFrom) {
      m.summary("redriven: deadletter " + entry.id() + " (task " + taskId + ")");
    }
    changes.add(
        "run "
            + fresh.runId()
            + ": adopted by "
            + adopter
            + " (owner "
            + ownerText(before.owner())
            + " -> "
            + adopter
            + ", epoch "
            + before.epoch()
            + " -> "
            + epoch
            + ")");
    changes.add("deadletter " + entry.id() + ": redrive mark by " + adopter + " (REDRIVEN)");
    Map<String, String> data = new LinkedHashMap<>();
    data.put("deadletter", entry.id().value());
    data.put("reason", entry.reason().name());
    data.put("task", taskId.value());
    AttemptId attempt = entry.attemptId();
    if (attempt != null) {
      data.put("attempt", attempt.toString());
    }
    data.put("taskFrom", taskFrom.name());
    data.put("from", runFrom.name());
    data.put("status", runTo.name());
    data.put("previousOwner", ownerText(before.owner()));
    data.put("owner", adopter.toString());
    data.put("epoch", Long.toString(epoch));
    return new Plan(out.withManifest(m.build()), NewEvent.of(RUN_REDRIVEN, now, data), changes);
  }

  /** The state, and for SUPERSEDED what the run or task moved to. */
  static String describe(DeadletterState state, DeadletterEntry entry, RunSnapshot fresh) {
    if (state != DeadletterState.SUPERSEDED) {
      return state.name();
    }
    TaskId taskId = entry.taskId();
    AttemptId attempt = entry.attemptId();
    if (attempt != null && taskId != null) {
      TaskState t = fresh.task(taskId).orElse(null);
      if (t != null) {
        return "SUPERSEDED (task "
            + taskId
            + " moved past attempt "
            + attempt.number()
            + ": it is "
            + t.status()
            + " with "
            + t.attempts().size()
            + " attempt(s)"
            + (t.attemptCurrent() ? "" : ", the last one not current")
            + ")";
      }
    }
    return "SUPERSEDED (run "
        + entry.runId()
        + " was resumed, retried or redriven since: epoch "
        + fresh.manifest().epoch()
        + ", entry written at epoch "
        + entry.epoch()
        + ")";
  }

  static String ownerText(@Nullable Owner owner) {
    return owner == null ? "none" : owner.toString();
  }
}
