package dev.crewrecovery.core;

import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.spi.DeadletterFilter;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Selects deadletter entries for {@link Deadletters#list}: by the stored fields (as {@link
 * DeadletterFilter}) and by computed state. Every null component matches everything; the time range
 * is inclusive at both ends. Immutable; the {@code with*} methods return copies.
 *
 * @param runId only entries of this run
 * @param taskId only entries of this task
 * @param reason only entries with this reason
 * @param from only entries written at or after this instant
 * @param to only entries written at or before this instant
 * @param state only entries whose computed state is this one
 */
public record DeadletterQuery(
    @Nullable RunId runId,
    @Nullable TaskId taskId,
    @Nullable DeadletterReason reason,
    @Nullable Instant from,
    @Nullable Instant to,
    @Nullable DeadletterState state) {

  /**
   * Returns the query that matches every entry.
   *
   * @return the query
   */
  public static DeadletterQuery all() {
    return new DeadletterQuery(null, null, null, null, null, null);
  }

  /**
   * Returns a copy restricted to one run.
   *
   * @param run the run, or null for any
   * @return the copy
   */
  public DeadletterQuery withRun(@Nullable RunId run) {
    return new DeadletterQuery(run, taskId, reason, from, to, state);
  }

  /**
   * Returns a copy restricted to one task.
   *
   * @param task the task, or null for any
   * @return the copy
   */
  public DeadletterQuery withTask(@Nullable TaskId task) {
    return new DeadletterQuery(runId, task, reason, from, to, state);
  }

  /**
   * Returns a copy restricted to one reason.
   *
   * @param why the reason, or null for any
   * @return the copy
   */
  public DeadletterQuery withReason(@Nullable DeadletterReason why) {
    return new DeadletterQuery(runId, taskId, why, from, to, state);
  }

  /**
   * Returns a copy restricted to a time range, inclusive at both ends.
   *
   * @param start the earliest instant, or null for no lower end
   * @param end the latest instant, or null for no upper end
   * @return the copy
   */
  public DeadletterQuery withRange(@Nullable Instant start, @Nullable Instant end) {
    return new DeadletterQuery(runId, taskId, reason, start, end, state);
  }

  /**
   * Returns a copy restricted to one computed state.
   *
   * @param wanted the state, or null for any
   * @return the copy
   */
  public DeadletterQuery withState(@Nullable DeadletterState wanted) {
    return new DeadletterQuery(runId, taskId, reason, from, to, wanted);
  }

  /**
   * Returns the part of the query a store can evaluate.
   *
   * @return the filter on stored fields
   */
  public DeadletterFilter storeFilter() {
    return new DeadletterFilter(runId, taskId, reason, from, to);
  }
}
