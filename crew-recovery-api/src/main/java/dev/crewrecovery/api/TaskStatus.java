package dev.crewrecovery.api;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The status of a task, with the transition table of DESIGN section 3.
 *
 * <p>Terminal: {@link #COMPLETED}, {@link #FAILED}, {@link #CANCELLED}, {@link #SKIPPED}, {@link
 * #NEEDS_ATTENTION}. Terminal states are absorbing except for FAILED/SKIPPED → CANCELLED and the
 * explicit moves listed in the table (COMPLETED → QUEUED by retry or redrive only; FAILED,
 * CANCELLED, SKIPPED → QUEUED and NEEDS_ATTENTION → QUEUED or RUNNING by retry, resume or redrive).
 */
public enum TaskStatus {
  /** Waiting to be started (possibly with a retry back-off, see {@code notBefore}). */
  QUEUED,
  /** An attempt is executing. */
  RUNNING,
  /** Parked, waiting for an answer (carries a wait marker). */
  WAITING,
  /** Finished with a result. Terminal. */
  COMPLETED,
  /** Failed. Terminal. */
  FAILED,
  /** Cancelled. Terminal. */
  CANCELLED,
  /** Skipped. Terminal. */
  SKIPPED,
  /** Needs a human. Terminal. */
  NEEDS_ATTENTION;

  /** Returns whether the status is terminal. */
  public boolean isTerminal() {
    return this != QUEUED && this != RUNNING && this != WAITING;
  }

  /**
   * Returns whether the table allows a move from this status to {@code to} for {@code reason}.
   *
   * @param to the target status
   * @param reason why the move is made
   * @return true exactly when DESIGN section 3 allows it
   */
  public boolean canMoveTo(TaskStatus to, TransitionReason reason) {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(reason, "reason");
    return switch (this) {
      case QUEUED -> to == RUNNING || to == CANCELLED || to == SKIPPED || to == FAILED;
      case RUNNING ->
          to == COMPLETED
              || to == FAILED
              || to == CANCELLED
              || to == QUEUED
              || to == WAITING
              || to == NEEDS_ATTENTION;
      case WAITING ->
          to == RUNNING
              || to == QUEUED
              || to == COMPLETED
              || to == FAILED
              || to == CANCELLED
              || to == NEEDS_ATTENTION;
      case COMPLETED ->
          to == QUEUED && (reason == TransitionReason.RETRY || reason == TransitionReason.REDRIVE);
      case FAILED, SKIPPED -> to == CANCELLED || (to == QUEUED && reason.isExplicit());
      case CANCELLED -> to == QUEUED && reason.isExplicit();
      case NEEDS_ATTENTION -> (to == QUEUED || to == RUNNING) && reason.isExplicit();
    };
  }

  /**
   * Returns the statuses reachable from this one for {@code reason}.
   *
   * @param reason why the move is made
   * @return the allowed targets, in declaration order
   */
  public Set<TaskStatus> allowedTargets(TransitionReason reason) {
    EnumSet<TaskStatus> out = EnumSet.noneOf(TaskStatus.class);
    for (TaskStatus to : values()) {
      if (canMoveTo(to, reason)) {
        out.add(to);
      }
    }
    return out;
  }

  /**
   * Checks a move of a task from this status to {@code to}, in a run whose status (before the
   * update) is {@code runStatus}. Task writes to a terminal run are refused unless made by an
   * explicit resume, retry or redrive, which moves the run out of its terminal state in the same
   * update.
   *
   * @param runStatus the run's status before the update
   * @param taskId the task, for the message
   * @param to the target status
   * @param reason why the move is made
   * @throws IllegalTransitionException naming both states (and the run's status when it is the
   *     cause), if the move is not allowed
   */
  public void checkMoveTo(
      RunStatus runStatus, TaskId taskId, TaskStatus to, TransitionReason reason) {
    Objects.requireNonNull(runStatus, "runStatus");
    if (runStatus.isTerminal() && !reason.isExplicit()) {
      throw new IllegalTransitionException(
          "task "
              + taskId
              + ": illegal transition "
              + this
              + " -> "
              + to
              + " because the run is terminal ("
              + runStatus
              + "); only resume, retry or redrive may change a terminal run's tasks",
          this,
          to,
          runStatus);
    }
    if (!canMoveTo(to, reason)) {
      throw new IllegalTransitionException(
          "task "
              + taskId
              + ": illegal transition "
              + this
              + " -> "
              + to
              + " ("
              + reason
              + "); allowed from "
              + this
              + ": "
              + allowedTargets(reason),
          this,
          to,
          null);
    }
  }
}
