package dev.crewrecovery.core.internal.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.core.RecoveryAction;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.internal.decide.Decider;
import dev.crewrecovery.core.internal.decide.DecisionPolicy;
import dev.crewrecovery.core.internal.decide.Evidence;
import dev.crewrecovery.core.internal.decide.TimeState;
import dev.crewrecovery.core.internal.decide.Verdict;
import dev.crewrecovery.core.internal.logs.LogEvidence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Logs as evidence (issue 9): growth within the activity window is activity of a process that
 * probes ALIVE or UNKNOWN and never of one that probes DEAD or RECYCLED; a repair on process
 * evidence carries the dead process's log tail.
 */
class LogEvidenceTest {
  private static final String HOST = "host-a";
  private static final RunId RUN = RunId.of("run-1");
  private static final TaskId T1 = TaskId.of("t1");
  private static final AttemptId A1 = AttemptId.of(RUN, T1, 1);
  private static final ProcessRef WORKER = ProcessRef.linux(42, HOST, "boot", 100);
  private static final ProcessRef REMOTE_WORKER = ProcessRef.linux(42, "host-b", "boot", 100);
  private static final ProcessRef RUNNER = ProcessRef.linux(7, HOST, "boot", 50);
  private static final Duration WINDOW = RecoveryConfig.DEFAULT_ACTIVITY_WINDOW;

  /** The log's modification time; "now" is placed relative to it. */
  private static final Instant MTIME = Instant.parse("2030-06-01T12:00:00Z");

  private static final DecisionPolicy POLICY = DecisionPolicy.defaults(HOST);

  @TempDir Path dir;

  private final LogEvidence logs =
      new LogEvidence(WINDOW, RecoveryConfig.DEFAULT_LOG_REDACTION, HOST);

  private Path log(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    Files.setLastModifiedTime(p, FileTime.from(MTIME));
    return p;
  }

  /** A RUNNING run, quiet for three days, whose task's worker logs to {@code workerLog}. */
  private static RunSnapshot run(
      ProcessRef worker,
      @Nullable Path workerLog,
      @Nullable ProcessRef runner,
      @Nullable Path runnerLog,
      Instant now) {
    Instant quiet = now.minus(Duration.ofDays(3));
    Attempt a =
        Attempt.started(A1, quiet, null)
            .withWorker(worker, null, workerLog == null ? null : workerLog.toString());
    TaskState t = new TaskState(T1, TaskStatus.RUNNING, List.of(a), true, null, null, quiet, null);
    Manifest m =
        Manifest.created(RUN, null, quiet).toBuilder()
            .status(RunStatus.RUNNING)
            .runner(runner, null, runnerLog == null ? null : runnerLog.toString())
            .build();
    return new RunSnapshot(5, m, List.of(t));
  }

  private LogEvidence.Gathered gather(
      RunSnapshot s, @Nullable Liveness worker, @Nullable Liveness runner, Instant now) {
    Map<AttemptId, Map.Entry<ProcessRef, Liveness>> probes = new HashMap<>();
    Attempt a = s.tasks().get(0).currentAttempt().orElseThrow();
    if (worker != null) {
      probes.put(a.id(), Map.entry(a.worker(), worker));
    }
    return logs.gather(s, probes, runner, now);
  }

  private static Verdict decide(
      RunSnapshot s,
      LogEvidence.Gathered g,
      @Nullable Liveness worker,
      @Nullable Liveness runner,
      Instant now) {
    Evidence.Builder b = Evidence.builder(s);
    Attempt a = s.tasks().get(0).currentAttempt().orElseThrow();
    if (worker != null) {
      b.workerProbe(a.id(), a.worker(), worker);
    }
    if (runner != null && s.manifest().runner() != null) {
      b.runnerProbe(s.manifest().runner(), s.manifest().epoch(), runner);
    }
    g.addTo(b, s);
    return Decider.decide(b.build(), now, TimeState.calm(), POLICY);
  }

  // ---------------------------------------------------------------------- growth at the boundary

