package dev.crewrecovery.core.internal.decide;

import static dev.crewrecovery.core.internal.decide.Runs.NOW;
import static dev.crewrecovery.core.internal.decide.Runs.POLICY;
import static dev.crewrecovery.core.internal.decide.Runs.RUN;
import static dev.crewrecovery.core.internal.decide.Runs.ago;
import static dev.crewrecovery.core.internal.decide.Runs.localRef;
import static dev.crewrecovery.core.internal.decide.Runs.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.ApprovalMarker;
import dev.crewrecovery.api.ApprovalState;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.VerdictKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exhaustive enumeration of the discrete evidence of runs with one and two tasks, checking the
 * ordering properties of DESIGN section 7 on every combination each applies to.
 *
 * <p>Dimensions: run status (a BLOCKED run once per approval marker: none, PENDING, APPROVED,
 * REJECTED); runner (none, unprobed, ALIVE, UNKNOWN, DEAD, RECYCLED); manifest age (fresh, older
 * than 24 h); grace window (closed, open); and per task its status (all 8), whether its current
 * attempt has a result, its worker's probe (ALIVE, DEAD, RECYCLED, UNKNOWN, none), its timestamp
 * (none, 1 min old, 2 days old) and, for a WAITING task, its wait marker (none, 1 h old, 3 days
 * old). Runs of one task take every combination (about 36 000 runs, each decided with the window
 * closed and open). Runs of two tasks take every unordered pair of the 300 task variants (45 150
 * pairs) under the run-level evidence where two tasks' evidence interacts: runner-less RUNNING and
 * BLOCKED runs, and RUNNING runs with a live and with a dead runner. About 570 000 decisions.
 *
 * <p>The enumeration runs once; each test asserts one property over the cases it applies to, and
 * that it applied to enough of them for the check to mean something.
 */
class DeciderEnumerationTest {

  enum Age {
    NONE,
    FRESH,
    STALE;

    @Nullable Instant instant() {
      return switch (this) {
        case NONE -> null;
        case FRESH -> ago(Duration.ofMinutes(1));
        case STALE -> ago(Duration.ofDays(2));
      };
    }
  }

  enum Marker {
    NONE,
    FRESH,
    OLD
  }

  enum Runner {
    NONE,
    UNPROBED,
    ALIVE,
    UNKNOWN,
    DEAD,
    RECYCLED;

    boolean dead() {
      return this == DEAD || this == RECYCLED;
    }

    boolean aliveOrUnknown() {
      return this == ALIVE || this == UNKNOWN;
    }
  }

  /** One task variant; {@code probe} null means no probe result. */
  record TaskCase(
      TaskStatus status, boolean result, @Nullable Liveness probe, Age age, Marker marker) {

    boolean settled() {
      return status.isTerminal() || (result && open());
    }

    boolean open() {
      return status == TaskStatus.RUNNING || status == TaskStatus.WAITING;
    }

    /** RUNNING or WAITING without a result of its current attempt: what step 4 classifies. */
    boolean classified() {
      return open() && !result;
    }

    boolean liveWorker() {
      return classified() && (probe == Liveness.ALIVE || probe == Liveness.UNKNOWN);
    }

    boolean deadWorker() {
      return classified() && probe != null && probe.isDead();
    }

    boolean liveByAge() {
      return classified() && !deadWorker() && age == Age.FRESH;
    }

    TaskState build(String id, ProcessRef worker) {
      Runs.TaskBuilder b = task(id, status).worker(worker).seen(age.instant());
      if (result) {
        b.result();
      }
      if (marker == Marker.FRESH) {
        b.waitingSince(ago(Duration.ofHours(1)));
      } else if (marker == Marker.OLD) {
        b.waitingSince(ago(Duration.ofDays(3)));
      }
      return b.build();
    }
  }

  /** A task variant built under one id, with its probe result keyed to its attempt. */
  record BuiltTask(TaskCase spec, TaskState state, @Nullable WorkerProbeKey probeKey) {
    static BuiltTask of(TaskCase spec, String id, long pid) {
      ProcessRef worker = localRef(pid);
      TaskState state = spec.build(id, worker);
      WorkerProbeKey key =
          spec.probe() == null || state.currentAttempt().isEmpty()
              ? null
              : new WorkerProbeKey(state.currentAttempt().get().id(), worker);
      return new BuiltTask(spec, state, key);
    }
  }

