package dev.crewrecovery.core;

import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.VerdictKind;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Recovery#plan()} proposes for one run (DESIGN section 8): the verdict, the tasks a
 * RESUME would requeue and those it would keep, the last event seen, and the action. Immutable.
 *
 * @param runId the run
 * @param verdict the verdict on the evidence at planning time
 * @param resumableTasks RUNNING/WAITING tasks without a result of their current attempt
 * @param preservedTasks the other tasks (terminal, QUEUED, or holding a result)
 * @param lastEventSeq the sequence number of the run's last event when planned (0 when none)
 * @param action the proposed action
 * @param fromPolicy whether the action came from the recovery policy (then {@link Recovery#apply}
 *     skips it when the fresh policy action differs)
 * @param forced whether an operator forced the action onto a run a live session owns
 * @param why the verdict's reason, in words
 */
public record RecoveryPlan(
    RunId runId,
    VerdictKind verdict,
    List<TaskId> resumableTasks,
    List<TaskId> preservedTasks,
    long lastEventSeq,
    RecoveryAction action,
    boolean fromPolicy,
    boolean forced,
    String why) {

  /** Validates the components and copies the lists. */
  public RecoveryPlan {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(why, "why");
    resumableTasks = List.copyOf(resumableTasks);
    preservedTasks = List.copyOf(preservedTasks);
  }

  /**
   * Returns this plan with an operator's action: applied when the fresh verdict equals this plan's
   * and the action is allowed for it (RETRY for any verdict; RESUME, FAIL, KILL_STALE and DIAGNOSE
   * for a non-terminal one; FINALIZE for {@code RESULT_EXISTS}; NO_OP always); on a run a live
   * session owns, only when forced.
   *
   * @param action the action
   * @param forced whether to act even on a run a live session owns (said so in the event)
   * @return the new plan
   * @throws IllegalArgumentException if the action is not allowed for this plan's verdict
   */
  public RecoveryPlan withAction(RecoveryAction action, boolean forced) {
    Objects.requireNonNull(action, "action");
    boolean terminal = verdict == VerdictKind.TERMINAL;
    boolean allowed =
        switch (action) {
          case RETRY, NO_OP -> true;
          case RESUME, FAIL, KILL_STALE, DIAGNOSE -> !terminal;
          case FINALIZE -> verdict == VerdictKind.RESULT_EXISTS;
        };
    if (!allowed) {
      throw new IllegalArgumentException(
          "action "
              + action
              + " is not allowed for verdict "
              + verdict
              + "; RETRY and NO_OP are allowed for every verdict, RESUME, FAIL, KILL_STALE and"
              + " DIAGNOSE for non-terminal ones, FINALIZE for RESULT_EXISTS");
    }
    return new RecoveryPlan(
        runId, verdict, resumableTasks, preservedTasks, lastEventSeq, action, false, forced, why);
  }
}
