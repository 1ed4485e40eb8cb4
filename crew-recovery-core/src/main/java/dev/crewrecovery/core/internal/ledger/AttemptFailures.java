package dev.crewrecovery.core.internal.ledger;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.ExitClass;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.NewEvent;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.TransitionReason;
import dev.crewrecovery.core.Backoff;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.RetryPolicy;
import java.time.Instant;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Fails the current attempt of a task with retry (DESIGN section 8), for the ledger's {@code fail}
 * and for task-level repair alike. Pure apart from the jitter drawn from the generator; called
 * inside an update.
 */
public final class AttemptFailures {

  /**
   * What failing an attempt changes.
   *
   * @param task the task's new state (QUEUED with a back-off, or FAILED)
   * @param event the one event of the change
   * @param deadletter the entry to commit in the update's outbox, if any
   */
  public record Outcome(TaskState task, NewEvent event, @Nullable DeadletterEntry deadletter) {}

  private AttemptFailures() {}

  /**
   * Records the failure on the task's current attempt, then requeues the task with {@code notBefore
   * = now + backoff(n)} when the run is not terminal, the policy allows a retry and attempt {@code
   * n} is below {@code maxAttempts}; otherwise fails it with a {@code MAX_RETRIES} (policy allowed,
   * attempts used up) or {@code NON_RETRYABLE} entry, except that a failure whose exit class is
   * CANCELLED writes none.
   *
   * @param run the run's fresh snapshot
   * @param task the task (RUNNING or WAITING) with a current attempt
   * @param failure the failure
   * @param now the instant of the change
   * @param by who fails it ({@code host}, {@code watcher}, {@code worker_exit})
   * @param cause what triggered it, if not the host
   * @param policy the retry policy
   * @param config the configuration
   * @param random the jitter source
   * @return the change
   */
  public static Outcome fail(
      RunSnapshot run,
      TaskState task,
      Failure failure,
      Instant now,
      String by,
      @Nullable String cause,
      RetryPolicy policy,
      RecoveryConfig config,
      RandomGenerator random) {
    Attempt attempt =
        task.currentAttempt()
            .orElseThrow(
                () -> new IllegalStateException("task " + task.id() + " has no current attempt"));
    Attempt ended = attempt.withFailure(failure).withEndedAt(now);
    boolean policyAllows = policy.allowsRetry(failure);
    int n = attempt.id().number();
    if (!run.status().isTerminal() && policyAllows && n < config.maxAttempts()) {
      task.status()
          .checkMoveTo(run.status(), task.id(), TaskStatus.QUEUED, TransitionReason.ORDINARY);
      Instant notBefore =
          now.plus(
              Backoff.delay(
                  n, config.backoffBase(), config.backoffCap(), config.backoffJitter(), random));
      TaskState next =
          task.toBuilder()
              .status(TaskStatus.QUEUED)
              .replaceLastAttempt(ended)
              .attemptCurrent(false)
              .waitMarker(null)
              .notBefore(notBefore)
              .build();
      NewEvent event =
          Events.data()
              .put("attempt", attempt.id())
              .put("code", failure.code())
              .put("message", failure.message())
              .put("exitClass", failure.exitClass())
              .put("notBefore", notBefore)
              .put("by", by)
              .put("cause", cause)
              .event(Events.TASK_RETRY_SCHEDULED, now);
      return new Outcome(next, event, null);
    }
    task.status()
        .checkMoveTo(run.status(), task.id(), TaskStatus.FAILED, TransitionReason.ORDINARY);
    TaskState next =
        task.toBuilder()
            .status(TaskStatus.FAILED)
            .replaceLastAttempt(ended)
            .waitMarker(null)
            .notBefore(null)
            .build();
    DeadletterEntry entry = null;
    if (failure.exitClass() != ExitClass.CANCELLED) {
      DeadletterReason reason =
          policyAllows ? DeadletterReason.MAX_RETRIES : DeadletterReason.NON_RETRYABLE;
      entry =
          DeadletterEntry.forAttempt(
              attempt.id(),
              reason,
              failure.code() + ": " + failure.message(),
              now,
              run.manifest().epoch());
    }
    NewEvent event =
        Events.data()
            .put("attempt", attempt.id())
            .put("code", failure.code())
            .put("message", failure.message())
            .put("exitClass", failure.exitClass())
            .put("by", by)
            .put("cause", cause)
            .put("deadletter", entry == null ? null : entry.reason())
            .event(Events.TASK_FAILED, now);
    return new Outcome(next, event, entry);
  }
}