  record RunLevel(
      RunStatus status, @Nullable ApprovalState approval, Runner runner, boolean manifestOld) {
    boolean pendingApproval() {
      return approval == ApprovalState.PENDING;
    }
  }

  record RunCase(
      RunLevel run,
      List<BuiltTask> tasks,
      List<TaskCase> specs,
      boolean freshWait,
      boolean oldWait,
      boolean allSettled) {

    RunCase(RunLevel run, List<BuiltTask> tasks) {
      this(
          run,
          tasks,
          tasks.stream().map(BuiltTask::spec).toList(),
          tasks.stream().anyMatch(t -> t.spec().marker() == Marker.FRESH),
          tasks.stream().anyMatch(t -> t.spec().marker() == Marker.OLD),
          !tasks.isEmpty() && tasks.stream().allMatch(t -> t.spec().settled()));
    }

    /** Not terminal, not awaiting approval, no fresh wait marker: steps 0 and 1 do not fire. */
    boolean unshielded() {
      return !run.status().isTerminal() && !run.pendingApproval() && !freshWait;
    }

    RunCase reversed() {
      List<BuiltTask> r = new ArrayList<>(tasks);
      Collections.reverse(r);
      return new RunCase(run, r);
    }

    Verdict decide(boolean grace) {
      ProcessRef runnerRef = RUNNER;
      Manifest m =
          new Manifest(
              RUN,
              run.status(),
              null,
              1,
              ago(Duration.ofDays(9)),
              run.manifestOld() ? ago(Duration.ofDays(3)) : ago(Duration.ofMinutes(1)),
              run.runner() == Runner.NONE ? null : runnerRef,
              null,
              null,
              run.approval() == null
                  ? null
                  : new ApprovalMarker(ago(Duration.ofDays(2)), run.approval()),
              List.of(),
              null,
              Map.of());
      List<TaskState> states = new ArrayList<>(tasks.size());
      Map<WorkerProbeKey, Liveness> probes = new HashMap<>(4);
      for (BuiltTask t : tasks) {
        states.add(t.state());
        WorkerProbeKey key = t.probeKey();
        Liveness probe = t.spec().probe();
        if (key != null && probe != null) {
          probes.put(key, probe);
        }
      }
      Map<RunnerProbeKey, Liveness> runnerProbes =
          run.runner() == Runner.NONE || run.runner() == Runner.UNPROBED
              ? Map.of()
              : Map.of(new RunnerProbeKey(runnerRef, 1), Liveness.valueOf(run.runner().name()));
      Evidence e =
          new Evidence(
              new RunSnapshot(7, m, states),
              Map.of(),
              probes,
              runnerProbes,
              Map.of(),
              Map.of(),
              null);
      return Decider.decide(e, NOW, grace ? TimeState.inGraceWindow() : TimeState.calm(), POLICY);
    }

    @Override
    public String toString() {
      return run + " " + specs;
    }
  }

  /** How often a property applied, and its first counterexample. */
  static final class Tally {
    int applied;
    @Nullable String firstViolation;
    int violations;

    void check(boolean ok, String what, RunCase c, Verdict v) {
      if (!ok) {
        violations++;
        if (firstViolation == null) {
          firstViolation =
              what
                  + "\n  case: "
                  + c
                  + "\n  verdict: "
                  + v.kind()
                  + " by "
                  + v.rule()
                  + " - "
                  + v.why();
        }
      }
    }
  }

  private static final ProcessRef RUNNER = localRef(1);
  private static final Map<String, Tally> TALLIES = new LinkedHashMap<>();
  private static int decided;

  private static Tally tally(String property) {
    return TALLIES.computeIfAbsent(property, k -> new Tally());
  }

  private static List<TaskCase> taskVariants() {
    List<TaskCase> out = new ArrayList<>();
    List<Liveness> probes = new ArrayList<>(List.of(Liveness.values()));
    probes.add(null);
    for (TaskStatus s : TaskStatus.values()) {
      for (boolean result : new boolean[] {false, true}) {
        for (Liveness p : probes) {
          for (Age a : Age.values()) {
            for (Marker m :
                s == TaskStatus.WAITING ? Marker.values() : new Marker[] {Marker.NONE}) {
              out.add(new TaskCase(s, result, p, a, m));
            }
          }
        }
      }
    }
    return out;
  }

