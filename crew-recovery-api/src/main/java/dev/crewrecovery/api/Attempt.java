package dev.crewrecovery.api;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One execution of a task.
 *
 * @param id the attempt id
 * @param startedAt when it started
 * @param worker the worker process, when one was recorded
 * @param vouchedBy the session that started the worker (for judging a remote worker by lease)
 * @param logPath the absolute path of the worker's log, when known
 * @param result the result of this attempt, once recorded
 * @param failure the failure of this attempt, once recorded
 * @param endedAt when the attempt ended (completed, failed, cancelled or requeued)
 * @param forced whether the start skipped the previous-worker check
 */
public record Attempt(
    AttemptId id,
    Instant startedAt,
    @Nullable ProcessRef worker,
    @Nullable SessionId vouchedBy,
    @Nullable String logPath,
    @Nullable TaskResult result,
    @Nullable Failure failure,
    @Nullable Instant endedAt,
    boolean forced) {

  /** Validates the components. */
  public Attempt {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(startedAt, "startedAt");
  }

  /**
   * Returns a fresh attempt.
   *
   * @param id the attempt id
   * @param startedAt when it started
   * @param worker the worker, if any
   * @return the attempt
   */
  public static Attempt started(AttemptId id, Instant startedAt, @Nullable ProcessRef worker) {
    return new Attempt(id, startedAt, worker, null, null, null, null, null, false);
  }

  /** Returns a copy with the worker and its vouching session and log path. */
  public Attempt withWorker(
      @Nullable ProcessRef worker, @Nullable SessionId vouchedBy, @Nullable String logPath) {
    return new Attempt(id, startedAt, worker, vouchedBy, logPath, result, failure, endedAt, forced);
  }

  /** Returns a copy with a result. */
  public Attempt withResult(TaskResult result) {
    return new Attempt(id, startedAt, worker, vouchedBy, logPath, result, failure, endedAt, forced);
  }

  /** Returns a copy with a failure. */
  public Attempt withFailure(Failure failure) {
    return new Attempt(id, startedAt, worker, vouchedBy, logPath, result, failure, endedAt, forced);
  }

  /** Returns a copy with an end instant. */
  public Attempt withEndedAt(Instant endedAt) {
    return new Attempt(id, startedAt, worker, vouchedBy, logPath, result, failure, endedAt, forced);
  }

  /** Returns a copy with the forced flag. */
  public Attempt withForced(boolean forced) {
    return new Attempt(id, startedAt, worker, vouchedBy, logPath, result, failure, endedAt, forced);
  }
}
