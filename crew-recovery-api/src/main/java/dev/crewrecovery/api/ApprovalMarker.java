package dev.crewrecovery.api;

import java.time.Instant;
import java.util.Objects;

/**
 * The run-level approval marker, set when a run blocks for approval and removed when it leaves
 * BLOCKED.
 *
 * @param askedAt when approval was asked
 * @param state the answer so far
 */
public record ApprovalMarker(Instant askedAt, ApprovalState state) {
  /** Validates the components. */
  public ApprovalMarker {
    Objects.requireNonNull(askedAt, "askedAt");
    Objects.requireNonNull(state, "state");
  }
}
