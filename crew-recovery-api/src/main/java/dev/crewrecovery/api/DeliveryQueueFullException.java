package dev.crewrecovery.api;

/**
 * The delivery coordinator's in-memory queue is at its bound and holds only results, and results
 * are not persisted: a new result cannot be queued without dropping one. Persisted results (the
 * default with the file store) never raise this.
 */
public final class DeliveryQueueFullException extends CrewRecoveryException {
  private static final long serialVersionUID = 1L;

  private final int bound;

  /**
   * Creates the exception.
   *
   * @param bound the queue bound
   */
  public DeliveryQueueFullException(int bound) {
    super("delivery queue is full (" + bound + " results queued, results are not persisted)");
    this.bound = bound;
  }

  /** Returns the queue bound. */
  public int bound() {
    return bound;
  }
}