  private static List<RunLevel> runLevels(
      Set<RunStatus> statuses, Set<Runner> runners, boolean[] manifestAges) {
    List<RunLevel> out = new ArrayList<>();
    for (RunStatus s : RunStatus.values()) {
      if (!statuses.contains(s)) {
        continue;
      }
      List<ApprovalState> approvals = new ArrayList<>();
      approvals.add(null);
      if (s == RunStatus.BLOCKED) {
        approvals.addAll(List.of(ApprovalState.values()));
      }
      for (ApprovalState a : approvals) {
        for (Runner r : runners) {
          for (boolean old : manifestAges) {
            out.add(new RunLevel(s, a, r, old));
          }
        }
      }
    }
    return out;
  }

  @BeforeAll
  static void enumerate() {
    List<TaskCase> variants = taskVariants();
    List<BuiltTask> first = new ArrayList<>();
    List<BuiltTask> second = new ArrayList<>();
    for (int i = 0; i < variants.size(); i++) {
      first.add(BuiltTask.of(variants.get(i), "a" + i, 100 + i));
      second.add(BuiltTask.of(variants.get(i), "b" + i, 1000 + i));
    }
    boolean[] both = {false, true};

    for (RunLevel run :
        runLevels(EnumSet.allOf(RunStatus.class), EnumSet.allOf(Runner.class), both)) {
      for (BuiltTask t : first) {
        checkAll(new RunCase(run, List.of(t)), false);
      }
    }

    // Pairs: the run-level evidence under which two tasks' evidence interacts. Terminal runs and
    // the other runners are covered by the runs of one task, where nothing else can interfere.
    RunLevel orderLevel = new RunLevel(RunStatus.RUNNING, null, Runner.NONE, true);
    List<RunLevel> pairLevels =
        List.of(
            orderLevel,
            new RunLevel(RunStatus.BLOCKED, null, Runner.NONE, true),
            new RunLevel(RunStatus.RUNNING, null, Runner.ALIVE, true),
            new RunLevel(RunStatus.RUNNING, null, Runner.DEAD, false));
    for (RunLevel run : pairLevels) {
      boolean checkOrder = run.equals(orderLevel);
      for (int i = 0; i < first.size(); i++) {
        for (int j = i; j < second.size(); j++) {
          checkAll(new RunCase(run, List.of(first.get(i), second.get(j))), checkOrder);
        }
      }
    }
  }

