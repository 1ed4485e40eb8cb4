package dev.crewrecovery.core.internal.ledger;

import dev.crewrecovery.api.NewEvent;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The event types the ledger, repairs and the watcher append, and a builder of their data. */
public final class Events {
  /** A run was created. */
  public static final String RUN_CREATED = "run.created";

  /** A run moved QUEUED → PLANNING. */
  public static final String RUN_PLANNING = "run.planning";

  /** A run moved to RUNNING (start, or the first attempt of a QUEUED/PLANNING run). */
  public static final String RUN_STARTED = "run.started";

  /** A run moved to BLOCKED. */
  public static final String RUN_BLOCKED = "run.blocked";

  /** A run's approval marker became APPROVED. */
  public static final String RUN_APPROVED = "run.approved";

  /** A run's approval marker became REJECTED. */
  public static final String RUN_REJECTED = "run.rejected";

  /** A run moved BLOCKED → RUNNING. */
  public static final String RUN_UNBLOCKED = "run.unblocked";

  /** A run's runner was recorded. */
  public static final String RUN_RUNNER_RECORDED = "run.runner_recorded";

  /** A run moved to a terminal status through the ledger. */
  public static final String RUN_FINISHED = "run.finished";

  /** A terminal run moved back to RUNNING for an explicit retry of one of its tasks. */
  public static final String RUN_REOPENED = "run.reopened";

  /** After a finish, workers of cancelled tasks still ran (terminated) or were UNKNOWN. */
  public static final String RUN_WORKERS_TERMINATED = "run.workers_terminated";

  /** An attempt started. */
  public static final String TASK_STARTED = "task.started";

  /** An attempt recorded its result. */
  public static final String TASK_RESULT_RECORDED = "task.result_recorded";

  /** A task completed. */
  public static final String TASK_COMPLETED = "task.completed";

  /** A task failed (no retry). */
  public static final String TASK_FAILED = "task.failed";

  /** An attempt failed and its task was requeued with a back-off. */
  public static final String TASK_RETRY_SCHEDULED = "task.retry_scheduled";

  /** A task was cancelled. */
  public static final String TASK_CANCELLED = "task.cancelled";

  /** A task was skipped. */
  public static final String TASK_SKIPPED = "task.skipped";

  /** A task moved to NEEDS_ATTENTION. */
  public static final String TASK_NEEDS_ATTENTION = "task.needs_attention";

  /** A task parked waiting for an answer. */
  public static final String TASK_WAITING = "task.waiting";

  /** A waiting task got its answer. */
  public static final String TASK_ANSWERED = "task.answered";

  /** A terminal task was explicitly retried. */
  public static final String TASK_RETRIED = "task.retried";

  /** A watched task entered DEAD (appended, no state change). */
  public static final String TASK_HEARTBEAT_DEAD = "task.heartbeat_dead";

  /** A watched task left DEAD (appended, no state change). */
  public static final String TASK_HEARTBEAT_RECOVERED = "task.heartbeat_recovered";

  /** The watcher wrote a HEARTBEAT_DEAD deadletter entry (appended, no state change). */
  public static final String TASK_DEADLETTERED = "task.deadlettered";

  /** A loop saw a time discontinuity (appended, no state change). */
  public static final String TIME_DISCONTINUITY = "time.discontinuity";

  private Events() {}

  /**
   * Starts an event's data.
   *
   * @return a builder
   */
  public static Data data() {
    return new Data();
  }

  /** An insertion-ordered builder of event data that leaves out null values. */
  public static final class Data {
    private final Map<String, String> map = new LinkedHashMap<>();

    private Data() {}

    /**
     * Adds a value unless it is null.
     *
     * @param key the key
     * @param value the value, converted with {@code toString()}
     * @return this builder
     */
    public Data put(String key, @Nullable Object value) {
      if (value != null) {
        map.put(key, value.toString());
      }
      return this;
    }

    /**
     * Builds the event.
     *
     * @param type the type
     * @param at when
     * @return the event
     */
    public NewEvent event(String type, Instant at) {
      return NewEvent.of(type, at, map);
    }
  }
}
