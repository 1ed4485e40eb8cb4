package dev.crewrecovery.api;

/**
 * The id of a delivery. Validated at construction by the path-id rule ({@code
 * [A-Za-z0-9][A-Za-z0-9._-]{0,127}}, no {@code ..}), so it is safe as a file name.
 *
 * @param value the id as text
 */
public record DeliveryId(String value) implements Comparable<DeliveryId> {
  /**
   * Validates the id.
   *
   * @throws InvalidIdException if {@code value} breaks the rule; the message names the rule and the
   *     escaped value
   */
  public DeliveryId {
    Ids.requireValid("DeliveryId", value);
  }

  /**
   * Returns the id for {@code value}.
   *
   * @param value the id as text
   * @return the id
   * @throws InvalidIdException if {@code value} breaks the rule
   */
  public static DeliveryId of(String value) {
    return new DeliveryId(value);
  }

  /**
   * Returns the id of the result delivery of an attempt: {@code r-} plus the first 32 hex digits of
   * SHA-256 of the attempt id's text form.
   *
   * @param attempt the attempt whose result is delivered
   * @return the id
   */
  public static DeliveryId forResult(AttemptId attempt) {
    return new DeliveryId("r-" + Ids.sha256Hex32(attempt.toString()));
  }

  /**
   * Returns the id of the notification of a run's terminal transition: {@code n-} plus the first 32
   * hex digits of SHA-256 of {@code <runId>:<epoch>:<status>}.
   *
   * @param runId the run
   * @param epoch the run's epoch at the transition
   * @param status the terminal status
   * @return the id
   */
  public static DeliveryId forNotification(RunId runId, long epoch, RunStatus status) {
    // Without the check a null run would hash as the text "null" and collide silently.
    java.util.Objects.requireNonNull(runId, "runId");
    return new DeliveryId("n-" + Ids.sha256Hex32(runId + ":" + epoch + ":" + status.name()));
  }

  @Override
  public int compareTo(DeliveryId other) {
    return value.compareTo(other.value);
  }

  /** Returns the id as text, exactly as given. */
  @Override
  public String toString() {
    return value;
  }
}
