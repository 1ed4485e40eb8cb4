package dev.crewrecovery.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A structured failure recorded on an attempt (or as a run's failure summary).
 *
 * @param code a short machine-readable code, for example {@link #WORKER_LOST}; not blank
 * @param message a human-readable description
 * @param exitClass how the worker exited, when known
 * @param verdict the verdict of the repair that recorded it, when a repair did
 * @param heartbeatAge the heartbeat age at the repair, when known
 * @param logTail the bounded (20 lines, 4 KiB), redacted tail of the worker's log when a repair
 *     failed the attempt because its worker died, or of the runner's log when the runner's death
 *     failed it and the worker left none; null when unknown
 * @param at when the failure was recorded
 */
public record Failure(
    String code,
    String message,
    @Nullable ExitClass exitClass,
    @Nullable VerdictKind verdict,
    @Nullable Duration heartbeatAge,
    @Nullable String logTail,
    Instant at) {

  /** The code of an attempt whose worker ended (or was found dead) without a result. */
  public static final String WORKER_LOST = "WORKER_LOST";

  /** Validates the components. */
  public Failure {
    Checks.notBlank(code, "code");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(at, "at");
  }

  /**
   * Returns a plain failure with a code and a message.
   *
   * @param code the code
   * @param message the message
   * @param at when it was recorded
   * @return the failure
   */
  public static Failure of(String code, String message, Instant at) {
    return new Failure(code, message, null, null, null, null, at);
  }
}
