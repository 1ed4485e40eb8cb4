package dev.crewrecovery.api;

import org.jspecify.annotations.Nullable;

/**
 * A status change that the transition tables (DESIGN section 3) do not allow, or a task write to a
 * terminal run. The message names both states and, for a task, the run's status when it mattered.
 * Nothing was written.
 */
public class IllegalTransitionException extends CrewRecoveryException {
  private static final long serialVersionUID = 1L;

  private final Enum<?> from;
  private final Enum<?> to;
  private final @Nullable RunStatus runStatus;

  /**
   * Creates the exception.
   *
   * @param message the full message, naming both states
   * @param from the status the subject was in
   * @param to the status that was asked for
   * @param runStatus the status of the run, for a task transition refused because the run is
   *     terminal; otherwise null
   */
  public IllegalTransitionException(
      String message, Enum<?> from, Enum<?> to, @Nullable RunStatus runStatus) {
    super(message);
    this.from = from;
    this.to = to;
    this.runStatus = runStatus;
  }

  /** Returns the status the subject was in ({@link RunStatus} or {@link TaskStatus}). */
  public Enum<?> from() {
    return from;
  }

  /** Returns the status that was asked for ({@link RunStatus} or {@link TaskStatus}). */
  public Enum<?> to() {
    return to;
  }

  /** Returns the run's status when a task write was refused because the run is terminal. */
  public @Nullable RunStatus runStatus() {
    return runStatus;
  }
}
