package dev.crewrecovery.core.internal.decide;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Lease;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What is known about one run at one instant (DESIGN section 2, "evidence"): the committed
 * snapshot, the session's heartbeat observations, probe results keyed as DESIGN section 7 says, the
 * leases of the sessions that vouch for remote refs, and the instants at which logs were seen
 * growing. Immutable and thread-safe.
 *
 * <p>Probe results are kept as given: one whose key does not match the snapshot is not an error, it
 * is ignored by {@link Decider#decide} (that process counts as unprobed). Observations and log
 * instants must name tasks of the snapshot.
 *
 * @param snapshot the committed snapshot being judged
 * @param observations heartbeat observations by task
 * @param workerProbes worker probe results by (attempt, ref)
 * @param runnerProbes runner probe results by (ref, epoch)
 * @param leases the leases of vouching sessions, by session
 * @param taskLogGrowth per task, the last instant its worker's log was seen growing
 * @param runnerLogGrowth the last instant the runner's log was seen growing, or null
 */
public record Evidence(
    RunSnapshot snapshot,
    Map<TaskId, TaskObservation> observations,
    Map<WorkerProbeKey, Liveness> workerProbes,
    Map<RunnerProbeKey, Liveness> runnerProbes,
    Map<SessionId, Lease> leases,
    Map<TaskId, Instant> taskLogGrowth,
    @Nullable Instant runnerLogGrowth) {

  /**
   * Validates the components and copies the maps.
   *
   * @throws IllegalArgumentException if an observation is filed under another task than its
   *     attempt's, names another run, or names a task the snapshot lacks; if a lease is filed under
   *     another session than its own; or if a log instant names a task the snapshot lacks
   * @throws NullPointerException if a component, key or value is null
   */
  public Evidence {
    Objects.requireNonNull(snapshot, "snapshot");
    observations = Map.copyOf(observations);
    workerProbes = Map.copyOf(workerProbes);
    runnerProbes = Map.copyOf(runnerProbes);
    leases = Map.copyOf(leases);
    taskLogGrowth = Map.copyOf(taskLogGrowth);
    for (Map.Entry<TaskId, TaskObservation> e : observations.entrySet()) {
      AttemptId attempt = e.getValue().attempt();
      if (!attempt.taskId().equals(e.getKey())) {
        throw new IllegalArgumentException(
            "observation of attempt " + attempt + " is filed under task " + e.getKey());
      }
      if (!attempt.runId().equals(snapshot.runId())) {
        throw new IllegalArgumentException(
            "observation of attempt " + attempt + " is given for run " + snapshot.runId());
      }
      requireTask(snapshot, e.getKey(), "an observation");
    }
    for (Map.Entry<SessionId, Lease> e : leases.entrySet()) {
      if (!e.getValue().session().equals(e.getKey())) {
        throw new IllegalArgumentException(
            "the lease of session " + e.getValue().session() + " is filed under " + e.getKey());
      }
    }
    for (TaskId task : taskLogGrowth.keySet()) {
      requireTask(snapshot, task, "a log instant");
    }
  }

  private static void requireTask(RunSnapshot snapshot, TaskId task, String what) {
    if (snapshot.task(task).isEmpty()) {
      throw new IllegalArgumentException(
          "run " + snapshot.runId() + " has no task " + task + " but " + what + " names it");
    }
  }

  /**
   * Returns evidence that holds only the snapshot: no observation, probe, lease or log.
   *
   * @param snapshot the snapshot
   * @return the evidence
   */
  public static Evidence of(RunSnapshot snapshot) {
    return builder(snapshot).build();
  }

  /**
   * Returns a builder of evidence about {@code snapshot}.
   *
   * @param snapshot the snapshot
   * @return an empty builder
   */
  public static Builder builder(RunSnapshot snapshot) {
    return new Builder(snapshot);
  }

  /** Returns a builder initialised with this evidence. */
  public Builder toBuilder() {
    Builder b = new Builder(snapshot);
    b.observations.putAll(observations);
    b.workerProbes.putAll(workerProbes);
    b.runnerProbes.putAll(runnerProbes);
    b.leases.putAll(leases);
    b.taskLogGrowth.putAll(taskLogGrowth);
    b.runnerLogGrowth = runnerLogGrowth;
    return b;
  }

  /**
   * Returns the probe result of a worker, if one was given under exactly this key.
   *
   * @param attempt the attempt
   * @param ref the worker's ref
   * @return the result, or null when unprobed
   */
  public @Nullable Liveness workerProbe(AttemptId attempt, ProcessRef ref) {
    return workerProbes.get(new WorkerProbeKey(attempt, ref));
  }

  /**
   * Returns the probe result of a runner, if one was given under exactly this key.
   *
   * @param ref the runner's ref
   * @param epoch the run's epoch
   * @return the result, or null when unprobed
   */
  public @Nullable Liveness runnerProbe(ProcessRef ref, long epoch) {
    return runnerProbes.get(new RunnerProbeKey(ref, epoch));
  }

  /**
   * Returns the lease of a session, if known.
   *
   * @param session the session
   * @return the lease, or null
   */
  public @Nullable Lease lease(SessionId session) {
    return leases.get(session);
  }

  /** A mutable builder of {@link Evidence}; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private RunSnapshot snapshot;
    private final Map<TaskId, TaskObservation> observations = new HashMap<>();
    private final Map<WorkerProbeKey, Liveness> workerProbes = new HashMap<>();
    private final Map<RunnerProbeKey, Liveness> runnerProbes = new HashMap<>();
    private final Map<SessionId, Lease> leases = new HashMap<>();
    private final Map<TaskId, Instant> taskLogGrowth = new HashMap<>();
    private @Nullable Instant runnerLogGrowth;

    private Builder(RunSnapshot snapshot) {
      this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
    }

    /** Replaces the snapshot (observations and logs must still name its tasks). */
    public Builder snapshot(RunSnapshot snapshot) {
      this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
      return this;
    }

    /** Adds or replaces the observation of the observation's task. */
    public Builder observation(TaskObservation observation) {
      observations.put(observation.attempt().taskId(), observation);
      return this;
    }

    /** Adds or replaces a worker probe result. */
    public Builder workerProbe(AttemptId attempt, ProcessRef ref, Liveness liveness) {
      workerProbes.put(new WorkerProbeKey(attempt, ref), Objects.requireNonNull(liveness));
      return this;
    }

    /** Adds or replaces a runner probe result. */
    public Builder runnerProbe(ProcessRef ref, long epoch, Liveness liveness) {
      runnerProbes.put(new RunnerProbeKey(ref, epoch), Objects.requireNonNull(liveness));
      return this;
    }

    /** Adds or replaces the lease of the lease's session. */
    public Builder lease(Lease lease) {
      leases.put(lease.session(), lease);
      return this;
    }

    /** Records that a task's log was seen growing at {@code at}. */
    public Builder taskLogGrowth(TaskId task, Instant at) {
      taskLogGrowth.put(Objects.requireNonNull(task), Objects.requireNonNull(at));
      return this;
    }

    /** Records that the runner's log was seen growing at {@code at} (null: never). */
    public Builder runnerLogGrowth(@Nullable Instant at) {
      this.runnerLogGrowth = at;
      return this;
    }

    /**
     * Builds and validates the evidence.
     *
     * @return the evidence
     * @throws IllegalArgumentException as {@link Evidence#Evidence} does
     */
    public Evidence build() {
      return new Evidence(
          snapshot,
          observations,
          workerProbes,
          runnerProbes,
          leases,
          taskLogGrowth,
          runnerLogGrowth);
    }
  }
}
