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
 * @param lastLifeAt the freshest evidence of life by time: heartbeat, activity, or (while the worker
 *     probes ALIVE or UNKNOWN) a growing log; null when there is none or the worker announced its end
 * @param lifeAge the age of {@code lastLifeAt} at the decision (zero for a future instant), or null
 * @param hasTimestamp whether the task has any heartbeat or activity timestamp at all (an ended
 *     worker's included): what tells STALE from SILENT
 * @param deferred whether the class rests on an age (STALE, or a remote death by lease age) inside
 *     a grace window, so that no repair may rest on it
 * @param reason why the task got its class, in words
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
    String reason) {

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
}
