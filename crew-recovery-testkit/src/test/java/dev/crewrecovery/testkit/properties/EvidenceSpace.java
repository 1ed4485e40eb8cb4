package dev.crewrecovery.testkit.properties;

import dev.crewrecovery.api.ApprovalMarker;
import dev.crewrecovery.api.ApprovalState;
import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskResult;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.WaitMarker;
import dev.crewrecovery.core.internal.decide.DecisionPolicy;
import dev.crewrecovery.core.internal.decide.Evidence;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The discrete evidence space of issue 4, property 1: run status (with the approval marker) x wait
 * marker x all-terminal x runner probe x worker probes x activity bucket x update-age bucket, plus
 * the grace window. A case is a run of a <em>subject</em> task, which takes every variant, and an
 * optional <em>companion</em> task, which makes the run all-terminal or not and adds a second
 * task's evidence. Cases are plain values, so the oracle reads them without the snapshot.
 */
final class EvidenceSpace {
  static final Instant NOW = Instant.parse("2030-06-01T12:00:00Z");
  static final String HOST = "testhost";
  static final RunId RUN = RunId.of("run-1");
  static final DecisionPolicy POLICY = DecisionPolicy.defaults(HOST);

  private EvidenceSpace() {}

  /**
   * A run's status, BLOCKED once per approval marker. PLANNING is left out: section 7 treats it as
   * QUEUED and RUNNING.
   */
  enum RunState {
    QUEUED(RunStatus.QUEUED, null),
    RUNNING(RunStatus.RUNNING, null),
    BLOCKED(RunStatus.BLOCKED, null),
    BLOCKED_APPROVAL_PENDING(RunStatus.BLOCKED, ApprovalState.PENDING),
    BLOCKED_APPROVAL_APPROVED(RunStatus.BLOCKED, ApprovalState.APPROVED),
    COMPLETED(RunStatus.COMPLETED, null),
    FAILED(RunStatus.FAILED, null),
    CANCELLED(RunStatus.CANCELLED, null);

    final RunStatus status;
    final @Nullable ApprovalState approval;

    RunState(RunStatus status, @Nullable ApprovalState approval) {
      this.status = status;
      this.approval = approval;
    }
  }

  /** What a process probe said, or that it was not probed, or probed under a stale key. */
  enum Probe {
    NO_PROCESS,
    UNPROBED,
    ALIVE,
    UNKNOWN,
    DEAD,
    RECYCLED,
    /** A DEAD answer filed under a key that does not match (another attempt, an older epoch). */
    MISKEYED_DEAD;

    @Nullable Liveness liveness() {
      return switch (this) {
        case ALIVE -> Liveness.ALIVE;
        case UNKNOWN -> Liveness.UNKNOWN;
        case DEAD, MISKEYED_DEAD -> Liveness.DEAD;
        case RECYCLED -> Liveness.RECYCLED;
        case NO_PROCESS, UNPROBED -> null;
      };
    }
  }

  /** How old a task's fresher heartbeat or activity is. */
  enum Activity {
    NONE(null),
    ONE_MINUTE(Duration.ofMinutes(1)),
    EXACTLY_FIVE_MINUTES(Duration.ofMinutes(5)),
    TWENTY_FIVE_HOURS(Duration.ofHours(25));

    final @Nullable Duration age;

    Activity(@Nullable Duration age) {
      this.age = age;
    }
  }

  /** How old the manifest's last committed update is. */
  enum UpdateAge {
    ONE_MINUTE(Duration.ofMinutes(1)),
    EXACTLY_24_HOURS(Duration.ofHours(24)),
    TWENTY_FOUR_HOURS_AND_A_SECOND(Duration.ofHours(24).plusSeconds(1));

    final Duration age;

    UpdateAge(Duration age) {
      this.age = age;
    }
  }

  /** A WAITING task's wait marker. */
  enum Marker {
    NONE,
    ASKED_ONE_HOUR_AGO,
    ASKED_EXACTLY_24_HOURS_AGO,
    ASKED_25_HOURS_AGO,
    ASKED_IN_THE_FUTURE,
    DEADLINE_PASSED_A_SECOND_AGO;