  @ParameterizedTest
  @EnumSource(
      value = Liveness.class,
      names = {"ALIVE", "UNKNOWN"})
  void aLogGrownExactlyTheActivityWindowAgoIsActivity(Liveness probe) throws IOException {
    Instant now = MTIME.plus(WINDOW);
    RunSnapshot s = run(WORKER, log("w.log", "working\n"), RUNNER, null, now);

    LogEvidence.Gathered g = gather(s, probe, Liveness.ALIVE, now);

    assertThat(g.taskGrowth()).containsEntry(A1, MTIME);
    Verdict v = decide(s, g, probe, Liveness.ALIVE, now);
    assertThat(v.task(T1).orElseThrow().lastLifeAt()).isEqualTo(MTIME);
    assertThat(v.kind()).as("the live runner's run moved 5 min ago").isEqualTo(VerdictKind.HEALTHY);
  }

  @ParameterizedTest
  @EnumSource(
      value = Liveness.class,
      names = {"ALIVE", "UNKNOWN"})
  void aLogGrownOneNanosecondBeyondTheWindowIsNot(Liveness probe) throws IOException {
    Instant now = MTIME.plus(WINDOW).plusNanos(1);
    RunSnapshot s = run(WORKER, log("w.log", "working\n"), RUNNER, null, now);

    LogEvidence.Gathered g = gather(s, probe, Liveness.ALIVE, now);

    assertThat(g.taskGrowth()).isEmpty();
    assertThat(decide(s, g, probe, Liveness.ALIVE, now).kind())
        .isEqualTo(VerdictKind.ALIVE_BUT_STALE);
  }

  @ParameterizedTest
  @EnumSource(
      value = Liveness.class,
      names = {"DEAD", "RECYCLED"})
  void aFreshLogIsNeverActivityOfADeadWorkerButItsTailIsKept(Liveness probe) throws IOException {
    Instant now = MTIME;
    RunSnapshot s = run(WORKER, log("w.log", "last words\n"), RUNNER, null, now);

    LogEvidence.Gathered g = gather(s, probe, Liveness.ALIVE, now);

    assertThat(g.taskGrowth()).isEmpty();
    assertThat(g.tails()).containsEntry(A1, "last words");
    Verdict v = decide(s, g, probe, Liveness.ALIVE, now);
    assertThat(v.task(T1).orElseThrow().lastLifeAt()).isNotEqualTo(MTIME);
    assertThat(v.kind()).isEqualTo(VerdictKind.ALIVE_BUT_STALE);
  }

  @Test
  void aLogSeenChangingGrewWhenTheReaderSawItOnTheReadersClock() throws IOException {
    Path p = log("w.log", "one\n");
    Instant first = MTIME.plus(Duration.ofHours(1));
    RunSnapshot s = run(WORKER, p, null, null, first);
    assertThat(gather(s, Liveness.UNKNOWN, null, first).taskGrowth()).isEmpty();

    Files.writeString(p, "one\ntwo\n");
    Files.setLastModifiedTime(p, FileTime.from(MTIME)); // an mtime that lies: the size moved
    Instant later = first.plus(Duration.ofHours(1));

    assertThat(gather(s, Liveness.UNKNOWN, null, later).taskGrowth()).containsEntry(A1, later);
    Instant muchLater = later.plus(WINDOW).plusNanos(1);
    assertThat(gather(s, Liveness.UNKNOWN, null, muchLater).taskGrowth())
        .as("unchanged since: it ages from when it was seen growing")
        .isEmpty();
  }

  @Test
  void theRunnersGrowingLogKeepsALiveRunnerHealthyButNeverADeadOne() throws IOException {
    Instant now = MTIME.plus(Duration.ofMinutes(1));
    Path runnerLog = log("runner.log", "tick\n");
    RunSnapshot s = run(WORKER, null, RUNNER, runnerLog, now);

    LogEvidence.Gathered unknown = gather(s, Liveness.UNKNOWN, Liveness.UNKNOWN, now);
    assertThat(unknown.runnerGrowth()).isEqualTo(MTIME);
    assertThat(decide(s, unknown, Liveness.UNKNOWN, Liveness.UNKNOWN, now).kind())
        .isEqualTo(VerdictKind.HEALTHY);

    LogEvidence.Gathered dead = gather(s, Liveness.UNKNOWN, Liveness.DEAD, now);
    assertThat(dead.runnerGrowth()).isNull();
    assertThat(dead.runnerTail()).isEqualTo("tick");
    assertThat(decide(s, dead, Liveness.UNKNOWN, Liveness.DEAD, now).kind())
        .isEqualTo(VerdictKind.PROCESS_DEAD);
  }

