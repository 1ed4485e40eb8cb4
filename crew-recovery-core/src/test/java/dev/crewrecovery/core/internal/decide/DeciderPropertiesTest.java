package dev.crewrecovery.core.internal.decide;

import static dev.crewrecovery.core.internal.decide.Runs.HOST;
import static dev.crewrecovery.core.internal.decide.Runs.NOW;
import static dev.crewrecovery.core.internal.decide.Runs.OTHER_HOST;
import static dev.crewrecovery.core.internal.decide.Runs.POLICY;
import static dev.crewrecovery.core.internal.decide.Runs.RUN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.crewrecovery.api.ApprovalMarker;
import dev.crewrecovery.api.ApprovalState;
import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Lease;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskResult;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.api.WaitMarker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.generators.Generate;

/**
 * Properties of {@link Decider#decide} over generated runs of up to six tasks, with workers and
 * runners on this host and another, vouching sessions and their leases, probe results (some keyed
 * to another attempt, ref or epoch), heartbeat observations (some of other attempts, some ended),
 * growing logs, instants on both sides of every threshold and in the future, and every time state.
 * QuickTheories generates and shrinks; a failure prints the seed ({@code -DQT_SEED=...} replays
 * it).
 */
class DeciderPropertiesTest {

  private static final int EXAMPLES = 1_000;
  private static final SessionId[] SESSIONS = {
    SessionId.of("s-live"), SessionId.of("s-late"), SessionId.of("s-gone")
  };

  /** A generated decision problem; {@code order} permutes the tasks for the order property. */
  record Scenario(Evidence evidence, TimeState time, List<Integer> order) {
    Verdict decide() {
      return Decider.decide(evidence, NOW, time, POLICY);
    }

    Verdict decide(Evidence other) {
      return Decider.decide(other, NOW, time, POLICY);
    }

    Verdict decideInGraceWindow() {
      return Decider.decide(evidence, NOW, new TimeState(true, null, null), POLICY);
    }
  }

  // ---------------------------------------------------------------- generation

  private static int pick(RandomnessSource in, int n) {
    return Generate.range(0, n - 1).generate(in);
  }

  private static boolean chance(RandomnessSource in, int percent) {
    return pick(in, 100) < percent;
  }

  private static <T> T oneOf(RandomnessSource in, List<T> values) {
    return values.get(pick(in, values.size()));
  }

  /** Offsets from NOW (positive: in the past) on and around every threshold, and in the future. */
  private static final List<Duration> AGES =
      List.of(
          Duration.ZERO,
          Duration.ofMillis(1),
          Duration.ofSeconds(30),
          Duration.ofSeconds(30).plusMillis(1),
          Duration.ofMinutes(5),
          Duration.ofMinutes(5).plusMillis(1),
          Duration.ofHours(1),
          Duration.ofHours(24),
          Duration.ofHours(24).plusMillis(1),
          Duration.ofDays(3),
          Duration.ofMinutes(-1),
          Duration.ofDays(-2));

  private static Instant instant(RandomnessSource in) {
    if (chance(in, 70)) {
      return NOW.minus(oneOf(in, AGES));
    }
    return NOW.minusMillis(Generate.longRange(-2L * 86_400_000, 5L * 86_400_000).generate(in));
  }

  private static @Nullable Instant maybeInstant(RandomnessSource in) {
    return chance(in, 25) ? null : instant(in);
  }

  private static ProcessRef ref(RandomnessSource in, long pid) {
    return ProcessRef.linux(pid, chance(in, 70) ? HOST : OTHER_HOST, "boot", pid * 7);
  }

  private static @Nullable SessionId maybeSession(RandomnessSource in) {
    return chance(in, 30) ? null : SESSIONS[pick(in, SESSIONS.length)];
  }

  private static final Gen<Scenario> SCENARIOS = DeciderPropertiesTest::scenario;