    @Nullable WaitMarker marker() {
      return switch (this) {
        case NONE -> null;
        case ASKED_ONE_HOUR_AGO -> new WaitMarker(NOW.minus(Duration.ofHours(1)), null, "q");
        case ASKED_EXACTLY_24_HOURS_AGO ->
            new WaitMarker(NOW.minus(Duration.ofHours(24)), null, "q");
        case ASKED_25_HOURS_AGO -> new WaitMarker(NOW.minus(Duration.ofHours(25)), null, "q");
        case ASKED_IN_THE_FUTURE -> new WaitMarker(NOW.plus(Duration.ofHours(1)), null, "q");
        case DEADLINE_PASSED_A_SECOND_AGO ->
            new WaitMarker(NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(1), "q");
      };
    }
  }

  /** One task's evidence. */
  record TaskCase(
      String id, TaskStatus status, boolean result, Probe probe, Activity activity, Marker marker) {

    boolean hasAttempt() {
      return status != TaskStatus.QUEUED;
    }

    @Override
    public String toString() {
      return id
          + "["
          + status
          + (result ? " +result" : "")
          + " worker "
          + probe
          + " activity "
          + activity
          + (status == TaskStatus.WAITING ? " marker " + marker : "")
          + "]";
    }
  }

  /** A whole case. */
  record Case(
      RunState run,
      Probe runner,
      UpdateAge updateAge,
      boolean grace,
      TaskCase subject,
      @Nullable TaskCase companion) {

    List<TaskCase> tasks() {
      return companion == null ? List.of(subject) : List.of(subject, companion);
    }

    @Override
    public String toString() {
      return "run "
          + run
          + ", runner "
          + runner
          + ", updated "
          + updateAge
          + (grace ? ", grace window open" : "")
          + ", tasks "
          + tasks();
    }
  }

  /** Every variant of the subject task. */
  static List<TaskCase> subjects() {
    List<TaskCase> out = new ArrayList<>();
    out.add(
        new TaskCase("s", TaskStatus.QUEUED, false, Probe.NO_PROCESS, Activity.NONE, Marker.NONE));
    for (TaskStatus st :
        List.of(
            TaskStatus.COMPLETED,
            TaskStatus.FAILED,
            TaskStatus.CANCELLED,
            TaskStatus.SKIPPED,
            TaskStatus.NEEDS_ATTENTION)) {
      out.add(
          new TaskCase(
              "s", st, st == TaskStatus.COMPLETED, Probe.DEAD, Activity.NONE, Marker.NONE));
    }
    for (TaskStatus st : List.of(TaskStatus.RUNNING, TaskStatus.WAITING)) {
      for (boolean result : new boolean[] {false, true}) {
        for (Probe p : Probe.values()) {
          for (Activity a : Activity.values()) {
            for (Marker m :
                st == TaskStatus.WAITING ? Marker.values() : new Marker[] {Marker.NONE}) {
              out.add(new TaskCase("s", st, result, p, a, m));
            }
          }
        }
      }
    }
    return out;
  }

  /**
   * The companion variants: none, settled ones (so the run is all-terminal or not), and a dead, a
   * live and a stale unsettled one. A silent or cancelled companion adds nothing the subject's own
   * variants do not cover.
   */
  static List<@Nullable TaskCase> companions() {
    List<@Nullable TaskCase> out = new ArrayList<>();
    out.add(null);
    out.add(new TaskCase("c", TaskStatus.COMPLETED, true, Probe.DEAD, Activity.NONE, Marker.NONE));
    out.add(new TaskCase("c", TaskStatus.FAILED, false, Probe.DEAD, Activity.NONE, Marker.NONE));
    out.add(new TaskCase("c", TaskStatus.RUNNING, true, Probe.ALIVE, Activity.NONE, Marker.NONE));
    // dead by probe although it beat a minute ago: the probe wins
    out.add(
        new TaskCase("c", TaskStatus.RUNNING, false, Probe.DEAD, Activity.ONE_MINUTE, Marker.NONE));
    out.add(new TaskCase("c", TaskStatus.RUNNING, false, Probe.ALIVE, Activity.NONE, Marker.NONE));
    out.add(
        new TaskCase(
            "c",
            TaskStatus.RUNNING,
            false,
            Probe.UNPROBED,
            Activity.TWENTY_FIVE_HOURS,
            Marker.NONE));
    return out;
  }

