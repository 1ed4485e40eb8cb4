package dev.crewrecovery.api;

import java.util.Objects;

/**
 * A redrive of an OPEN deadletter entry was refused because the entry is not one that redrive
 * applies to (DESIGN section 10): a run-level entry, a task entry whose task is neither FAILED nor
 * CANCELLED, a delivery that cannot be re-enqueued, or a redrive asked of a deadletter service that
 * is not bound to a session. Nothing was written. (An entry that is no longer OPEN, because its run
 * or task moved on, is refused with {@link DeadletterNotOpenException} instead.)
 */
public final class RedriveRefusedException extends CrewRecoveryException {
  private static final long serialVersionUID = 1L;

  private final DeadletterId id;

  /**
   * Creates the exception.
   *
   * @param id the entry
   * @param why why redrive does not apply, naming what is allowed
   */
  public RedriveRefusedException(DeadletterId id, String why) {
    super("cannot redrive deadletter entry " + id + ": " + Objects.requireNonNull(why, "why"));
    this.id = id;
  }

  /** Returns the entry. */
  public DeadletterId id() {
    return id;
  }
}