  private static Scenario scenario(RandomnessSource in) {
    RunStatus status =
        oneOf(
            in,
            List.of(
                RunStatus.QUEUED,
                RunStatus.PLANNING,
                RunStatus.RUNNING,
                RunStatus.RUNNING,
                RunStatus.RUNNING,
                RunStatus.BLOCKED,
                RunStatus.BLOCKED,
                RunStatus.COMPLETED,
                RunStatus.FAILED,
                RunStatus.CANCELLED));
    ApprovalMarker approval =
        status == RunStatus.BLOCKED && chance(in, 50)
            ? new ApprovalMarker(instant(in), oneOf(in, List.of(ApprovalState.values())))
            : null;
    long epoch = 1 + pick(in, 3);
    ProcessRef runner = chance(in, 40) ? ref(in, 1) : null;
    SessionId runnerVoucher = runner == null ? null : maybeSession(in);
    Manifest manifest =
        new Manifest(
            RUN,
            status,
            null,
            epoch,
            NOW.minus(Duration.ofDays(10)),
            instant(in),
            runner,
            runnerVoucher,
            null,
            approval,
            List.of(),
            null,
            Map.of());

    int n = pick(in, 7);
    List<TaskState> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tasks.add(task(in, "t" + i, 100 + 10L * i));
    }
    RunSnapshot snapshot = new RunSnapshot(3, manifest, tasks);

    Evidence.Builder e = Evidence.builder(snapshot);
    for (TaskState t : tasks) {
      Attempt current = t.currentAttempt().orElse(null);
      Attempt last = t.lastAttempt().orElse(null);
      if (last != null && last.worker() != null && chance(in, 80)) {
        Liveness probe = oneOf(in, List.of(Liveness.values()));
        ProcessRef ref = last.worker();
        AttemptId key = last.id();
        int mismatch = pick(in, 10);
        if (mismatch == 0) {
          ref = ref.withStartTicks(ref.startTicks() + 1); // a recycled pid's ref
        } else if (mismatch == 1 && key.number() > 1) {
          key = AttemptId.of(RUN, t.id(), key.number() - 1);
        }
        e.workerProbe(key, ref, probe);
      }
      if (last != null && chance(in, 60)) {
        AttemptId of = current != null || chance(in, 50) ? last.id() : AttemptId.of(RUN, t.id(), 1);
        e.observation(
            new TaskObservation(
                of, maybeInstant(in), maybeInstant(in), chance(in, 15), chance(in, 85)));
      }
      if (chance(in, 20)) {
        e.taskLogGrowth(t.id(), instant(in));
      }
    }
    if (runner != null && chance(in, 80)) {
      e.runnerProbe(
          chance(in, 90) ? runner : runner.withStartTicks(3),
          chance(in, 85) ? epoch : epoch + 1,
          oneOf(in, List.of(Liveness.values())));
    }
    if (runner != null && chance(in, 20)) {
      e.runnerLogGrowth(instant(in));
    }
    for (SessionId s : SESSIONS) {
      if (chance(in, 75)) {
        Instant renewed = instant(in);
        e.lease(new Lease(s, 1 + pick(in, 3), renewed.minusSeconds(60), renewed, chance(in, 15)));
      }
    }

