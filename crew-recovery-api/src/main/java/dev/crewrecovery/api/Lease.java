package dev.crewrecovery.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A session's claim of liveness in the store (DESIGN section 2).
 *
 * @param session the session
 * @param incarnation the incarnation holding the lease, at least 1
 * @param acquiredAt when this incarnation acquired it
 * @param renewedAt the last successful renewal (or the acquisition)
 * @param released whether the incarnation released it on close
 */
public record Lease(
    SessionId session, long incarnation, Instant acquiredAt, Instant renewedAt, boolean released) {
  /** Validates the components. */
  public Lease {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(acquiredAt, "acquiredAt");
    Objects.requireNonNull(renewedAt, "renewedAt");
    if (incarnation < 1) {
      throw new IllegalArgumentException("incarnation must be at least 1, was " + incarnation);
    }
  }

  /** Returns the owner this lease stands for. */
  public Owner owner() {
    return new Owner(session, incarnation);
  }

  /**
   * Returns whether the lease is expired at {@code now}: released, or {@code now − renewedAt >
   * duration} (strict).
   *
   * @param now the instant of judgment
   * @param duration the lease duration (default 30 s)
   * @return true when expired
   */
  public boolean isExpiredAt(Instant now, Duration duration) {
    return released || Duration.between(renewedAt, now).compareTo(duration) > 0;
  }
}
