package dev.crewrecovery.api;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A deadletter entry: evidence that something needs attention, not a verdict. Its state (OPEN,
 * SUPERSEDED, REDRIVEN, DISCARDED) is computed on read from its marks and its run.
 *
 * @param id the entry id; derived for entries caused by committed changes (see {@link
 *     DeadletterId#derived})
 * @param runId the run
 * @param taskId the task, for a task entry
 * @param attemptId the attempt, for a task entry
 * @param deliveryId the delivery, for a {@link DeadletterReason#DELIVERY_FAILED} entry
 * @param reason why it was written
 * @param attempts the attempt's number (0 for run-level and delivery entries)
 * @param lastError the last error, if known
 * @param at when it was written
 * @param epoch the run's epoch when it was written
 */
public record DeadletterEntry(
    DeadletterId id,
    RunId runId,
    @Nullable TaskId taskId,
    @Nullable AttemptId attemptId,
    @Nullable DeliveryId deliveryId,
    DeadletterReason reason,
    int attempts,
    @Nullable String lastError,
    Instant at,
    long epoch) {

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if {@code attempts} or {@code epoch} is negative, the attempt
   *     belongs to another run or task, or the delivery is not given exactly for a {@link
   *     DeadletterReason#DELIVERY_FAILED} entry (which names no attempt)
   */
  public DeadletterEntry {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(at, "at");
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must not be negative, was " + attempts);
    }
    if (attemptId != null
        && (!attemptId.runId().equals(runId) || !attemptId.taskId().equals(taskId))) {
      throw new IllegalArgumentException(
          "attempt " + attemptId + " does not belong to run " + runId + " task " + taskId);
    }
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must not be negative, was " + epoch);
    }
    if (reason == DeadletterReason.DELIVERY_FAILED && (deliveryId == null || attemptId != null)) {
      throw new IllegalArgumentException(
          "a DELIVERY_FAILED entry names its delivery and no attempt");
    }
    if (reason != DeadletterReason.DELIVERY_FAILED && deliveryId != null) {
      throw new IllegalArgumentException(
          "a " + reason + " entry names delivery " + deliveryId + "; only DELIVERY_FAILED ones do");
    }
  }

  /**
   * Returns a task entry with a derived id.
   *
   * @param attempt the attempt
   * @param reason why
   * @param lastError the last error
   * @param at when
   * @param epoch the run's epoch
   * @return the entry
   */
  public static DeadletterEntry forAttempt(
      AttemptId attempt,
      DeadletterReason reason,
      @Nullable String lastError,
      Instant at,
      long epoch) {
    return new DeadletterEntry(
        DeadletterId.derived(attempt.toString(), reason),
        attempt.runId(),
        attempt.taskId(),
        attempt,
        null,
        reason,
        attempt.number(),
        lastError,
        at,
        epoch);
  }

  /**
   * Returns a run-level entry with an id derived from run and epoch.
   *
   * @param runId the run
   * @param epoch the run's epoch of the change that caused it
   * @param reason why
   * @param lastError the last error
   * @param at when
   * @return the entry
   */
  public static DeadletterEntry forRun(
      RunId runId, long epoch, DeadletterReason reason, @Nullable String lastError, Instant at) {
    return new DeadletterEntry(
        DeadletterId.derived(runId + "@" + epoch, reason),
        runId,
        null,
        null,
        null,
        reason,
        0,
        lastError,
        at,
        epoch);
  }

  /**
   * Returns a {@link DeadletterReason#DELIVERY_FAILED} entry with an id derived from the delivery.
   *
   * @param runId the run
   * @param deliveryId the delivery
   * @param lastError the last error
   * @param at when
   * @param epoch the run's epoch, if known (0 otherwise)
   * @return the entry
   */
  public static DeadletterEntry forDelivery(
      RunId runId, DeliveryId deliveryId, @Nullable String lastError, Instant at, long epoch) {
    return new DeadletterEntry(
        DeadletterId.derived(deliveryId.value(), DeadletterReason.DELIVERY_FAILED),
        runId,
        null,
        null,
        deliveryId,
        DeadletterReason.DELIVERY_FAILED,
        0,
        lastError,
        at,
        epoch);
  }

  /** Returns whether the entry is run-level (names neither attempt nor delivery). */
  public boolean isRunLevel() {
    return attemptId == null && deliveryId == null;
  }
}
