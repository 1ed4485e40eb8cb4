package dev.crewrecovery.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A result recorded by an attempt: a reference the host understands (a path, a URI, a small JSON
 * document). "Result wins": a task whose current attempt has a result is completed, never failed.
 *
 * @param reference the result reference, not null (may be empty)
 * @param recordedAt when it was recorded
 */
public record TaskResult(String reference, Instant recordedAt) {
  /** Validates the components. */
  public TaskResult {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(recordedAt, "recordedAt");
  }
}