  @Test
  void logsOfProcessesOnAnotherHostAreNeverRead() throws IOException {
    Instant now = MTIME;
    RunSnapshot s = run(REMOTE_WORKER, log("w.log", "x\n"), null, null, now);

    assertThat(gather(s, Liveness.UNKNOWN, null, now)).isEqualTo(LogEvidence.Gathered.NONE);
    assertThat(gather(s, Liveness.DEAD, null, now)).isEqualTo(LogEvidence.Gathered.NONE);
    assertThat(logs.remembered()).isZero();
  }

  @Test
  void growthOfAPreviousAttemptDoesNotSpeakForTheNext() throws IOException {
    Instant now = MTIME;
    RunSnapshot s = run(WORKER, log("w.log", "x\n"), null, null, now);
    LogEvidence.Gathered g = gather(s, Liveness.UNKNOWN, null, now);
    TaskState t = s.tasks().get(0);
    Attempt next =
        Attempt.started(AttemptId.of(RUN, T1, 2), now, null).withWorker(WORKER, null, null);
    RunSnapshot retried =
        s.withTask(
            t.toBuilder()
                .replaceLastAttempt(t.lastAttempt().orElseThrow().withEndedAt(now))
                .addAttempt(next)
                .build());
    Evidence.Builder b = Evidence.builder(retried);

    g.addTo(b, retried);

    assertThat(b.build().taskLogGrowth()).isEmpty();
  }

  // ---------------------------------------------------------------------- tails on repair

  @Test
  void aRepairOfADeadWorkerCarriesItsRedactedLogTail() throws IOException {
    Instant now = MTIME;
    RunSnapshot s =
        run(WORKER, log("w.log", "start\ntoken=s3cr3t\npanic: boom\n"), null, null, now);
    LogEvidence.Gathered g = gather(s, Liveness.DEAD, null, now);
    Verdict v = decide(s, g, Liveness.DEAD, null, now);
    assertThat(v.kind()).isEqualTo(VerdictKind.PROCESS_DEAD);

    RunRepair.Result r =
        LogTails.attach(
            RunRepair.repair(s, v, RecoveryAction.FAIL, now, null, 1, Map.of()), s, v, g);

    Failure f = r.next().task(T1).orElseThrow().lastAttempt().orElseThrow().failure();
    assertThat(f).isNotNull();
    assertThat(f.code()).isEqualTo(Failure.WORKER_LOST);
    assertThat(f.logTail()).isEqualTo("start\ntoken=<redacted>\npanic: boom");
    assertThat(r.event().data()).doesNotContainKey(LogTails.RUNNER_LOG_TAIL);
  }

  @Test
  void aRepairOfADeadRunnerCarriesTheRunnersTailOnItsEventAndOnTasksWithoutTheirOwn()
      throws IOException {
    Instant now = MTIME;
    RunSnapshot s = run(WORKER, null, RUNNER, log("runner.log", "runner died\n"), now);
    LogEvidence.Gathered g = gather(s, Liveness.UNKNOWN, Liveness.DEAD, now);
    Verdict v = decide(s, g, Liveness.UNKNOWN, Liveness.DEAD, now);
    assertThat(v.kind()).isEqualTo(VerdictKind.PROCESS_DEAD);

    RunRepair.Result r =
        LogTails.attach(
            RunRepair.repair(s, v, RecoveryAction.FAIL, now, null, 1, Map.of()), s, v, g);

    assertThat(r.event().data()).containsEntry(LogTails.RUNNER_LOG_TAIL, "runner died");
    Failure f = r.next().task(T1).orElseThrow().lastAttempt().orElseThrow().failure();
    assertThat(f).isNotNull();
    assertThat(f.logTail()).isEqualTo("runner died");
  }

  @Test
  void aRepairOnAgesAloneCarriesNoTail() throws IOException {
    // No probe says the worker died (unprobed on this host): STALE_NO_PROCESS, no tail read.
    Instant now = MTIME;
    RunSnapshot s = run(WORKER, log("w.log", "quiet\n"), null, null, now);
    LogEvidence.Gathered g = gather(s, null, null, now);
    Verdict v = decide(s, g, null, null, now);
    assertThat(v.kind()).isEqualTo(VerdictKind.STALE_NO_PROCESS);

    RunRepair.Result r =
        LogTails.attach(
            RunRepair.repair(s, v, RecoveryAction.FAIL, now, null, 1, Map.of()), s, v, g);

    Failure f = r.next().task(T1).orElseThrow().lastAttempt().orElseThrow().failure();
    assertThat(f).isNotNull();
    assertThat(f.logTail()).isNull();
  }
}
