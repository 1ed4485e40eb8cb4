package dev.crewrecovery.core.internal.heartbeat;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.core.internal.decide.TaskObservation;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a reader knows about a task's current attempt at one instant (DESIGN section 6).
 *
 * @param attempt the task's current attempt
 * @param lastSeenAt the last heartbeat as observed (never decreases for one attempt)
 * @param lastActivityAt the last activity as observed, or null before the first
 * @param ended whether the worker announced its end ({@code alive = false}); never life evidence
 * @param readable whether the slot could be read on the last observation
 */
public record Observation(
    AttemptId attempt,
    Instant lastSeenAt,
    @Nullable Instant lastActivityAt,
    boolean ended,
    boolean readable) {

  /** Validates the components. */
  public Observation {
    Objects.requireNonNull(attempt, "attempt");
    Objects.requireNonNull(lastSeenAt, "lastSeenAt");
  }

  /**
   * Returns this observation in the form the decision function reads.
   *
   * @return the same observation as a {@link TaskObservation}
   */
  public TaskObservation toTaskObservation() {
    return new TaskObservation(attempt, lastSeenAt, lastActivityAt, ended, readable);
  }

  /** Returns the fresher of {@link #lastSeenAt()} and {@link #lastActivityAt()}. */
  public Instant freshest() {
    return lastActivityAt != null && lastActivityAt.isAfter(lastSeenAt)
        ? lastActivityAt
        : lastSeenAt;
  }
}
