package dev.crewrecovery.testkit.properties;

import dev.crewrecovery.api.ApprovalMarker;
import dev.crewrecovery.api.ApprovalState;
import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskResult;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.WaitMarker;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.FakeProcessProbe;
import dev.crewrecovery.testkit.InMemoryRunStore;
import dev.crewrecovery.testkit.ManualDriver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * A random store of runs, written directly (as another tool or an earlier crash left them), with
 * scripted process answers, for the properties that run the real engine through a {@link
 * ManualDriver}. A seed gives the same world every time; {@link #toString()} describes it.
 *
 * <p>Runs differ in status (BLOCKED with and without approval, terminal ones included), owner
 * (none, another session with an expired or a live lease, an older incarnation of the driver's
 * session), runner (none, ALIVE, UNKNOWN, DEAD), manifest age, and per task in status, result,
 * worker answer (ALIVE, UNKNOWN, DEAD, RECYCLED, never registered), heartbeat age and wait marker.
 */
final class World {
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  static final SessionId SELF = SessionId.of("self");
  static final SessionId OTHER = SessionId.of("other");

  enum OwnerKind {
    NONE,
    OTHER_EXPIRED,
    OTHER_LIVE,
    OWN_OLDER
  }

  final long seed;
  final FakeClock clock = new FakeClock(T0);
  final InMemoryRunStore store = InMemoryRunStore.open(clock);
  final FakeProcessProbe probe = new FakeProcessProbe();
  final boolean grace;
  final Map<RunId, String> described = new LinkedHashMap<>();

  /** What each worker answers, by ref, as scripted. */
  final Map<ProcessRef, Liveness> answers = new LinkedHashMap<>();

  /** Which runs have a runner that probes DEAD (process evidence that fails every task). */
  final List<RunId> deadRunners = new ArrayList<>();

  private long nextPid = 2000;

  World(long seed) {
    this.seed = seed;
    SplittableRandom r = new SplittableRandom(seed);
    grace = r.nextInt(4) == 0;
    // An earlier incarnation of the driver's session, and a second session, exist.
    store.acquireLease(SELF, T0.minus(Duration.ofHours(30)));
    boolean otherLive = r.nextBoolean();
    store.acquireLease(OTHER, otherLive ? T0 : T0.minus(Duration.ofMinutes(5)));
    int runs = 1 + r.nextInt(3);
    for (int i = 0; i < runs; i++) {
      addRun(r, RunId.of("run-" + i), otherLive);
    }
  }

  private static <T> T pick(SplittableRandom r, List<T> from) {
    return from.get(r.nextInt(from.size()));
  }

  private void addRun(SplittableRandom r, RunId id, boolean otherLive) {
    RunStatus status =
        pick(
            r,
            List.of(
                RunStatus.QUEUED,
                RunStatus.RUNNING,
                RunStatus.RUNNING,
                RunStatus.RUNNING,
                RunStatus.BLOCKED,
                RunStatus.COMPLETED,
                RunStatus.FAILED,
                RunStatus.CANCELLED));
    OwnerKind ownerKind = pick(r, List.of(OwnerKind.values()));
    Owner owner =
        switch (ownerKind) {
          case NONE -> null;
          case OTHER_EXPIRED, OTHER_LIVE -> new Owner(OTHER, 1);
          case OWN_OLDER -> new Owner(SELF, 1);
        };
    if (ownerKind == OwnerKind.OTHER_EXPIRED || ownerKind == OwnerKind.OTHER_LIVE) {
      ownerKind = otherLive ? OwnerKind.OTHER_LIVE : OwnerKind.OTHER_EXPIRED;
    }
    Duration updated =
        pick(r, List.of(Duration.ofMinutes(1), Duration.ofHours(2), Duration.ofHours(25)));
    ApprovalMarker approval =
        status == RunStatus.BLOCKED && r.nextBoolean()
            ? new ApprovalMarker(T0.minus(Duration.ofDays(2)), ApprovalState.PENDING)
            : null;
    ProcessRef runner = null;
    String runnerText = "none";
    if (r.nextInt(4) == 0) {
      runner = probe.spawn(nextPid++);
      Liveness l = pick(r, List.of(Liveness.ALIVE, Liveness.UNKNOWN, Liveness.DEAD));
      probe.set(runner, l);
      runnerText = l.toString();
      if (l == Liveness.DEAD) {
        deadRunners.add(id);
      }
    }
    Manifest m =
        Manifest.created(id, owner, T0.minus(Duration.ofDays(3))).toBuilder()
            .status(status)
            .epoch(1 + r.nextInt(3))
            .updatedAt(T0.minus(updated))
            .runner(runner, null, null)
            .approval(approval)
            .build();
    int n = 1 + r.nextInt(3);
    List<TaskState> tasks = new ArrayList<>();
    StringBuilder text =
        new StringBuilder(
            status
                + (approval != null ? "+approval" : "")
                + " owner "
                + ownerKind
                + " runner "
                + runnerText
                + " updated "
                + updated
                + " ago; tasks");
    for (int j = 0; j < n; j++) {
      tasks.add(task(r, id, "t" + j, text));
    }
    store.create(new RunSnapshot(1, m, tasks), List.of());
    described.put(id, text.toString());
  }

  private TaskState task(SplittableRandom r, RunId run, String name, StringBuilder text) {
    TaskStatus status =
        pick(
            r,
            List.of(
                TaskStatus.QUEUED,
                TaskStatus.RUNNING,
                TaskStatus.RUNNING,
                TaskStatus.RUNNING,
                TaskStatus.WAITING,
                TaskStatus.COMPLETED,
                TaskStatus.FAILED,
                TaskStatus.CANCELLED,
                TaskStatus.SKIPPED,
                TaskStatus.NEEDS_ATTENTION));
    TaskId id = TaskId.of(name);
    if (status == TaskStatus.QUEUED) {
      text.append(' ').append(name).append("=QUEUED");
      return TaskState.queued(id);
    }
    ProcessRef worker = probe.spawn(nextPid++);
    String answer = pick(r, List.of("ALIVE", "UNKNOWN", "DEAD", "RECYCLED", "UNREGISTERED"));
    switch (answer) {
      case "UNKNOWN" -> probe.set(worker, Liveness.UNKNOWN);
      case "DEAD" -> probe.exit(worker);
      case "RECYCLED" -> probe.recycle(worker);
      case "UNREGISTERED" -> {
        // a ref of this host that the probe never heard of: it answers its default, UNKNOWN
        ProcessRef stranger = ProcessRef.linux(nextPid++, worker.host(), worker.bootId(), 1);
        probe.exit(worker);
        worker = stranger;
      }
      default -> {}
    }
    answers.put(worker, probe.peek(worker));
    Attempt a = Attempt.started(AttemptId.of(run, id, 1), T0.minus(Duration.ofDays(2)), worker);
    boolean result =
        (status == TaskStatus.RUNNING || status == TaskStatus.WAITING) && r.nextInt(3) == 0;
    if (result || status == TaskStatus.COMPLETED) {
      a = a.withResult(new TaskResult("out/" + name, T0.minus(Duration.ofMinutes(2))));
    }
    Duration seen =
        pick(
            r,
            java.util.Arrays.asList(
                null, Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofHours(25)));
    WaitMarker marker =
        status == TaskStatus.WAITING
            ? new WaitMarker(
                T0.minus(r.nextBoolean() ? Duration.ofHours(1) : Duration.ofHours(25)), null, "q")
            : null;
    text.append(' ')
        .append(name)
        .append('=')
        .append(status)
        .append(result ? "+result" : "")
        .append(" worker ")
        .append(answer)
        .append(" seen ")
        .append(seen)
        .append(marker == null ? "" : " asked " + Duration.between(marker.askedAt(), T0) + " ago");
    return new TaskState(
        id, status, List.of(a), true, marker, null, seen == null ? null : T0.minus(seen), null);
  }

  /**
   * Builds the driver's host on this world (incarnation 2 of {@link #SELF}) and runs its first
   * recovery tick; for a world in a grace window, the wall clock first steps an hour forward and
   * the watcher sees the discontinuity.
   */
  ManualDriver host() {
    ManualDriver d =
        ManualDriver.builder().clock(clock).store(store).probe(probe).sessionId(SELF).build();
    if (grace) {
      // The watcher notices the step and opens the session's grace window before the first pass.
      d.watch();
      d.stepWall(Duration.ofHours(1));
      d.watch();
    }
    d.reconcile();
    return d;
  }

  Map<RunId, RunSnapshot> snapshots() {
    Map<RunId, RunSnapshot> out = new LinkedHashMap<>();
    for (RunId id : store.allRuns()) {
      out.put(id, store.load(id).orElseThrow());
    }
    return out;
  }

  Map<RunId, Integer> eventCounts() {
    Map<RunId, Integer> out = new LinkedHashMap<>();
    for (RunId id : store.allRuns()) {
      out.put(id, store.events(id, 0, 100_000).size());
    }
    return out;
  }

  List<RunEvent> events() {
    List<RunEvent> out = new ArrayList<>();
    for (RunId id : store.allRuns()) {
      out.addAll(store.events(id, 0, 100_000));
    }
    return out;
  }

  @Nullable Liveness answerOf(@Nullable ProcessRef ref) {
    return ref == null ? null : answers.get(ref);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("world " + seed + (grace ? " (grace window)" : ""));
    described.forEach((id, t) -> sb.append("\n  ").append(id).append(": ").append(t));
    return sb.toString();
  }
}
