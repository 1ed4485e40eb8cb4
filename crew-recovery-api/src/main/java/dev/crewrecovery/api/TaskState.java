package dev.crewrecovery.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The state of one task of a run.
 *
 * @param id the task id
 * @param status its status
 * @param attempts every attempt so far, numbered 1..n in order
 * @param attemptCurrent whether the last attempt is current (an attempt is current from its start
 *     until the next attempt is created or the task is requeued)
 * @param waitMarker the wait marker; only a WAITING task has one
 * @param notBefore the earliest instant the next attempt may start (retry back-off), or null
 * @param lastSeenAt the last heartbeat known to the snapshot, or null (a task written by another
 *     tool may lack it)
 * @param lastActivityAt the last activity known to the snapshot, or null
 */
public record TaskState(
    TaskId id,
    TaskStatus status,
    List<Attempt> attempts,
    boolean attemptCurrent,
    @Nullable WaitMarker waitMarker,
    @Nullable Instant notBefore,
    @Nullable Instant lastSeenAt,
    @Nullable Instant lastActivityAt) {

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if attempts are not numbered 1..n for this task, a current
   *     attempt is claimed without attempts, or a task that is not WAITING has a wait marker
   */
  public TaskState {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
    attempts = Checks.copy(attempts, "attempts");
    for (int i = 0; i < attempts.size(); i++) {
      AttemptId a = attempts.get(i).id();
      if (!a.taskId().equals(id) || a.number() != i + 1) {
        throw new IllegalArgumentException(
            "task "
                + id
                + ": attempt "
                + (i + 1)
                + " has id "
                + a
                + "; attempts are numbered 1..n");
      }
    }
    if (attemptCurrent && attempts.isEmpty()) {
      throw new IllegalArgumentException("task " + id + " has a current attempt but no attempts");
    }
    if (waitMarker != null && status != TaskStatus.WAITING) {
      throw new IllegalArgumentException(
          "task " + id + " is " + status + " but has a wait marker; only WAITING tasks do");
    }
  }

  /**
   * Returns a new QUEUED task without attempts.
   *
   * @param id the task id
   * @return the task
   */
  public static TaskState queued(TaskId id) {
    return new TaskState(id, TaskStatus.QUEUED, List.of(), false, null, null, null, null);
  }

  /** Returns the current attempt, if the task has one. */
  public Optional<Attempt> currentAttempt() {
    return attemptCurrent ? Optional.of(attempts.get(attempts.size() - 1)) : Optional.empty();
  }

  /** Returns the latest attempt, current or not. */
  public Optional<Attempt> lastAttempt() {
    return attempts.isEmpty() ? Optional.empty() : Optional.of(attempts.get(attempts.size() - 1));
  }

  /** Returns whether the current attempt has recorded a result. */
  public boolean hasCurrentResult() {
    return currentAttempt().map(a -> a.result() != null).orElse(false);
  }

  /** Returns the fresher of {@link #lastSeenAt()} and {@link #lastActivityAt()}, or null. */
  public @Nullable Instant freshestTimestamp() {
    if (lastSeenAt == null) {
      return lastActivityAt;
    }
    if (lastActivityAt == null) {
      return lastSeenAt;
    }
    return lastSeenAt.isAfter(lastActivityAt) ? lastSeenAt : lastActivityAt;
  }

  /** Returns a builder initialised with this task's components. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A mutable builder of a {@link TaskState}; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private final TaskId id;
    private TaskStatus status;
    private List<Attempt> attempts;
    private boolean attemptCurrent;
    private @Nullable WaitMarker waitMarker;
    private @Nullable Instant notBefore;
    private @Nullable Instant lastSeenAt;
    private @Nullable Instant lastActivityAt;

    private Builder(TaskState t) {
      id = t.id;
      status = t.status;
      attempts = t.attempts;
      attemptCurrent = t.attemptCurrent;
      waitMarker = t.waitMarker;
      notBefore = t.notBefore;
      lastSeenAt = t.lastSeenAt;
      lastActivityAt = t.lastActivityAt;
    }

    /** Sets the status. */
    public Builder status(TaskStatus status) {
      this.status = status;
      return this;
    }

    /** Sets the attempts. */
    public Builder attempts(List<Attempt> attempts) {
      this.attempts = attempts;
      return this;
    }

    /** Replaces the latest attempt. */
    public Builder replaceLastAttempt(Attempt attempt) {
      if (attempts.isEmpty()) {
        throw new IllegalStateException("task " + id + " has no attempt to replace");
      }
      java.util.ArrayList<Attempt> copy = new java.util.ArrayList<>(attempts);
      copy.set(copy.size() - 1, attempt);
      this.attempts = copy;
      return this;
    }

    /** Appends an attempt and makes it current. */
    public Builder addAttempt(Attempt attempt) {
      java.util.ArrayList<Attempt> copy = new java.util.ArrayList<>(attempts);
      copy.add(attempt);
      this.attempts = copy;
      this.attemptCurrent = true;
      return this;
    }

    /** Sets whether the latest attempt is current. */
    public Builder attemptCurrent(boolean attemptCurrent) {
      this.attemptCurrent = attemptCurrent;
      return this;
    }

    /** Sets the wait marker. */
    public Builder waitMarker(@Nullable WaitMarker waitMarker) {
      this.waitMarker = waitMarker;
      return this;
    }

    /** Sets the retry back-off instant. */
    public Builder notBefore(@Nullable Instant notBefore) {
      this.notBefore = notBefore;
      return this;
    }

    /** Sets the last heartbeat instant. */
    public Builder lastSeenAt(@Nullable Instant lastSeenAt) {
      this.lastSeenAt = lastSeenAt;
      return this;
    }

    /** Sets the last activity instant. */
    public Builder lastActivityAt(@Nullable Instant lastActivityAt) {
      this.lastActivityAt = lastActivityAt;
      return this;
    }

    /**
     * Builds and validates the task.
     *
     * @return the task
     */
    public TaskState build() {
      return new TaskState(
          id, status, attempts, attemptCurrent, waitMarker, notBefore, lastSeenAt, lastActivityAt);
    }
  }
}
