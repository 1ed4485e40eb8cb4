package dev.crewrecovery.core.internal.decide;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The evidence the decision function used about one task, and the class it gave it. Immutable.
 *
 * @param task the task
 * @param status its status in the judged snapshot
 * @param attempt its current attempt, or null
 * @param taskClass its class (step 4 of DESIGN section 7)
 * @param worker the judgment of its current attempt's worker, or null when none is recorded
 * @param lastLifeAt the freshest evidence of life by time: heartbeat, activity, or (while the
 *     worker probes ALIVE or UNKNOWN) a growing log; null when there is none or the worker
 *     announced its end
 * @param lifeAge the age of {@code lastLifeAt} at the decision (zero for a future instant), or null
 * @param hasTimestamp whether the task has any heartbeat or activity timestamp at all (an ended
 *     worker's included): what tells STALE from SILENT
 * @param deferred whether the class rests on an age (STALE, or a remote death by lease age) inside
 *     a grace window, so that no repair may rest on it
 * @param reason the piece of evidence that decided the class
 */
public record TaskEvidence(
    TaskId task,
    TaskStatus status,
    @Nullable AttemptId attempt,
    TaskClass taskClass,
    @Nullable ProcessJudgment worker,
    @Nullable Instant lastLifeAt,
    @Nullable Duration lifeAge,
    boolean hasTimestamp,
    boolean deferred,
    ClassReason reason) {

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if the instant and its age are not given together, or a class
   *     that no age decides is marked deferred
   */
  public TaskEvidence {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(taskClass, "taskClass");
    Objects.requireNonNull(reason, "reason");
    if ((lastLifeAt == null) != (lifeAge == null)) {
      throw new IllegalArgumentException("lastLifeAt and lifeAge go together");
    }
    if (deferred && taskClass != TaskClass.STALE && taskClass != TaskClass.DEAD) {
      throw new IllegalArgumentException("only STALE and DEAD rest on an age, was " + taskClass);
    }
  }

  /**
   * Returns the evidence in words, for events and reports, for example {@code t1 DEAD: worker
   * 42@host-a DEAD (PROBE)}. Rendered on demand, so deciding costs no text.
   */
  public String describe() {
    StringBuilder sb = new StringBuilder().append(task).append(' ').append(taskClass);
    if (deferred) {
      sb.append(" (deferred)");
    }
    sb.append(": ");
    switch (reason) {
      case TERMINAL -> sb.append("terminal (").append(status).append(')');
      case QUEUED -> sb.append("queued");
      case HAS_RESULT -> sb.append(status).append(" with a result of attempt ").append(attempt);
      case WORKER_DEAD, WORKER_ALIVE_OR_UNKNOWN -> sb.append("worker");
      case RECENT_LIFE -> sb.append("heartbeat or activity ").append(lifeAge).append(" ago");
      case OLD_LIFE -> sb.append("last heartbeat or activity ").append(lifeAge).append(" ago");
      case WORKER_ENDED -> sb.append("the worker announced its end");
      case NO_EVIDENCE -> sb.append("no heartbeat, activity or process evidence");
    }
    if (reason != ClassReason.TERMINAL && reason != ClassReason.QUEUED) {
      sb.append(
          reason == ClassReason.WORKER_DEAD || reason == ClassReason.WORKER_ALIVE_OR_UNKNOWN
              ? " "
              : ", worker ");
      sb.append(worker == null ? "not recorded" : worker.describe());
    }
    return sb.toString();
  }
}
