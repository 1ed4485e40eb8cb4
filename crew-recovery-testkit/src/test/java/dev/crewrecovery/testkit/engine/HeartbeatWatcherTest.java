package dev.crewrecovery.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterId;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.ExitClass;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.core.HeartbeatLevel;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.RunLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeartbeatWatcherTest {
  private static final RunId RUN = RunId.of("run-1");
  private static final TaskId A = TaskId.of("a");
  private static final TaskId B = TaskId.of("b");
  private static final Duration FIVE = Duration.ofSeconds(5);
  private static final Duration ONE = Duration.ofSeconds(1);

  private final Harness h = new Harness().started();
  private final RunLedger runs = h.runs();

  @AfterEach
  void close() {
    h.close();
  }

  private HeartbeatLevel level(TaskId task) {
    return h.engine().watcher().level(RUN, task).orElseThrow();
  }

  @Test
  void aWorkerThatStopsBeatingIsClassifiedEventedOnceAndDeadletteredOnceOnTheThirdDeadTick() {
    runs.create(RUN, List.of(A));
    AttemptId a1 = runs.startAttempt(RUN, A);
    assertThat(h.tick()).isEqualTo(FIVE);
    assertThat(level(A)).isEqualTo(HeartbeatLevel.HEALTHY);

    // Exactly 30 s old: still HEALTHY (strict); 1 ms more: WARN. Ticks stay at most 5 s apart,
    // as the real loop's are (a longer gap would be a time discontinuity).
    h.idle(Duration.ofSeconds(30));
    assertThat(level(A)).isEqualTo(HeartbeatLevel.HEALTHY);
    h.step(Duration.ofMillis(1));
    assertThat(level(A)).isEqualTo(HeartbeatLevel.WARN);
    h.idle(Duration.ofSeconds(25));
    h.step(Duration.ofMillis(4_999));
    assertThat(level(A)).as("exactly 60 s").isEqualTo(HeartbeatLevel.WARN);
    h.step(Duration.ofMillis(1));
    assertThat(level(A)).isEqualTo(HeartbeatLevel.STALE);
    h.idle(Duration.ofSeconds(235));
    // 60.001 + 235 = 295.001 s: still STALE.
    assertThat(level(A)).isEqualTo(HeartbeatLevel.STALE);
    h.step(Duration.ofMillis(4_999));
    assertThat(level(A)).as("exactly 300 s").isEqualTo(HeartbeatLevel.STALE);
    assertThat(h.count(RUN, "task.heartbeat_dead")).isZero();

    Duration next = h.step(Duration.ofMillis(1));
    assertThat(level(A)).isEqualTo(HeartbeatLevel.DEAD);
    assertThat(next).as("1 s ticks in a dead streak").isEqualTo(ONE);
    assertThat(h.count(RUN, "task.heartbeat_dead")).isEqualTo(1);
    assertThat(h.listener.starting("level"))
        .containsExactly(
            "level " + a1 + " HEALTHY->WARN",
            "level " + a1 + " WARN->STALE",
            "level " + a1 + " STALE->DEAD");
    assertThat(h.deadletters(RUN)).isEmpty();

    h.step(ONE);
    assertThat(h.deadletters(RUN)).as("second DEAD tick").isEmpty();
    h.step(ONE);
    List<DeadletterEntry> dl = h.deadletters(RUN);
    assertThat(dl).as("third DEAD tick").hasSize(1);
    assertThat(dl.get(0).reason()).isEqualTo(DeadletterReason.HEARTBEAT_DEAD);
    assertThat(dl.get(0).attemptId()).isEqualTo(a1);
    assertThat(dl.get(0).at()).isEqualTo(h.clock.now());
    assertThat(h.count(RUN, "task.deadlettered")).isEqualTo(1);
    assertThat(h.listener.starting("deadletter"))
        .containsExactly("deadletter HEARTBEAT_DEAD " + a1);

    // The streak goes on: no second event, no second entry, no second listener call,
    // even after the cooldown has passed.
    for (int i = 0; i < 120; i++) {
      assertThat(h.step(ONE)).isEqualTo(ONE);
    }
    assertThat(h.count(RUN, "task.heartbeat_dead")).isEqualTo(1);
    assertThat(h.deadletters(RUN)).hasSize(1);
    assertThat(h.listener.starting("level")).hasSize(3);
    // The task is not repaired on age alone: its run is owned and no process evidence exists.
    assertThat(h.status(RUN, A)).isEqualTo(TaskStatus.RUNNING);
    assertThat(h.snapshot(RUN).version()).isEqualTo(2);
  }

  @Test
  void heartbeatsKeepATaskHealthyAndABeatAfterDeathEndsTheStreak() {
    runs.create(RUN, List.of(A));
    AttemptId a1 = runs.startAttempt(RUN, A);
    h.tick();
    for (int i = 0; i < 100; i++) {
      h.clock.advance(FIVE);
      runs.heartbeat(a1);
      h.tick();
    }
    assertThat(level(A)).isEqualTo(HeartbeatLevel.HEALTHY);
    assertThat(h.listener.starting("level")).isEmpty();

    h.idle(Duration.ofSeconds(305));
    assertThat(level(A)).isEqualTo(HeartbeatLevel.DEAD);
    runs.heartbeat(a1);
    assertThat(h.tick()).isEqualTo(FIVE);
    assertThat(level(A)).isEqualTo(HeartbeatLevel.HEALTHY);
    assertThat(h.count(RUN, "task.heartbeat_recovered")).isEqualTo(1);
    assertThat(h.listener.starting("level")).endsWith("level " + a1 + " DEAD->HEALTHY");

    // A new streak is evented again; its deadletter is suppressed by the cooldown only if
    // the last entry is younger than 60 s (here none was written: the first streak was short).
    h.idle(Duration.ofSeconds(305));
    assertThat(h.count(RUN, "task.heartbeat_dead")).isEqualTo(2);
  }

  @Test
  void activityCountsAsLife() {
    runs.create(RUN, List.of(A));
    AttemptId a1 = runs.startAttempt(RUN, A);
    h.tick();
    for (int i = 0; i < 80; i++) {
      h.clock.advance(FIVE);
      runs.activity(a1);
      h.tick();
    }
    assertThat(level(A)).isEqualTo(HeartbeatLevel.HEALTHY);
  }

  @Test
  void aWorkerThatAnnouncedItsEndIsDeadAtOnceUnlessItsProcessLives() {
    runs.create(RUN, List.of(A, B));
    AttemptId a1 = runs.startAttempt(RUN, A);
    ProcessRef w = h.spawn(10);
    AttemptId b1 = runs.startAttempt(RUN, B, w, null, false);
    h.tick();
    runs.workerEnded(a1);
    runs.workerEnded(b1);
    h.step(ONE);
    assertThat(level(A)).isEqualTo(HeartbeatLevel.DEAD);
    assertThat(level(B)).as("process still ALIVE").isEqualTo(HeartbeatLevel.STALE);
  }

  @Test
  void deadIsDowngradedToStaleWhileTheWorkerProbesAliveOrUnknownOrAResultExists() {
    runs.create(RUN, List.of(A, B, TaskId.of("c")));
    ProcessRef alive = h.spawn(11);
    ProcessRef unknown = h.spawn(12);
    runs.startAttempt(RUN, A, alive, null, false);
    runs.startAttempt(RUN, B, unknown, null, false);
    h.probe.set(unknown, Liveness.UNKNOWN);
    AttemptId c1 = runs.startAttempt(RUN, TaskId.of("c"));
    runs.recordResult(c1, "out");
    h.tick();
    h.idle(Duration.ofSeconds(400));
    assertThat(level(A)).isEqualTo(HeartbeatLevel.STALE);
    assertThat(level(B)).isEqualTo(HeartbeatLevel.STALE);
    assertThat(level(TaskId.of("c"))).isEqualTo(HeartbeatLevel.STALE);
    assertThat(h.count(RUN, "task.heartbeat_dead")).isZero();
    assertThat(h.deadletters(RUN)).isEmpty();
    assertThat(h.tick()).isEqualTo(FIVE);
  }

  private void writeHeartbeatEntry(AttemptId attempt, Instant at) {
    h.store.appendDeadletter(
        new DeadletterEntry(
            DeadletterId.of("dl-earlier-" + at.toEpochMilli()),
            attempt.runId(),
            attempt.taskId(),
            attempt,
            null,
            DeadletterReason.HEARTBEAT_DEAD,
            attempt.number(),
            "earlier",
            at,
            1));
  }

  /** Runs a task into DEAD and through two more DEAD ticks, then returns the entries. */
  private List<DeadletterEntry> streakWithAnEntryWrittenAgo(Duration ago) {
    runs.create(RUN, List.of(A));
    AttemptId a1 = runs.startAttempt(RUN, A);
    h.tick();
    h.idle(Duration.ofSeconds(300));
    assertThat(level(A)).isNotEqualTo(HeartbeatLevel.DEAD);
    h.clock.advance(FIVE);
    writeHeartbeatEntry(a1, h.clock.now().plus(Duration.ofSeconds(2)).minus(ago));
    h.tick();
    assertThat(level(A)).isEqualTo(HeartbeatLevel.DEAD);
    h.step(ONE);
    h.step(ONE);
    return h.deadletters(RUN);
  }

  @Test
  void noEntryWhenOneForTheSameAttemptWasWrittenLessThanTheCooldownEarlier() {
    assertThat(streakWithAnEntryWrittenAgo(Duration.ofMillis(59_999))).hasSize(1);
    assertThat(h.count(RUN, "task.deadlettered")).isZero();
    // The decision is made once per streak: later DEAD ticks do not write it either.
    for (int i = 0; i < 90; i++) {
      h.step(ONE);
    }
    assertThat(h.deadletters(RUN)).hasSize(1);
  }

  @Test
  void anEntryWhenTheEarlierOneIsExactlyTheCooldownOld() {
    assertThat(streakWithAnEntryWrittenAgo(Duration.ofSeconds(60))).hasSize(2);
  }

  @Test
  void anEntryDatedInTheFutureCountsAsInsideTheCooldown() {
    assertThat(streakWithAnEntryWrittenAgo(Duration.ofHours(-1))).hasSize(1);
  }

  @Test
  void anEntryForAnotherAttemptDoesNotCoolDown() {
    runs.create(RUN, List.of(A));
    AttemptId a1 = runs.startAttempt(RUN, A);
    runs.fail(a1, Failure.of("X", "y", Harness.T0));
    h.clock.advance(Duration.ofSeconds(2));
    AttemptId a2 = runs.startAttempt(RUN, A);
    writeHeartbeatEntry(a1, h.clock.now());
    h.tick();
    h.idle(Duration.ofSeconds(305));
    h.step(ONE);
    h.step(ONE);
    assertThat(h.deadletters(RUN)).filteredOn(e -> a2.equals(e.attemptId())).hasSize(1);
  }

  @Test
  void aProbedDeadWorkerIsRepairedAtOnceWithWorkerLostAndRetried() {
    runs.create(RUN, List.of(A));
    ProcessRef w = h.spawn(20);
    AttemptId a1 = runs.startAttempt(RUN, A, w, null, false);
    h.tick();
    h.idle(Duration.ofSeconds(40));
    // DEAD without an exit notification (for example a ref this JVM did not start).
    h.engine().exits().unregister(a1);
    h.probe.set(w, Liveness.DEAD);
    h.tick();
    TaskState t = h.task(RUN, A);
    assertThat(t.status()).isEqualTo(TaskStatus.QUEUED);
    Attempt failed = t.attempts().get(0);
    assertThat(failed.failure().code()).isEqualTo(Failure.WORKER_LOST);
    assertThat(failed.failure().exitClass()).isNull();
    assertThat(failed.failure().verdict()).isEqualTo(VerdictKind.PROCESS_DEAD);
    assertThat(failed.failure().heartbeatAge()).isEqualTo(Duration.ofSeconds(40));
    assertThat(t.notBefore()).isAfter(h.clock.now());
    assertThat(h.listener.starting("repaired"))
        .containsExactly("repaired " + a1 + " QUEUED probe_dead");
    RunEvent retried = h.events(RUN).get(h.events(RUN).size() - 1);
    assertThat(retried.type()).isEqualTo("task.retry_scheduled");
    assertThat(retried.data()).containsEntry("by", "watcher").containsEntry("cause", "probe_dead");
    assertThat(h.engine().watcher().trackedTasks()).isZero();
  }

  @Test
  void aRecycledPidIsProcessEvidenceToo() {
    runs.create(RUN, List.of(A));
    ProcessRef w = h.spawn(21);
    AttemptId a1 = runs.startAttempt(RUN, A, w, null, false);
    h.engine().exits().unregister(a1);
    h.probe.recycle(w);
    h.tick();
    assertThat(h.status(RUN, A)).isEqualTo(TaskStatus.QUEUED);
    assertThat(h.listener.starting("repaired"))
        .containsExactly("repaired " + a1 + " QUEUED probe_recycled");
  }

  @Test
  void aDeadWorkerWhoseAttemptHasAResultCompletesItsTask() {
    runs.create(RUN, List.of(A));
    ProcessRef w = h.spawn(22);
    AttemptId a1 = runs.startAttempt(RUN, A, w, null, false);
    runs.recordResult(a1, "out");
    h.engine().exits().unregister(a1);
    h.probe.set(w, Liveness.DEAD);
    h.tick();
    assertThat(h.status(RUN, A)).isEqualTo(TaskStatus.COMPLETED);
    assertThat(h.task(RUN, A).currentAttempt().orElseThrow().failure()).isNull();
    assertThat(h.listener.starting("repaired"))
        .containsExactly("repaired " + a1 + " COMPLETED probe_dead");
  }

  @Test
  void repairRunsOutOfAttemptsIntoFailedWithMaxRetries() {
    runs.create(RUN, List.of(A));
    AttemptId last = null;
    for (int n = 1; n <= 3; n++) {
      h.clock.advance(Duration.ofSeconds(10));
      ProcessRef w = h.spawn(30 + n);
      last = runs.startAttempt(RUN, A, w, null, false);
      h.probe.exit(w, 139);
    }
    TaskState t = h.task(RUN, A);
    assertThat(t.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(t.attempts()).hasSize(3);
    assertThat(t.attempts())
        .extracting(a -> a.failure().exitClass())
        .containsOnly(ExitClass.NON_ZERO_EXIT);
    assertThat(h.deadletters(RUN))
        .extracting(DeadletterEntry::reason, DeadletterEntry::attemptId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(DeadletterReason.MAX_RETRIES, last));
  }

  @Test
  void aWorkerSeenDeadWithoutAnExitCodeIsLostWithoutAnExitClass() {
    // Not this JVM's child: the exit watch learns only that it is gone (DESIGN section 8).
    runs.create(RUN, List.of(A));
    ProcessRef w = h.spawn(45);
    runs.startAttempt(RUN, A, w, null, false);

    h.probe.exit(w);

    TaskState t = h.task(RUN, A);
    assertThat(t.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(t.attempts().get(0).failure().code()).isEqualTo(Failure.WORKER_LOST);
    assertThat(t.attempts().get(0).failure().exitClass()).isNull();
  }

  @Test
  void aWorkerExitTriggersTheSameRepairAtOnceWithoutATick() {
    runs.create(RUN, List.of(A, B));
    ProcessRef wa = h.spawn(40);
    ProcessRef wb = h.spawn(41);
    AttemptId a1 = runs.startAttempt(RUN, A, wa, null, false);
    runs.startAttempt(RUN, B, wb, null, false);
    assertThat(h.probe.pendingExitWatchers()).as("one per worker started").isEqualTo(2);
    long ticks = h.engine().watcher().ticks();

    h.probe.exit(wa, 0);
    assertThat(h.engine().watcher().ticks()).isEqualTo(ticks);
    TaskState t = h.task(RUN, A);
    assertThat(t.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(t.attempts().get(0).failure().code()).isEqualTo(Failure.WORKER_LOST);
    assertThat(t.attempts().get(0).failure().exitClass()).isEqualTo(ExitClass.CLEAN_EXIT);
    assertThat(h.listener.starting("repaired"))
        .containsExactly("repaired " + a1 + " QUEUED worker_exit");
    assertThat(h.probe.pendingExitWatchers()).isEqualTo(1);
    assertThat(h.status(RUN, B)).isEqualTo(TaskStatus.RUNNING);
  }

  @Test
  void anExitAfterTheTaskCompletedChangesNothing() {
    runs.create(RUN, List.of(A));
    ProcessRef w = h.spawn(42);
    AttemptId a1 = runs.startAttempt(RUN, A, w, null, false);
    runs.complete(a1, "out");
    long v = h.version(RUN);
    h.probe.exit(w, 1);
    assertThat(h.version(RUN)).isEqualTo(v);
    assertThat(h.listener.starting("repaired")).isEmpty();
  }

  @Test
  void anExitOfAWorkerWithAResultCompletesItsTask() {
    runs.create(RUN, List.of(A));
    ProcessRef w = h.spawn(43);
    AttemptId a1 = runs.startAttempt(RUN, A, w, null, false);
    runs.recordResult(a1, "out");
    h.probe.exit(w, 0);
    assertThat(h.status(RUN, A)).isEqualTo(TaskStatus.COMPLETED);
  }

  @Test
  void aThrowingListenerNeverBreaksATickOrARepair() {
    h.listener.throwing = true;
    runs.create(RUN, List.of(A, B));
    AttemptId a1 = runs.startAttempt(RUN, A);
    ProcessRef w = h.spawn(50);
    runs.startAttempt(RUN, B, w, null, false);
    h.tick();
    h.idle(Duration.ofSeconds(305));
    h.step(ONE);
    h.step(ONE);
    assertThat(level(A)).isEqualTo(HeartbeatLevel.DEAD);
    assertThat(h.count(RUN, "task.heartbeat_dead")).isEqualTo(1);
    assertThat(h.deadletters(RUN)).extracting(DeadletterEntry::attemptId).containsExactly(a1);
    h.probe.exit(w, 1);
    assertThat(h.status(RUN, B)).isEqualTo(TaskStatus.QUEUED);
    assertThat(h.listener.calls).isNotEmpty();
    assertThat(h.engine().services().listener().failures()).isEqualTo(h.listener.calls.size());
  }

  @Test
  void aThrowingTickIsLoggedAndTheNextTickStillRuns() {
    runs.create(RUN, List.of(A));
    runs.startAttempt(RUN, A);
    FailingOnce clock = new FailingOnce(h.clock);
    try (Harness failing =
        new Harness(
                h.clock, clock, h.store, h.probe, RecoveryConfig.defaults(), SessionId.of("host-f"))
            .started()) {
      RunId own = RunId.of("run-f");
      failing.runs().create(own, List.of(A));
      failing.runs().startAttempt(own, A);
      failing.tick();
      clock.failNext = true;
      assertThat(failing.step(FIVE)).isEqualTo(FIVE);
      assertThat(clock.failNext).as("the clock was read and threw").isFalse();
      failing.idle(Duration.ofSeconds(305));
      assertThat(failing.engine().watcher().level(own, A)).hasValue(HeartbeatLevel.DEAD);
    }
  }

  @Test
  void runsThatVanishedOrWentTerminalOrBelongToOthersAreSkippedSilently() {
    RunId terminal = RunId.of("run-terminal");
    RunId foreign = RunId.of("run-foreign");
    runs.create(RUN, List.of(A));
    runs.create(terminal, List.of(A));
    runs.create(foreign, List.of(A));
    runs.startAttempt(RUN, A);
    runs.startAttempt(terminal, A);
    runs.startAttempt(foreign, A);
    h.tick();
    // Another tool finishes one run behind the ledger's back; another session takes one over.
    h.store.update(
        terminal,
        (s, slots) ->
            Update.commit(
                s.withManifest(s.manifest().toBuilder().status(RunStatus.FAILED).build()),
                List.of()));
    h.store.update(
        foreign,
        (s, slots) ->
            Update.commit(
                s.withManifest(
                    s.manifest().toBuilder()
                        .owner(new Owner(SessionId.of("host-b"), 1))
                        .epoch(2)
                        .build()),
                List.of()));
    int terminalEvents = h.events(terminal).size();
    int foreignEvents = h.events(foreign).size();
    h.idle(Duration.ofSeconds(320));
    assertThat(h.events(terminal)).hasSize(terminalEvents);
    assertThat(h.events(foreign)).hasSize(foreignEvents);
    assertThat(h.count(RUN, "task.heartbeat_dead")).isEqualTo(1);
    assertThat(h.engine().session().ownedRuns()).containsExactly(RUN);
    assertThat(h.listener.starting("dropped")).containsExactly("dropped run-foreign host-b#1 2");
  }

  @Test
  void aRunWhoseStateVanishedIsSkippedSilently() {
    VanishingStore store = new VanishingStore(h.clock);
    try (Harness v =
        new Harness(h.clock, store, h.probe, RecoveryConfig.defaults(), SessionId.of("host-v"))
            .started()) {
      v.runs().create(RUN, List.of(A));
      v.runs().startAttempt(RUN, A);
      v.tick();
      store.hidden = RUN;
      int calls = v.listener.calls.size();
      Duration next = v.tick();
      assertThat(next).isEqualTo(FIVE);
      assertThat(v.listener.calls).hasSize(calls);
      assertThat(v.engine().session().ownedRuns()).isEmpty();
    }
  }

  @Test
  void bookkeepingOfTasksUnseenForTenMinutesIsDropped() {
    runs.create(RUN, List.of(A, B));
    AttemptId a1 = runs.startAttempt(RUN, A);
    runs.startAttempt(RUN, B);
    h.tick();
    assertThat(h.engine().watcher().trackedTasks()).isEqualTo(2);
    runs.complete(a1);
    h.idle(Duration.ofMinutes(10));
    assertThat(h.engine().watcher().trackedTasks()).as("exactly 10 min: kept").isEqualTo(2);
    h.step(FIVE);
    assertThat(h.engine().watcher().trackedTasks()).isEqualTo(1);
    assertThat(h.engine().watcher().level(RUN, A)).isEmpty();
  }

  @Test
  void aTimeDiscontinuityIsEventedOnceDefersAgeJudgmentsButNotProcessEvidence() {
    runs.create(RUN, List.of(A, B));
    runs.startAttempt(RUN, A);
    ProcessRef w = h.spawn(60);
    AttemptId b1 = runs.startAttempt(RUN, B, w, null, false);
    h.engine().exits().unregister(b1);
    h.tick();
    h.step(FIVE);
    // The host slept for an hour: wall time jumped, monotonic time did not.
    h.clock.stepWall(Duration.ofHours(1));
    h.probe.set(w, Liveness.DEAD);
    h.tick();
    assertThat(h.count(RUN, "time.discontinuity")).isEqualTo(1);
    assertThat(h.listener.starting("discontinuity")).hasSize(1);
    // A's heartbeat is an hour old, but inside the grace window an age alone changes nothing.
    assertThat(level(A)).isEqualTo(HeartbeatLevel.HEALTHY);
    assertThat(h.count(RUN, "task.heartbeat_dead")).isZero();
    // B's worker is dead: process evidence is never deferred.
    assertThat(h.status(RUN, B)).isEqualTo(TaskStatus.QUEUED);
    // The window lasts one dead threshold (300 s) of monotonic time after the discontinuity.
    h.idle(Duration.ofSeconds(300));
    assertThat(level(A)).isEqualTo(HeartbeatLevel.HEALTHY);
    h.step(FIVE);
    assertThat(level(A)).isEqualTo(HeartbeatLevel.DEAD);
    assertThat(h.count(RUN, "time.discontinuity")).isEqualTo(1);
  }

  @Test
  void aLongGapBetweenTicksIsADiscontinuityToo() {
    runs.create(RUN, List.of(A));
    runs.startAttempt(RUN, A);
    h.tick();
    h.clock.advance(Duration.ofSeconds(16));
    h.tick();
    RunEvent e =
        h.events(RUN).stream()
            .filter(x -> x.type().equals("time.discontinuity"))
            .findFirst()
            .orElseThrow();
    assertThat(e.data()).containsEntry("gap", "PT16S").containsEntry("drift", "PT0S");
  }

  @Test
  void theWatcherIgnoresTasksThatAreNotRunning() {
    runs.create(RUN, List.of(A, B));
    AttemptId a1 = runs.startAttempt(RUN, A);
    runs.waitForAnswer(a1, "?", null);
    h.tick();
    h.idle(Duration.ofSeconds(400));
    assertThat(h.engine().watcher().trackedTasks()).isZero();
    assertThat(h.count(RUN, "task.heartbeat_dead")).isZero();
    RunSnapshot s = h.snapshot(RUN);
    assertThat(s.task(A).orElseThrow().status()).isEqualTo(TaskStatus.WAITING);
  }
}
