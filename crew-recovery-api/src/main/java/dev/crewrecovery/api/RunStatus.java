package dev.crewrecovery.api;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The status of a run, with the transition table of DESIGN section 3.
 *
 * <p>Terminal: {@link #COMPLETED}, {@link #FAILED}, {@link #CANCELLED}. {@link #BLOCKED} is not
 * terminal. No transition leads back into {@link #QUEUED}; a run starts there at {@code create}.
 * Terminal states are absorbing except for the moves into CANCELLED and the explicit moves to
 * RUNNING by resume, retry or redrive.
 */
public enum RunStatus {
  /** Created, not yet planned or started. */
  QUEUED,
  /** Being planned. */
  PLANNING,
  /** Running. */
  RUNNING,
  /** Paused awaiting something outside the run (for example an approval). Not terminal. */
  BLOCKED,
  /** Finished successfully. Terminal. */
  COMPLETED,
  /** Finished unsuccessfully. Terminal. */
  FAILED,
  /** Cancelled. Terminal. */
  CANCELLED;

  /** Returns whether the status is terminal (COMPLETED, FAILED or CANCELLED). */
  public boolean isTerminal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }

  /**
   * Returns whether the table allows a move from this status to {@code to} for {@code reason}.
   *
   * @param to the target status
   * @param reason why the move is made
   * @return true exactly when DESIGN section 3 allows it
   */
  public boolean canMoveTo(RunStatus to, TransitionReason reason) {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(reason, "reason");
    return switch (this) {
      case QUEUED -> to == PLANNING || to == RUNNING || to == CANCELLED || to == FAILED;
      case PLANNING -> to == RUNNING || to == BLOCKED || to == CANCELLED || to == FAILED;
      case RUNNING -> to == BLOCKED || to == COMPLETED || to == FAILED || to == CANCELLED;
      case BLOCKED -> to == RUNNING || to == CANCELLED || to == FAILED;
      case COMPLETED, FAILED -> to == CANCELLED || (to == RUNNING && reason.isExplicit());
      case CANCELLED -> to == RUNNING && reason.isExplicit();
    };
  }

  /**
   * Returns the statuses reachable from this one for {@code reason}.
   *
   * @param reason why the move is made
   * @return the allowed targets, in declaration order
   */
  public Set<RunStatus> allowedTargets(TransitionReason reason) {
    EnumSet<RunStatus> out = EnumSet.noneOf(RunStatus.class);
    for (RunStatus to : values()) {
      if (canMoveTo(to, reason)) {
        out.add(to);
      }
    }
    return out;
  }

  /**
   * Checks a move from this status to {@code to}.
   *
   * @param runId the run, for the message
   * @param to the target status
   * @param reason why the move is made
   * @throws IllegalTransitionException naming both states and what is allowed, if the table does
   *     not allow the move
   */
  public void checkMoveTo(RunId runId, RunStatus to, TransitionReason reason) {
    if (!canMoveTo(to, reason)) {
      throw new IllegalTransitionException(
          "run "
              + runId
              + ": illegal transition "
              + this
              + " -> "
              + to
              + " ("
              + reason
              + "); allowed from "
              + this
              + ": "
              + allowedTargets(reason)
              + (allowedTargets(TransitionReason.RETRY).equals(allowedTargets(reason))
                  ? ""
                  : ", and with resume, retry or redrive: "
                      + allowedTargets(TransitionReason.RETRY)),
          this,
          to,
          null);
    }
  }
}