    TimeState time =
        switch (pick(in, 4)) {
          case 0, 1 -> TimeState.calm();
          case 2 -> TimeState.inGraceWindow();
          default ->
              new TimeState(
                  chance(in, 50),
                  Duration.ofMinutes(1 + pick(in, 6 * 60)),
                  NOW.minus(Duration.ofHours(pick(in, 30))));
        };

    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(pick(in, order.size() + 1), i);
    }
    return new Scenario(e.build(), time, order);
  }

  private static TaskState task(RandomnessSource in, String id, long pid) {
    TaskStatus status = oneOf(in, List.of(TaskStatus.values()));
    int attempts = status == TaskStatus.QUEUED ? pick(in, 2) : 1 + pick(in, 3);
    boolean current = attempts > 0 && (status != TaskStatus.QUEUED) && chance(in, 90);
    List<Attempt> list = new ArrayList<>();
    for (int a = 1; a <= attempts; a++) {
      Attempt at = Attempt.started(AttemptId.of(RUN, TaskId.of(id), a), instant(in), null);
      if (chance(in, 85)) {
        at = at.withWorker(ref(in, pid + a), maybeSession(in), null);
      }
      if (chance(in, 30)) {
        at = at.withResult(new TaskResult("r", instant(in)));
      }
      list.add(at);
    }
    WaitMarker marker =
        status == TaskStatus.WAITING && chance(in, 70)
            ? new WaitMarker(instant(in), chance(in, 40) ? instant(in) : null, "q")
            : null;
    return new TaskState(
        TaskId.of(id), status, list, current, marker, null, maybeInstant(in), maybeInstant(in));
  }

  private static Evidence withTasksIn(Evidence e, List<Integer> order) {
    List<TaskState> permuted = new ArrayList<>();
    for (int i : order) {
      permuted.add(e.snapshot().tasks().get(i));
    }
    return e.toBuilder().snapshot(e.snapshot().withTasks(permuted)).build();
  }

  // ---------------------------------------------------------------- properties

  @Test
  void decidingIsDeterministicAndDoesNotDependOnTaskOrder() {
    qt().withExamples(EXAMPLES)
        .forAll(SCENARIOS)
        .checkAssert(
            s -> {
              Verdict v = s.decide();
              Verdict permuted = s.decide(withTasksIn(s.evidence(), s.order()));
              assertThat(s.decide()).isEqualTo(v);
              assertThat(permuted.kind()).isEqualTo(v.kind());
              assertThat(permuted.repair()).isEqualTo(v.repair());
              assertThat(permuted.deferredKind()).isEqualTo(v.deferredKind());
              assertThat(new HashSet<>(permuted.deadTasks()))
                  .isEqualTo(new HashSet<>(v.deadTasks()));
              assertThat(permuted.aliveWorkers()).isEqualTo(v.aliveWorkers());
            });
  }

  @Test
  void probeResultsKeyedToAnotherAttemptRefOrEpochAreIgnored() {
    qt().withExamples(EXAMPLES)
        .forAll(SCENARIOS, Generate.enumValues(Liveness.class))
        .checkAssert(
            (s, noise) -> {
              Evidence e = s.evidence();
              Evidence.Builder b = e.toBuilder();
              for (TaskState t : e.snapshot().tasks()) {
                for (Attempt a : t.attempts()) {
                  ProcessRef w = a.worker();
                  if (w != null) {
                    b.workerProbe(AttemptId.of(RUN, t.id(), a.id().number() + 5), w, noise);
                    b.workerProbe(a.id(), w.withStartTicks(w.startTicks() + 99), noise);
                  }
                }
              }
              ProcessRef runner = e.snapshot().manifest().runner();
              if (runner != null) {
                b.runnerProbe(runner, e.snapshot().manifest().epoch() + 7, noise);
                b.runnerProbe(
                    runner.withStartTicks(12_345), e.snapshot().manifest().epoch(), noise);
              }
              assertThat(s.decide(b.build())).isEqualTo(s.decide());
            });
  }

  @Test
  void noLeaseEverOverridesWhatALocalProbeSays() {
    qt().withExamples(EXAMPLES)
        .forAll(SCENARIOS)
        .checkAssert(
            s -> {
              Verdict v = s.decide();
              List<ProcessJudgment> judgments = new ArrayList<>();
              v.tasks().forEach(t -> judgments.add(t.worker()));
              judgments.add(v.runner());
              for (ProcessJudgment j : judgments) {
                if (j != null && j.ref().host().equals(HOST)) {
                  assertThat(j.liveness()).isEqualTo(j.probed());
                  assertThat(j.basis())
                      .isIn(ProcessJudgment.Basis.PROBE, ProcessJudgment.Basis.UNPROBED);
                }
                if (j != null && j.isRemoteDeath()) {
                  assertThat(j.vouchedBy()).isNotNull();
                  Lease lease = s.evidence().lease(j.vouchedBy());
                  assertThat(lease).isNotNull();
                  assertThat(lease.isExpiredAt(NOW, POLICY.leaseDuration())).isTrue();
                  assertThat(j.restsOnLeaseAge()).isEqualTo(!lease.released());
                }
              }
            });
  }

  @Test
  void insideAGraceWindowNothingIsRepairedOnAnAgeAlone() {
    Set<VerdictKind> ageOnly =
        EnumSet.of(
            VerdictKind.STALE_NO_PROCESS, VerdictKind.ABANDONED, VerdictKind.ALIVE_BUT_STALE);
    qt().withExamples(EXAMPLES)
        .forAll(SCENARIOS)
        .checkAssert(
            s -> {
              Verdict v = s.decideInGraceWindow();
              assertThat(v.kind()).isNotIn(ageOnly);
              if (v.repair() == Repair.REPAIR) {
                assertThat(v.kind()).isEqualTo(VerdictKind.PROCESS_DEAD);
                if (v.step() == 3) {
                  assertThat(v.runner().restsOnLeaseAge()).isFalse();
                } else {
                  assertThat(v.tasks()).noneMatch(TaskEvidence::deferred);
                }
              }
              for (TaskId id : v.tasksToRepair()) {
                TaskEvidence t = v.task(id).orElseThrow();
                assertThat(t.taskClass()).isEqualTo(TaskClass.DEAD);
                assertThat(t.worker().restsOnLeaseAge()).isFalse();
              }
            });
  }

  @Test
  void agesAreNeverNegativeAndOnlyRunningOrWaitingTasksWithoutAResultAreClassified() {
    qt().withExamples(EXAMPLES)
        .forAll(SCENARIOS)
        .checkAssert(
            s -> {
              Verdict v = s.decide();
              assertThat(v.manifestAge()).isGreaterThanOrEqualTo(Duration.ZERO);
              if (v.lastMoveAge() != null) {
                assertThat(v.lastMoveAge()).isGreaterThanOrEqualTo(Duration.ZERO);
              }
              for (TaskEvidence t : v.tasks()) {
                if (t.lifeAge() != null) {
                  assertThat(t.lifeAge()).isGreaterThanOrEqualTo(Duration.ZERO);
                }
                TaskState state = s.evidence().snapshot().task(t.task()).orElseThrow();
                boolean classified =
                    (state.status() == TaskStatus.RUNNING || state.status() == TaskStatus.WAITING)
                        && !state.hasCurrentResult();
                assertThat(
                        EnumSet.of(
                                TaskClass.DEAD, TaskClass.LIVE, TaskClass.STALE, TaskClass.SILENT)
                            .contains(t.taskClass()))
                    .isEqualTo(classified);
                if (t.worker() != null && t.worker().isDead()) {
                  assertThat(t.lastLifeAt())
                      .as("a growing log is never activity of a dead worker")
                      .isEqualTo(lifeWithoutLog(s.evidence(), state));
                }
              }
            });
  }

  private static @Nullable Instant lifeWithoutLog(Evidence e, TaskState state) {
    TaskObservation o = e.observations().get(state.id());
    AttemptId current = state.currentAttempt().map(Attempt::id).orElse(null);
    if (o != null && !o.attempt().equals(current)) {
      o = null;
    }
    if (o != null && o.ended()) {
      return null;
    }
    Instant best = null;
    List<Instant> all = new ArrayList<>();
    all.add(state.lastSeenAt());
    all.add(state.lastActivityAt());
    if (o != null) {
      all.add(o.lastSeenAt());
      all.add(o.lastActivityAt());
    }
    for (Instant i : all) {
      if (i != null && (best == null || i.isAfter(best))) {
        best = i;
      }
    }
    return best;
  }

  @Test
  void freshLifeEvidenceNeverOverridesADeadProbeNorCausesARepair() {
    Set<VerdictKind> repairing =
        EnumSet.of(
            VerdictKind.PROCESS_DEAD,
            VerdictKind.STALE_NO_PROCESS,
            VerdictKind.ABANDONED,
            VerdictKind.ALIVE_BUT_STALE);
    qt().withExamples(EXAMPLES)
        .forAll(SCENARIOS)
        .checkAssert(
            s -> {
              Verdict before = s.decide();
              Evidence.Builder b = s.evidence().toBuilder();
              for (TaskState t : s.evidence().snapshot().tasks()) {
                t.currentAttempt()
                    .ifPresent(a -> b.observation(TaskObservation.of(a.id(), NOW, NOW)));
              }
              Verdict after = s.decide(b.build());
              if (before.rule() == Rule.RUNNER_DEAD) {
                assertThat(after.rule()).isEqualTo(Rule.RUNNER_DEAD);
              }
              for (TaskId dead : before.deadTasks()) {
                assertThat(after.deadTasks()).contains(dead);
              }
              if (!repairing.contains(before.kind())) {
                assertThat(after.kind()).isNotIn(repairing);
              }
            });
  }

  @Test
  void aTaskWithAResultOfItsCurrentAttemptIsNeverJudgedDead() {
    qt().withExamples(EXAMPLES)
        .forAll(SCENARIOS)
        .checkAssert(
            s -> {
              Verdict v = s.decide();
              for (TaskId id : v.deadTasks()) {
                assertThat(s.evidence().snapshot().task(id).orElseThrow().hasCurrentResult())
                    .isFalse();
              }
            });
  }
}
