package dev.crewrecovery.api;

import java.util.Objects;

/**
 * The owner of a run: a session and its incarnation. Delivery ownership ignores the incarnation;
 * fencing does not.
 *
 * @param session the session id
 * @param incarnation the incarnation, at least 1
 */
public record Owner(SessionId session, long incarnation) {
  /** Validates the components. */
  public Owner {
    Objects.requireNonNull(session, "session");
    if (incarnation < 1) {
      throw new IllegalArgumentException("incarnation must be at least 1, was " + incarnation);
    }
  }

  @Override
  public String toString() {
    return session + "#" + incarnation;
  }
}
