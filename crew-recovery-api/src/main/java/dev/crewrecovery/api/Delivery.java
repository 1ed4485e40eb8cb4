package dev.crewrecovery.api;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One item the delivery coordinator hands to a {@link dev.crewrecovery.api.spi.DeliverySink}.
 *
 * @param id the delivery id (de-duplication key)
 * @param kind result, notification or steer
 * @param runId the run it concerns
 * @param owner the session it belongs to, or null for whichever session is active
 * @param payload the payload (a result reference, a status, a steer text)
 * @param createdAt when it was created (TTL runs from here)
 * @param generation the coordinator generation it was created in
 * @param failedAttempts how many delivery attempts failed so far
 */
public record Delivery(
    DeliveryId id,
    DeliveryKind kind,
    RunId runId,
    @Nullable SessionId owner,
    String payload,
    Instant createdAt,
    long generation,
    int failedAttempts) {

  /** Validates the components. */
  public Delivery {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(createdAt, "createdAt");
    if (generation < 0 || failedAttempts < 0) {
      throw new IllegalArgumentException("generation and failedAttempts must not be negative");
    }
  }

  /** Returns a copy with another owner. */
  public Delivery withOwner(@Nullable SessionId newOwner) {
    return new Delivery(id, kind, runId, newOwner, payload, createdAt, generation, failedAttempts);
  }

  /** Returns a copy with one more failed attempt. */
  public Delivery withFailure() {
    return new Delivery(
        id, kind, runId, owner, payload, createdAt, generation, Math.addExact(failedAttempts, 1));
  }
}