  private static void checkAll(RunCase c, boolean checkOrder) {
    Verdict calm = c.decide(false);
    Verdict grace = c.decide(true);
    decided += 2;
    RunLevel run = c.run();
    List<TaskCase> specs = c.specs;

    if (run.status().isTerminal()) {
      Tally t = tally("terminal");
      t.applied++;
      t.check(calm.kind() == VerdictKind.TERMINAL, "terminal run -> TERMINAL", c, calm);
      t.check(grace.kind() == VerdictKind.TERMINAL, "terminal run -> TERMINAL in grace", c, grace);
      t.check(calm.repair() == Repair.NONE, "TERMINAL writes nothing", c, calm);
    }

    if (run.pendingApproval()) {
      Tally t = tally("approval");
      t.applied++;
      t.check(
          calm.kind() == VerdictKind.AWAITING_APPROVAL, "PENDING -> AWAITING_APPROVAL", c, calm);
      t.check(grace.kind() == VerdictKind.AWAITING_APPROVAL, "PENDING in grace", c, grace);
    }

    if (!run.status().isTerminal() && !run.pendingApproval() && c.freshWait) {
      Tally t = tally("fresh wait");
      t.applied++;
      t.check(calm.kind() == VerdictKind.WAITING_ANSWER, "fresh marker -> WAITING_ANSWER", c, calm);
      t.check(grace.kind() == VerdictKind.WAITING_ANSWER, "fresh marker in grace", c, grace);
    }

    if (c.unshielded() && c.allSettled) {
      Tally t = tally("result");
      t.applied++;
      VerdictKind expected =
          run.status() == RunStatus.BLOCKED && calm.derivedStatus() == RunStatus.COMPLETED
              ? VerdictKind.RESULT_READY_BLOCKED
              : VerdictKind.RESULT_EXISTS;
      t.check(calm.kind() == expected, "all settled -> " + expected, c, calm);
      t.check(
          grace.kind() == (c.oldWait ? VerdictKind.DEFERRED : expected),
          "result evidence is never deferred (but a wait marker's age is)",
          c,
          grace);
    }

    if (c.unshielded() && !c.allSettled && run.runner().dead()) {
      Tally t = tally("dead runner");
      t.applied++;
      t.check(calm.kind() == VerdictKind.PROCESS_DEAD, "dead runner -> PROCESS_DEAD", c, calm);
      t.check(calm.repair() == Repair.REPAIR, "PROCESS_DEAD repairs", c, calm);
      t.check(
          grace.kind() == (c.oldWait ? VerdictKind.DEFERRED : VerdictKind.PROCESS_DEAD),
          "a dead runner is never deferred",
          c,
          grace);
    }

    if (c.unshielded() && !c.allSettled && run.runner().aliveOrUnknown()) {
      Tally t = tally("live runner");
      t.applied++;
      boolean moved = !run.manifestOld() || specs.stream().anyMatch(s -> s.age() == Age.FRESH);
      VerdictKind expected = moved ? VerdictKind.HEALTHY : VerdictKind.ALIVE_BUT_STALE;
      t.check(calm.kind() == expected, "live runner -> " + expected, c, calm);
      t.check(
          grace.kind() == (moved && !c.oldWait ? VerdictKind.HEALTHY : VerdictKind.DEFERRED),
          "live runner in grace",
          c,
          grace);
      t.check(calm.tasksToRepair().isEmpty(), "no task-level repair under a runner", c, calm);
    }

    if (run.runner() == Runner.NONE && specs.stream().anyMatch(TaskCase::liveWorker)) {
      Tally t = tally("live worker");
      t.applied++;
      Set<VerdictKind> forbidden =
          EnumSet.of(VerdictKind.PROCESS_DEAD, VerdictKind.STALE_NO_PROCESS, VerdictKind.ABANDONED);
      for (Verdict v : List.of(calm, grace)) {
        t.check(!forbidden.contains(v.kind()), "live worker -> no dead/stale/abandoned", c, v);
        t.check(v.step() < 4 || v.kind() == VerdictKind.ACTIVE, "live worker -> ACTIVE", c, v);
        for (int i = 0; i < specs.size(); i++) {
          if (specs.get(i).liveWorker()) {
            TaskId id = c.tasks().get(i).state().id();
            t.check(!v.deadTasks().contains(id), "a live worker's task is not dead", c, v);
          }
        }
      }
    }

    if (run.runner() == Runner.NONE && c.unshielded() && !c.allSettled) {
      Tally t = tally("step 4 order");
      t.applied++;
      List<TaskCase> open = specs.stream().filter(TaskCase::classified).toList();
      VerdictKind expected;
      if (open.stream().anyMatch(s -> s.liveWorker() || s.liveByAge())) {
        expected = VerdictKind.ACTIVE;
      } else if (open.stream().anyMatch(TaskCase::deadWorker)) {
        expected = VerdictKind.PROCESS_DEAD;
      } else if (open.stream().anyMatch(s -> s.age() != Age.NONE)) {
        expected = VerdictKind.STALE_NO_PROCESS;
      } else if (run.manifestOld()) {
        expected = VerdictKind.ABANDONED;
      } else {
        expected = VerdictKind.NO_EVIDENCE;
      }
      t.check(calm.kind() == expected, "step 4 -> " + expected, c, calm);
      boolean anyDead = open.stream().anyMatch(TaskCase::deadWorker);
      t.check(
          calm.repair()
              == (expected == VerdictKind.ACTIVE && anyDead
                  ? Repair.TASK_REPAIR
                  : expected == VerdictKind.ACTIVE || expected == VerdictKind.NO_EVIDENCE
                      ? Repair.NONE
                      : Repair.REPAIR),
          "step 4 repair",
          c,
          calm);
    }

    Tally g = tally("grace");
    g.applied++;
    Set<VerdictKind> ageOnly =
        EnumSet.of(
            VerdictKind.STALE_NO_PROCESS, VerdictKind.ABANDONED, VerdictKind.ALIVE_BUT_STALE);
    g.check(!ageOnly.contains(grace.kind()), "grace -> no age-only verdict", c, grace);
    g.check(
        grace.repair() != Repair.REPAIR || grace.kind() == VerdictKind.PROCESS_DEAD,
        "grace -> run-level repair only on process evidence",
        c,
        grace);
    if (ageOnly.contains(calm.kind())) {
      g.check(grace.kind() == VerdictKind.DEFERRED, "age-only verdict -> DEFERRED", c, grace);
    }
    boolean stepOneDeferral = grace.rule() == Rule.WAIT_MARKER_AGE_DEFERRED;
    if (!stepOneDeferral && calm.kind() == VerdictKind.PROCESS_DEAD) {
      for (TaskId dead : calm.deadTasks()) {
        g.check(
            grace.kind() == VerdictKind.PROCESS_DEAD || grace.tasksToRepair().contains(dead),
            "a dead worker is repaired inside a grace window too",
            c,
            grace);
      }
    }
    if (!stepOneDeferral
        && EnumSet.of(
                VerdictKind.TERMINAL,
                VerdictKind.AWAITING_APPROVAL,
                VerdictKind.WAITING_ANSWER,
                VerdictKind.RESULT_EXISTS,
                VerdictKind.RESULT_READY_BLOCKED,
                VerdictKind.ACTIVE,
                VerdictKind.HEALTHY,
                VerdictKind.NO_EVIDENCE)
            .contains(calm.kind())) {
      g.check(grace.kind() == calm.kind(), "a grace window defers nothing but ages", c, grace);
    }

    Tally s = tally("settled tasks");
    s.applied++;
    for (Verdict v : List.of(calm, grace)) {
      for (int i = 0; i < specs.size(); i++) {
        if (!specs.get(i).classified()) {
          TaskId id = c.tasks().get(i).state().id();
          s.check(!v.deadTasks().contains(id), "settled/queued task never dead", c, v);
        }
      }
    }

    if (checkOrder && c.tasks().size() == 2) {
      Tally t = tally("order");
      t.applied++;
      RunCase r = c.reversed();
      t.check(calm.equals(c.decide(false)), "deterministic", c, calm);
      decided++;
      for (boolean inGrace : both()) {
        Verdict v = inGrace ? grace : calm;
        Verdict reversed = r.decide(inGrace);
        decided++;
        t.check(v.kind() == reversed.kind(), "order-independent kind", c, v);
        t.check(v.repair() == reversed.repair(), "order-independent repair", c, v);
        t.check(
            new HashSet<>(v.deadTasks()).equals(new HashSet<>(reversed.deadTasks())),
            "order-independent dead tasks",
            c,
            v);
      }
    }
  }

