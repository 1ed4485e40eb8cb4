package dev.crewrecovery.core;

import dev.crewrecovery.api.ExitClass;
import dev.crewrecovery.api.Failure;

/**
 * Decides whether a failed attempt may be retried (DESIGN section 8). The engine asks it for every
 * failure recorded by the ledger's {@code fail} and by task-level repair; when it allows a retry
 * and fewer than {@link RecoveryConfig#maxAttempts()} attempts were made, the task is requeued with
 * a back-off ({@link Backoff}), otherwise it goes FAILED with a {@code MAX_RETRIES} or {@code
 * NON_RETRYABLE} deadletter entry.
 *
 * <p>Implementations must be pure and quick: they are called inside a run's exclusive update, on
 * any thread.
 */
@FunctionalInterface
public interface RetryPolicy {

  /**
   * Tells whether the failure may be retried, attempts allowing.
   *
   * @param failure the failure of the attempt
   * @return true to allow another attempt
   */
  boolean allowsRetry(Failure failure);

  /**
   * Returns the default policy: every failure may be retried except those whose exit class is
   * {@link ExitClass#CANCELLED} or {@link ExitClass#TIMEOUT}. A failure without exit class (a
   * host's {@code fail}, or {@code WORKER_LOST} found by a probe) is retryable.
   *
   * @return the default policy
   */
  static RetryPolicy defaults() {
    return failure ->
        failure.exitClass() != ExitClass.CANCELLED && failure.exitClass() != ExitClass.TIMEOUT;
  }

  /**
   * Returns the policy that never retries.
   *
   * @return the policy
   */
  static RetryPolicy never() {
    return failure -> false;
  }
}
