package dev.crewrecovery.api;

/**
 * The id of a session. Validated at construction by the path-id rule ({@code
 * [A-Za-z0-9][A-Za-z0-9._-]{0,127}}, no {@code ..}), so it is safe as a file name.
 *
 * @param value the id as text
 */
public record SessionId(String value) implements Comparable<SessionId> {
  /**
   * Validates the id.
   *
   * @throws InvalidIdException if {@code value} breaks the rule; the message names the rule and the
   *     escaped value
   */
  public SessionId {
    Ids.requireValid("SessionId", value);
  }

  /**
   * Returns the id for {@code value}.
   *
   * @param value the id as text
   * @return the id
   * @throws InvalidIdException if {@code value} breaks the rule
   */
  public static SessionId of(String value) {
    return new SessionId(value);
  }

  @Override
  public int compareTo(SessionId other) {
    return value.compareTo(other.value);
  }

  /** Returns the id as text, exactly as given. */
  @Override
  public String toString() {
    return value;
  }
}