  private static boolean[] both() {
    return new boolean[] {false, true};
  }

  private static void assertHolds(String property, int atLeast) {
    Tally t = TALLIES.get(property);
    assertThat(t).as("property %s was checked", property).isNotNull();
    assertThat(t.firstViolation)
        .as("%s: %d violations of %d cases", property, t.violations, t.applied)
        .isNull();
    assertThat(t.applied).as("cases %s applied to", property).isGreaterThanOrEqualTo(atLeast);
  }

  @Test
  void theEnumerationCoversHundredsOfThousandsOfDecisions() {
    assertThat(decided).isGreaterThan(500_000);
  }

  @Test
  void aTerminalRunIsAlwaysTerminal() {
    assertHolds("terminal", 10_000);
  }

  @Test
  void aPendingApprovalWinsOverEverythingButTerminal() {
    assertHolds("approval", 3_000);
  }

  @Test
  void aFreshWaitMarkerShieldsEveryUnterminatedRunNotAwaitingApproval() {
    assertHolds("fresh wait", 10_000);
  }

  @Test
  void resultEvidenceBeatsProcessEvidence() {
    assertHolds("result", 10_000);
  }

  @Test
  void aDeadRunnerIsProcessDeadWhateverTheTasksSay() {
    assertHolds("dead runner", 10_000);
  }

  @Test
  void aLiveRunnerIsAliveButStaleExactlyWhenNothingMovedFor24h() {
    assertHolds("live runner", 10_000);
  }

  @Test
  void aLiveWorkerInARunnerlessRunIsNeverJudgedDeadStaleOrAbandoned() {
    assertHolds("live worker", 10_000);
  }

  @Test
  void aRunnerlessRunFollowsTheTaskClassesInOrderLiveDeadStaleAbandoned() {
    assertHolds("step 4 order", 10_000);
  }

  @Test
  void insideAGraceWindowNoRepairRestsOnAnAgeAndProcessEvidenceIsNeverDeferred() {
    assertHolds("grace", 100_000);
  }

  @Test
  void settledAndQueuedTasksAreNeverJudgedDead() {
    assertHolds("settled tasks", 100_000);
  }

  @Test
  void theVerdictIsDeterministicAndIndependentOfTaskOrder() {
    assertHolds("order", 10_000);
  }
}
