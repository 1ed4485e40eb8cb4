package dev.crewrecovery.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One RESUME of a run, kept in the manifest's resume history for the crash-loop budget.
 *
 * @param instant when it was resumed
 * @param session the resuming session
 * @param incarnation its incarnation
 * @param epoch the epoch the resume set
 */
public record ResumeRecord(Instant instant, SessionId session, long incarnation, long epoch) {
  /** Validates the components. */
  public ResumeRecord {
    Objects.requireNonNull(instant, "instant");
    Objects.requireNonNull(session, "session");
  }
}
