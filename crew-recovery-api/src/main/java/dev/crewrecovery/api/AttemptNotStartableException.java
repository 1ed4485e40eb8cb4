package dev.crewrecovery.api;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A new attempt of a task may not start yet: its retry back-off has not passed, or the previous
 * attempt's worker still lives (or probes UNKNOWN on this host). Nothing was written.
 */
public final class AttemptNotStartableException extends CrewRecoveryException {
  private static final long serialVersionUID = 1L;

  /** Why the attempt may not start. */
  public enum Reason {
    /** {@code now} is before the task's {@code notBefore}. */
    NOT_BEFORE,
    /** The previous attempt's worker probes ALIVE. */
    PREVIOUS_WORKER_ALIVE,
    /** The previous attempt's worker is on this host and probes UNKNOWN. */
    PREVIOUS_WORKER_UNKNOWN,
    /** The task is not QUEUED (or WAITING with an answer). */
    NOT_QUEUED
  }

  private final RunId runId;
  private final TaskId taskId;
  private final Reason reason;
  private final @Nullable Instant notBefore;
  private final @Nullable ProcessRef previousWorker;

  /**
   * Creates the exception.
   *
   * @param runId the run
   * @param taskId the task
   * @param reason why the attempt may not start
   * @param notBefore the task's back-off instant, for {@link Reason#NOT_BEFORE}
   * @param previousWorker the previous attempt's worker, for the worker reasons
   * @param detail extra words for the message, may be empty
   */
  public AttemptNotStartableException(
      RunId runId,
      TaskId taskId,
      Reason reason,
      @Nullable Instant notBefore,
      @Nullable ProcessRef previousWorker,
      String detail) {
    super(
        "task "
            + taskId
            + " of run "
            + runId
            + " cannot start a new attempt: "
            + reason
            + (notBefore == null ? "" : " (not before " + notBefore + ")")
            + (previousWorker == null ? "" : " (previous worker " + previousWorker + ")")
            + (detail.isEmpty() ? "" : ": " + detail));
    this.runId = runId;
    this.taskId = taskId;
    this.reason = reason;
    this.notBefore = notBefore;
    this.previousWorker = previousWorker;
  }

  /** Returns the run. */
  public RunId runId() {
    return runId;
  }

  /** Returns the task. */
  public TaskId taskId() {
    return taskId;
  }

  /** Returns why the attempt may not start. */
  public Reason reason() {
    return reason;
  }

  /** Returns the back-off instant, when the reason is {@link Reason#NOT_BEFORE}. */
  public @Nullable Instant notBefore() {
    return notBefore;
  }

  /** Returns the previous attempt's worker, when a worker reason applies. */
  public @Nullable ProcessRef previousWorker() {
    return previousWorker;
  }
}
