package dev.crewrecovery.api;

import org.jspecify.annotations.Nullable;

/**
 * A session tried to renew (or write under) a lease that now names another incarnation, or that was
 * released: a newer incarnation of the same session took over. The older incarnation must stop
 * writing.
 */
public final class LeaseLostException extends CrewRecoveryException {
  private static final long serialVersionUID = 1L;

  private final SessionId session;
  private final long incarnation;
  private final @Nullable Lease current;

  /**
   * Creates the exception.
   *
   * @param session the session
   * @param incarnation the incarnation that tried to renew
   * @param current the lease stored now, or null when there is none
   */
  public LeaseLostException(SessionId session, long incarnation, @Nullable Lease current) {
    super(
        "lease of session "
            + session
            + " incarnation "
            + incarnation
            + " is lost; stored lease: "
            + (current == null ? "none" : current));
    this.session = session;
    this.incarnation = incarnation;
    this.current = current;
  }

  /** Returns the session. */
  public SessionId session() {
    return session;
  }

  /** Returns the incarnation that tried to renew. */
  public long incarnation() {
    return incarnation;
  }

  /** Returns the lease stored at the time of the refusal, or null. */
  public @Nullable Lease current() {
    return current;
  }
}
