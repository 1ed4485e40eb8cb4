package dev.crewrecovery.api;

/** An operation named a deadletter entry that the store does not hold. Nothing was written. */
public final class DeadletterNotFoundException extends CrewRecoveryException {
  private static final long serialVersionUID = 1L;

  private final DeadletterId id;

  /**
   * Creates the exception.
   *
   * @param id the entry that was not found
   */
  public DeadletterNotFoundException(DeadletterId id) {
    super("deadletter entry " + id + " does not exist (it may have been pruned)");
    this.id = id;
  }

  /** Returns the entry that was not found. */
  public DeadletterId id() {
    return id;
  }
}
