package dev.crewrecovery.api;

import java.util.Objects;

/**
 * An operation that needs an OPEN deadletter entry (discard, redrive) named one whose computed
 * state is not OPEN. Nothing was written.
 */
public final class DeadletterNotOpenException extends CrewRecoveryException {
  private static final long serialVersionUID = 1L;

  private final DeadletterId id;
  private final String state;

  /**
   * Creates the exception.
   *
   * @param id the entry
   * @param state its computed state (for example {@code SUPERSEDED})
   * @param operation what was refused (for example {@code discard})
   */
  public DeadletterNotOpenException(DeadletterId id, String state, String operation) {
    super(
        "cannot "
            + operation
            + " deadletter entry "
            + id
            + ": it is "
            + state
            + "; "
            + operation
            + " is allowed only for OPEN entries");
    this.id = id;
    this.state = Objects.requireNonNull(state, "state");
  }

  /** Returns the entry. */
  public DeadletterId id() {
    return id;
  }

  /** Returns the entry's computed state when the operation was refused. */
  public String state() {
    return state;
  }
}
