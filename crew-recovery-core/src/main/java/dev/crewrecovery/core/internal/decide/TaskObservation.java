package dev.crewrecovery.core.internal.decide;

import dev.crewrecovery.api.AttemptId;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A session's observation of one task's heartbeat slot (DESIGN section 6), merged from the slots
 * the session read. The heartbeat reader produces these; the decision function only reads them. An
 * observation of an attempt that is not the task's current attempt is ignored. Immutable.
 *
 * @param attempt the attempt the observed slot belongs to
 * @param lastSeenAt when the reader last saw the beat counter increase (or the worker's instant,
 *     clamped, on first sight), or null when never
 * @param lastActivityAt the same for the activity counter, or null when never
 * @param ended whether the last beat had {@code alive=false}: the worker announced its end, so the
 *     observation is never evidence of life
 * @param readable whether the last read of the slot succeeded (an unreadable slot keeps the last
 *     good instants; unreadability alone never changes a judgment)
 */
public record TaskObservation(
    AttemptId attempt,
    @Nullable Instant lastSeenAt,
    @Nullable Instant lastActivityAt,
    boolean ended,
    boolean readable) {

  /** Validates the components. */
  public TaskObservation {
    Objects.requireNonNull(attempt, "attempt");
  }

  /**
   * Returns a readable observation of a worker that has not announced its end.
   *
   * @param attempt the attempt
   * @param lastSeenAt the last heartbeat, or null
   * @param lastActivityAt the last activity, or null
   * @return the observation
   */
  public static TaskObservation of(
      AttemptId attempt, @Nullable Instant lastSeenAt, @Nullable Instant lastActivityAt) {
    return new TaskObservation(attempt, lastSeenAt, lastActivityAt, false, true);
  }
}
