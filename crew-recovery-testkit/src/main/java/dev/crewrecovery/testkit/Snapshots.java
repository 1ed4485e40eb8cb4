package dev.crewrecovery.testkit;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.NewEvent;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskResult;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.WaitMarker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Snapshot builders for tests: concise, valid {@link RunSnapshot}s and small derivations of them.
 *
 * <pre>{@code
 * RunSnapshot s = Snapshots.run("r1").tasks("t1", "t2").build();        // QUEUED, version 1
 * RunSnapshot r = Snapshots.run("r2").status(RunStatus.RUNNING)
 *     .task("t1", TaskStatus.RUNNING).task("t2", TaskStatus.QUEUED).build();
 * RunSnapshot next = Snapshots.startAttempt(r, "t2", clock.now());     // t2 RUNNING, attempt 1
 * }</pre>
 *
 * <p>Builders and derivations produce structurally valid records (the API records validate
 * themselves) but do not apply the status transition tables: they build states for tests, and a
 * store persists whatever it is given. Every instant defaults to {@link FakeClock#DEFAULT_START}.
 * Derivations keep the version of the snapshot they are given, as an {@code UpdateFunction} must.
 *
 * <p>All methods are static and thread-safe; a {@link RunBuilder} is not thread-safe.
 */
public final class Snapshots {

  private Snapshots() {}

  /**
   * Starts building a run: QUEUED, ownerless, epoch 1, version 1, no tasks, created at {@link
   * FakeClock#DEFAULT_START}.
   *
   * @param runId the run id (validated by {@link RunId})
   * @return a builder
   */
  public static RunBuilder run(String runId) {
    return new RunBuilder(RunId.of(runId));
  }

  /**
   * Starts building a run, as {@link #run(String)}.
   *
   * @param runId the run id
   * @return a builder
   */
  public static RunBuilder run(RunId runId) {
    return new RunBuilder(runId);
  }

  /**
   * Returns the attempt id {@code <runId>:<taskId>:<n>}.
   *
   * @param runId the run
   * @param taskId the task
   * @param n the attempt number, at least 1
   * @return the attempt id
   */
  public static AttemptId attempt(String runId, String taskId, int n) {
    return AttemptId.of(RunId.of(runId), TaskId.of(taskId), n);
  }

  /**
   * Returns an event without data.
   *
   * @param type the event type, for example {@code run.created}
   * @param at when it happened
   * @return the event
   */
  public static NewEvent event(String type, Instant at) {
    return NewEvent.of(type, at, Map.of());
  }

  /**
   * Returns a copy with another run status (and no approval marker unless BLOCKED keeps one).
   *
   * @param s the snapshot
   * @param status the run status
   * @return the copy, same version
   */
  public static RunSnapshot withRunStatus(RunSnapshot s, RunStatus status) {
    Manifest.Builder b = s.manifest().toBuilder().status(status);
    if (status != RunStatus.BLOCKED) {
      b.approval(null);
    }
    return s.withManifest(b.build());
  }

  /**
   * Returns a copy with one manifest attribute set.
   *
   * @param s the snapshot
   * @param key the attribute key
   * @param value the value
   * @return the copy, same version
   */
  public static RunSnapshot withAttribute(RunSnapshot s, String key, String value) {
    Map<String, String> attributes = new LinkedHashMap<>(s.manifest().attributes());
    attributes.put(key, value);
    return s.withManifest(s.manifest().toBuilder().attributes(attributes).build());
  }

  /**
   * Returns a copy in which a task runs a new current attempt (number n+1), started at {@code at}.
   * The task becomes RUNNING and its wait marker is cleared.
   *
   * @param s the snapshot
   * @param taskId a task of the run
   * @param at the start instant
   * @return the copy, same version
   * @throws IllegalArgumentException if the run has no such task
   */
  public static RunSnapshot startAttempt(RunSnapshot s, String taskId, Instant at) {
    TaskState t = task(s, taskId);
    AttemptId id = AttemptId.of(s.runId(), t.id(), t.attempts().size() + 1);
    return s.withTask(
        t.toBuilder()
            .status(TaskStatus.RUNNING)
            .waitMarker(null)
            .addAttempt(Attempt.started(id, at, null))
            .lastSeenAt(at)
            .build());
  }

  /**
   * Returns a copy in which a task has another status; attempts are kept, the wait marker is set
   * for WAITING and cleared otherwise.
   *
   * @param s the snapshot
   * @param taskId a task of the run
   * @param status the task status
   * @return the copy, same version
   * @throws IllegalArgumentException if the run has no such task
   */
  public static RunSnapshot withTaskStatus(RunSnapshot s, String taskId, TaskStatus status) {
    TaskState t = task(s, taskId);
    Instant at = s.manifest().updatedAt();
    return s.withTask(
        t.toBuilder()
            .status(status)
            .waitMarker(status == TaskStatus.WAITING ? new WaitMarker(at, null, "question") : null)
            .build());
  }

  /**
   * Returns a copy in which a task is requeued: QUEUED, its last attempt no longer current.
   *
   * @param s the snapshot
   * @param taskId a task of the run
   * @return the copy, same version
   * @throws IllegalArgumentException if the run has no such task
   */
  public static RunSnapshot requeue(RunSnapshot s, String taskId) {
    TaskState t = task(s, taskId);
    return s.withTask(
        t.toBuilder().status(TaskStatus.QUEUED).waitMarker(null).attemptCurrent(false).build());
  }

  /**
   * Returns a copy with QUEUED tasks appended.
   *
   * @param s the snapshot
   * @param taskIds the new task ids
   * @return the copy, same version
   */
  public static RunSnapshot appendTasks(RunSnapshot s, String... taskIds) {
    List<TaskState> tasks = new ArrayList<>(s.tasks());
    for (String id : taskIds) {
      tasks.add(TaskState.queued(TaskId.of(id)));
    }
    return s.withTasks(tasks);
  }

  private static TaskState task(RunSnapshot s, String taskId) {
    TaskId id = TaskId.of(taskId);
    return s.task(id)
        .orElseThrow(
            () -> new IllegalArgumentException("run " + s.runId() + " has no task " + taskId));
  }

  /**
   * A builder of a {@link RunSnapshot}. Not thread-safe; {@link #build()} may be called more than
   * once.
   */
  public static final class RunBuilder {
    private final RunId runId;
    private RunStatus status = RunStatus.QUEUED;
    private @Nullable Owner owner;
    private long epoch = 1;
    private long version = 1;
    private Instant at = FakeClock.DEFAULT_START;
    private @Nullable String summary;
    private final Map<String, String> attributes = new LinkedHashMap<>();
    private final List<TaskSpec> tasks = new ArrayList<>();

    private RunBuilder(RunId runId) {
      this.runId = Objects.requireNonNull(runId, "runId");
    }

    /** Sets the run status (default QUEUED). */
    public RunBuilder status(RunStatus status) {
      this.status = Objects.requireNonNull(status, "status");
      return this;
    }

    /** Sets the owner (default none). */
    public RunBuilder owner(@Nullable Owner owner) {
      this.owner = owner;
      return this;
    }

    /** Sets the owner to a session id and incarnation. */
    public RunBuilder owner(String session, long incarnation) {
      return owner(new Owner(SessionId.of(session), incarnation));
    }

    /** Sets the epoch (default 1). */
    public RunBuilder epoch(long epoch) {
      this.epoch = epoch;
      return this;
    }

    /** Sets the version (default 1, as {@code RunStore.create} requires). */
    public RunBuilder version(long version) {
      this.version = version;
      return this;
    }

    /**
     * Sets the instant used for creation, update, attempt starts and results (default {@link
     * FakeClock#DEFAULT_START}).
     */
    public RunBuilder at(Instant at) {
      this.at = Objects.requireNonNull(at, "at");
      return this;
    }

    /** Sets a manifest attribute. */
    public RunBuilder attribute(String key, String value) {
      attributes.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Sets the summary. */
    public RunBuilder summary(@Nullable String summary) {
      this.summary = summary;
      return this;
    }

    /** Appends QUEUED tasks without attempts. */
    public RunBuilder tasks(String... taskIds) {
      for (String id : taskIds) {
        task(id, TaskStatus.QUEUED);
      }
      return this;
    }

    /**
     * Appends a task in a status, with the attempts that status implies: none for QUEUED and
     * SKIPPED; otherwise one current attempt started at the builder's instant, with a result when
     * COMPLETED, a failure when FAILED, and a wait marker on the task when WAITING.
     *
     * @param taskId the task id
     * @param status its status
     * @return this builder
     */
    public RunBuilder task(String taskId, TaskStatus status) {
      tasks.add(new TaskSpec(TaskId.of(taskId), status, null));
      return this;
    }

    /** Appends a RUNNING task with one current attempt. */
    public RunBuilder runningTask(String taskId) {
      return task(taskId, TaskStatus.RUNNING);
    }

    /** Appends a task as given. */
    public RunBuilder task(TaskState task) {
      tasks.add(new TaskSpec(task.id(), task.status(), task));
      return this;
    }

    /**
     * Builds the snapshot.
     *
     * @return the snapshot
     * @throws IllegalArgumentException if the records reject the combination (a repeated task id,
     *     version below 1, epoch below 1)
     */
    public RunSnapshot build() {
      Manifest manifest =
          Manifest.created(runId, owner, at).toBuilder()
              .status(status)
              .epoch(epoch)
              .attributes(attributes)
              .summary(summary)
              .build();
      List<TaskState> built = new ArrayList<>();
      for (TaskSpec spec : tasks) {
        built.add(spec.given != null ? spec.given : taskIn(spec.id, spec.status));
      }
      return new RunSnapshot(version, manifest, built);
    }

    private TaskState taskIn(TaskId id, TaskStatus status) {
      TaskState queued = TaskState.queued(id);
      if (status == TaskStatus.QUEUED || status == TaskStatus.SKIPPED) {
        return queued.toBuilder().status(status).build();
      }
      Attempt attempt = Attempt.started(AttemptId.of(runId, id, 1), at, null);
      if (status == TaskStatus.COMPLETED) {
        attempt = attempt.withResult(new TaskResult("result-of-" + id, at)).withEndedAt(at);
      } else if (status == TaskStatus.FAILED) {
        attempt = attempt.withFailure(Failure.of("TEST_FAILURE", "failed", at)).withEndedAt(at);
      }
      return queued.toBuilder()
          .status(status)
          .addAttempt(attempt)
          .lastSeenAt(at)
          .waitMarker(status == TaskStatus.WAITING ? new WaitMarker(at, null, "question") : null)
          .build();
    }

    private record TaskSpec(TaskId id, TaskStatus status, @Nullable TaskState given) {}
  }
}