  // ------------------------------------------------------------------------------ building

  static ProcessRef workerRef(String task) {
    return ProcessRef.linux(task.equals("s") ? 101 : 102, HOST, "boot-1", 5000);
  }

  static final ProcessRef RUNNER = ProcessRef.linux(100, HOST, "boot-1", 4000);

  static AttemptId attempt(String task, int n) {
    return AttemptId.of(RUN, TaskId.of(task), n);
  }

  static TaskState task(TaskCase t) {
    if (!t.hasAttempt()) {
      return TaskState.queued(TaskId.of(t.id()));
    }
    // Two attempts: the probes of the first one (same ref) must never count for the second.
    Instant start = NOW.minus(Duration.ofDays(3));
    Attempt first = Attempt.started(attempt(t.id(), 1), start, workerRef(t.id()));
    Attempt current =
        Attempt.started(
            attempt(t.id(), 2), start, t.probe() == Probe.NO_PROCESS ? null : workerRef(t.id()));
    if (t.result()) {
      current = current.withResult(new TaskResult("out", NOW.minus(Duration.ofMinutes(1))));
    }
    Instant seen = t.activity().age == null ? null : NOW.minus(t.activity().age);
    return new TaskState(
        TaskId.of(t.id()),
        t.status(),
        List.of(first, current),
        true,
        t.status() == TaskStatus.WAITING ? t.marker().marker() : null,
        null,
        seen,
        null);
  }

  private static final Map<TaskCase, TaskState> TASKS = new ConcurrentHashMap<>();
  private static final Map<List<Object>, Manifest> MANIFESTS = new ConcurrentHashMap<>();

  static RunSnapshot snapshot(Case c) {
    // Tasks and manifests are immutable values: built once per variant, shared by every case.
    Manifest m =
        MANIFESTS.computeIfAbsent(List.of(c.run(), c.runner(), c.updateAge()), k -> manifest(c));
    List<TaskState> tasks = new ArrayList<>(2);
    for (TaskCase t : c.tasks()) {
      tasks.add(TASKS.computeIfAbsent(t, EvidenceSpace::task));
    }
    return new RunSnapshot(5, m, tasks);
  }

  private static Manifest manifest(Case c) {
    return Manifest.created(RUN, null, NOW.minus(Duration.ofDays(30))).toBuilder()
        .status(c.run().status)
        .epoch(3)
        .updatedAt(NOW.minus(c.updateAge().age))
        .runner(c.runner() == Probe.NO_PROCESS ? null : RUNNER, null, null)
        .approval(
            c.run().approval == null
                ? null
                : new ApprovalMarker(NOW.minus(Duration.ofDays(2)), c.run().approval))
        .build();
  }

  static Evidence.Builder evidence(Case c) {
    Evidence.Builder b = Evidence.builder(snapshot(c));
    Liveness runner = c.runner().liveness();
    if (runner != null) {
      // a miskeyed answer names an older epoch of the run
      b.runnerProbe(RUNNER, c.runner() == Probe.MISKEYED_DEAD ? 2 : 3, runner);
    }
    for (TaskCase t : c.tasks()) {
      Liveness l = t.probe().liveness();
      if (l != null && t.hasAttempt()) {
        // a miskeyed answer names the previous attempt of the same worker ref
        int n = t.probe() == Probe.MISKEYED_DEAD ? 1 : 2;
        b.workerProbe(attempt(t.id(), n), workerRef(t.id()), l);
      }
    }
    return b;
  }
}
