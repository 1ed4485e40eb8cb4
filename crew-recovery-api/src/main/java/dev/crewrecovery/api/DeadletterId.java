package dev.crewrecovery.api;

/**
 * The id of a deadletter entry. Validated at construction by the path-id rule ({@code
 * [A-Za-z0-9][A-Za-z0-9._-]{0,127}}, no {@code ..}), so it is safe as a file name.
 *
 * @param value the id as text
 */
public record DeadletterId(String value) implements Comparable<DeadletterId> {
  /**
   * Validates the id.
   *
   * @throws InvalidIdException if {@code value} breaks the rule; the message names the rule and the
   *     escaped value
   */
  public DeadletterId {
    Ids.requireValid("DeadletterId", value);
  }

  /**
   * Returns the id for {@code value}.
   *
   * @param value the id as text
   * @return the id
   * @throws InvalidIdException if {@code value} breaks the rule
   */
  public static DeadletterId of(String value) {
    return new DeadletterId(value);
  }

  /**
   * Returns the id derived from what caused an entry and its reason: {@code dl-} plus the first 32
   * hex digits of SHA-256 of {@code <cause>|<reason>}. Writing the same caused entry twice yields
   * the same id, which makes the append a no-op.
   *
   * @param cause the attempt id, {@code <runId>@<epoch>} or the delivery id, as text
   * @param reason the reason
   * @return the derived id
   */
  public static DeadletterId derived(String cause, DeadletterReason reason) {
    // Without the check a null cause would hash as the text "null" and collide silently.
    java.util.Objects.requireNonNull(cause, "cause");
    return new DeadletterId("dl-" + Ids.sha256Hex32(cause + "|" + reason.name()));
  }

  @Override
  public int compareTo(DeadletterId other) {
    return value.compareTo(other.value);
  }

  /** Returns the id as text, exactly as given. */
  @Override
  public String toString() {
    return value;
  }
}
