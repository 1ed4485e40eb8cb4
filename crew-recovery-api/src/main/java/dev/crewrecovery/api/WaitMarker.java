package dev.crewrecovery.api;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The marker of a WAITING task: it was asked something at {@code askedAt} and waits for the answer
 * until {@code deadline}, if any. Created by the transition into WAITING, removed by any transition
 * out of it.
 *
 * @param askedAt when the question was asked
 * @param deadline the instant after which the wait no longer shields the run, or null
 * @param question what was asked (may be empty)
 */
public record WaitMarker(Instant askedAt, @Nullable Instant deadline, String question) {
  /** Validates the components. */
  public WaitMarker {
    Objects.requireNonNull(askedAt, "askedAt");
    Objects.requireNonNull(question, "question");
  }
}
