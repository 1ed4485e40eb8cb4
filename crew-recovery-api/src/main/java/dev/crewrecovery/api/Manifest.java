package dev.crewrecovery.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The run-level part of a snapshot.
 *
 * @param runId the run
 * @param status the run's status
 * @param owner the owning session and incarnation, or null when ownerless
 * @param epoch the ownership counter (fencing token), at least 1; +1 whenever a recovery write
 *     changes or clears the owner
 * @param createdAt when the run was created
 * @param updatedAt the last committed change of the run's state
 * @param runner the detached runner driving the run, if any
 * @param runnerVouchedBy the session vouching for the runner (a runner that embeds crew-recovery)
 * @param runnerLogPath the absolute path of the runner's log, if any
 * @param approval the approval marker; only a BLOCKED run has one
 * @param resumeHistory the last RESUMEs (at most 10 are kept by the engine), oldest first
 * @param summary a human-readable summary (for example the verdict of the repair that ended it)
 * @param attributes free host-defined key/value pairs
 */
public record Manifest(
    RunId runId,
    RunStatus status,
    @Nullable Owner owner,
    long epoch,
    Instant createdAt,
    Instant updatedAt,
    @Nullable ProcessRef runner,
    @Nullable SessionId runnerVouchedBy,
    @Nullable String runnerLogPath,
    @Nullable ApprovalMarker approval,
    List<ResumeRecord> resumeHistory,
    @Nullable String summary,
    Map<String, String> attributes) {

  /**
   * Validates the components and copies the collections.
   *
   * @throws IllegalArgumentException if {@code epoch < 1} or a non-BLOCKED run has an approval
   *     marker
   */
  public Manifest {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    if (epoch < 1) {
      throw new IllegalArgumentException("epoch must be at least 1, was " + epoch);
    }
    if (approval != null && status != RunStatus.BLOCKED) {
      throw new IllegalArgumentException(
          "run " + runId + " is " + status + " but has an approval marker; only BLOCKED runs do");
    }
    resumeHistory = Checks.copy(resumeHistory, "resumeHistory");
    attributes = Checks.copy(attributes, "attributes");
  }

  /**
   * Returns the manifest of a new run: QUEUED, epoch 1, created and updated at {@code now}.
   *
   * @param runId the run
   * @param owner the creating session, or null
   * @param now the creation instant
   * @return the manifest
   */
  public static Manifest created(RunId runId, @Nullable Owner owner, Instant now) {
    return new Manifest(
        runId,
        RunStatus.QUEUED,
        owner,
        1,
        now,
        now,
        null,
        null,
        null,
        null,
        List.of(),
        null,
        Map.of());
  }

  /** Returns a builder initialised with this manifest's components. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A mutable builder of a {@link Manifest}; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private RunId runId;
    private RunStatus status;
    private @Nullable Owner owner;
    private long epoch;
    private Instant createdAt;
    private Instant updatedAt;
    private @Nullable ProcessRef runner;
    private @Nullable SessionId runnerVouchedBy;
    private @Nullable String runnerLogPath;
    private @Nullable ApprovalMarker approval;
    private List<ResumeRecord> resumeHistory;
    private @Nullable String summary;
    private Map<String, String> attributes;

    private Builder(Manifest m) {
      runId = m.runId;
      status = m.status;
      owner = m.owner;
      epoch = m.epoch;
      createdAt = m.createdAt;
      updatedAt = m.updatedAt;
      runner = m.runner;
      runnerVouchedBy = m.runnerVouchedBy;
      runnerLogPath = m.runnerLogPath;
      approval = m.approval;
      resumeHistory = m.resumeHistory;
      summary = m.summary;
      attributes = m.attributes;
    }

    /** Sets the status. */
    public Builder status(RunStatus status) {
      this.status = status;
      return this;
    }

    /** Sets the owner (null for ownerless). */
    public Builder owner(@Nullable Owner owner) {
      this.owner = owner;
      return this;
    }

    /** Sets the epoch. */
    public Builder epoch(long epoch) {
      this.epoch = epoch;
      return this;
    }

    /** Sets the creation instant. */
    public Builder createdAt(Instant createdAt) {
      this.createdAt = createdAt;
      return this;
    }

    /** Sets the update instant. */
    public Builder updatedAt(Instant updatedAt) {
      this.updatedAt = updatedAt;
      return this;
    }

    /** Sets the runner, its vouching session and its log path. */
    public Builder runner(
        @Nullable ProcessRef runner,
        @Nullable SessionId runnerVouchedBy,
        @Nullable String runnerLogPath) {
      this.runner = runner;
      this.runnerVouchedBy = runnerVouchedBy;
      this.runnerLogPath = runnerLogPath;
      return this;
    }

    /** Sets the approval marker. */
    public Builder approval(@Nullable ApprovalMarker approval) {
      this.approval = approval;
      return this;
    }

    /** Sets the resume history. */
    public Builder resumeHistory(List<ResumeRecord> resumeHistory) {
      this.resumeHistory = resumeHistory;
      return this;
    }

    /** Sets the summary. */
    public Builder summary(@Nullable String summary) {
      this.summary = summary;
      return this;
    }

    /** Sets the attributes. */
    public Builder attributes(Map<String, String> attributes) {
      this.attributes = attributes;
      return this;
    }

    /** Sets the run id (used only by tools that copy runs). */
    public Builder runId(RunId runId) {
      this.runId = runId;
      return this;
    }

    /**
     * Builds and validates the manifest.
     *
     * @return the manifest
     */
    public Manifest build() {
      return new Manifest(
          runId,
          status,
          owner,
          epoch,
          createdAt,
          updatedAt,
          runner,
          runnerVouchedBy,
          runnerLogPath,
          approval,
          resumeHistory,
          summary,
          attributes);
    }
  }
}
