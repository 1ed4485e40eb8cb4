package dev.crewrecovery.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.LeaseLostException;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.StaleAttemptException;
import dev.crewrecovery.api.StaleOwnerException;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.TerminalTaskException;
import dev.crewrecovery.api.spi.HeartbeatOutcome;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.core.BlockReason;
import dev.crewrecovery.core.RunLedger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Zombie writes are refused and write nothing (DESIGN section 8, fencing). */
class FencingTest {
  private static final RunId RUN = RunId.of("run-1");
  private static final TaskId A = TaskId.of("a");
  private static final TaskId B = TaskId.of("b");

  private final Harness h = new Harness().started();
  private final RunLedger runs = h.runs();

  @AfterEach
  void close() {
    h.close();
  }

  /** Asserts that each write throws {@code type} and leaves version and event log untouched. */
  private void assertRefused(
      Class<? extends Throwable> type, Map<String, ThrowingCallable> writes) {
    writes.forEach(
        (name, write) -> {
          long version = h.version(RUN);
          int events = h.events(RUN).size();
          assertThatThrownBy(write).as(name).isInstanceOf(type);
          assertThat(h.version(RUN)).as(name + ": version").isEqualTo(version);
          assertThat(h.events(RUN)).as(name + ": events").hasSize(events);
        });
  }

  private Map<String, ThrowingCallable> workerWrites(AttemptId attempt) {
    Map<String, ThrowingCallable> w = new LinkedHashMap<>();
    w.put("recordResult", () -> runs.recordResult(attempt, "r"));
    w.put("complete", () -> runs.complete(attempt));
    w.put("completeWithResult", () -> runs.complete(attempt, "r"));
    w.put("fail", () -> runs.fail(attempt, Failure.of("X", "y", Harness.T0)));
    w.put("waitForAnswer", () -> runs.waitForAnswer(attempt, "?", null));
    w.put("needsAttention", () -> runs.needsAttention(attempt, "help"));
    return w;
  }

  @Test
  void writesOfANonCurrentAttemptFailWithStaleAttemptAndBeatsAreDropped() {
    runs.create(RUN, List.of(A));
    AttemptId a1 = runs.startAttempt(RUN, A);
    runs.fail(a1, Failure.of("X", "first", Harness.T0));
    // Requeued: attempt 1 is no longer current, and the task has no current attempt.
    assertRefused(StaleAttemptException.class, workerWrites(a1));
    h.clock.advance(Duration.ofSeconds(2));
    AttemptId a2 = runs.startAttempt(RUN, A);
    // A newer attempt exists: attempt 1 is a zombie.
    assertRefused(StaleAttemptException.class, workerWrites(a1));
    assertThatThrownBy(() -> runs.complete(a1))
        .isInstanceOfSatisfying(
            StaleAttemptException.class, e -> assertThat(e.current()).isEqualTo(a2));
    // An attempt number from the future is not current either.
    assertRefused(StaleAttemptException.class, workerWrites(AttemptId.of(RUN, A, 9)));

    long dropped = runs.droppedHeartbeats();
    assertThat(runs.heartbeat(a1)).isEqualTo(HeartbeatOutcome.DROPPED_NOT_CURRENT);
    assertThat(runs.activity(a1)).isEqualTo(HeartbeatOutcome.DROPPED_NOT_CURRENT);
    assertThat(runs.workerEnded(a1)).isEqualTo(HeartbeatOutcome.DROPPED_NOT_CURRENT);
    assertThat(runs.droppedHeartbeats()).isEqualTo(dropped + 3);
    assertThat(h.store.heartbeats(RUN).get(A).slot().attempt()).isEqualTo(a2);
  }

  @Test
  void writesOfTheCurrentAttemptOfATerminalTaskFailWithTerminalTask() {
    runs.create(RUN, List.of(A, B));
    AttemptId a1 = runs.startAttempt(RUN, A);
    runs.complete(a1, "result");
    assertRefused(TerminalTaskException.class, workerWrites(a1));
    assertThatThrownBy(() -> runs.fail(a1, Failure.of("X", "y", Harness.T0)))
        .isInstanceOfSatisfying(
            TerminalTaskException.class,
            e -> {
              assertThat(e.from()).isEqualTo(TaskStatus.COMPLETED);
              assertThat(e.attempt()).isEqualTo(a1);
            });
    assertThat(runs.heartbeat(a1)).isEqualTo(HeartbeatOutcome.DROPPED_TERMINAL);
    assertThat(h.status(RUN, A)).isEqualTo(TaskStatus.COMPLETED);

    AttemptId b1 = runs.startAttempt(RUN, B);
    runs.cancel(RUN, B);
    assertRefused(TerminalTaskException.class, workerWrites(b1));
  }

  private void takeOver(@Nullable Owner newOwner, long epochDelta) {
    h.store.update(
        RUN,
        (current, slots) ->
            Update.commit(
                current.withManifest(
                    current.manifest().toBuilder()
                        .owner(newOwner)
                        .epoch(current.manifest().epoch() + epochDelta)
                        .build()),
                List.of()));
  }

  private Map<String, ThrowingCallable> hostWrites() {
    Map<String, ThrowingCallable> w = new LinkedHashMap<>();
    w.put("plan", () -> runs.plan(RUN));
    w.put("start", () -> runs.start(RUN));
    w.put("block", () -> runs.block(RUN, BlockReason.APPROVAL));
    w.put("approve", () -> runs.approve(RUN));
    w.put("reject", () -> runs.reject(RUN));
    w.put("unblock", () -> runs.unblock(RUN));
    w.put("startAttempt", () -> runs.startAttempt(RUN, B));
    w.put("forcedStartAttempt", () -> runs.startAttempt(RUN, B, null, null, true));
    w.put("recordRunner", () -> runs.recordRunner(RUN, h.spawn(9), null));
    w.put("cancel", () -> runs.cancel(RUN, B));
    w.put("skip", () -> runs.skip(RUN, B));
    w.put("answer", () -> runs.answer(RUN, A, "yes"));
    w.put("finish", () -> runs.finish(RUN, null));
    w.put("finishCancelled", () -> runs.finish(RUN, RunStatus.CANCELLED));
    w.put("retry", () -> runs.retry(RUN, B));
    return w;
  }

  @Test
  void hostWritesToARunAnotherSessionTookOverFailWithStaleOwner() {
    runs.create(RUN, List.of(A, B));
    AttemptId a1 = runs.startAttempt(RUN, A);
    runs.waitForAnswer(a1, "?", null);
    Owner other = new Owner(SessionId.of("host-b"), 4);
    takeOver(other, 1);

    assertRefused(StaleOwnerException.class, hostWrites());
    assertThatThrownBy(() -> runs.cancel(RUN, B))
        .isInstanceOfSatisfying(
            StaleOwnerException.class,
            e -> {
              assertThat(e.writer()).isEqualTo(h.owner());
              assertThat(e.writerEpoch()).isEqualTo(1);
              assertThat(e.currentOwner()).isEqualTo(other);
              assertThat(e.currentEpoch()).isEqualTo(2);
            });
  }

  @Test
  void hostWritesToAnOwnerlessRunFailWithStaleOwner() {
    runs.create(RUN, List.of(A, B));
    takeOver(null, 1);
    assertRefused(StaleOwnerException.class, hostWrites());
  }

  @Test
  void hostWritesAtAnOlderEpochFailEvenWhenTheOwnerIsTheSame() {
    runs.create(RUN, List.of(A, B));
    takeOver(h.owner(), 1);
    assertRefused(StaleOwnerException.class, hostWrites());
  }

  @Test
  void hostWritesOfAnOlderIncarnationFailWithStaleOwner() {
    runs.create(RUN, List.of(A, B));
    Owner older = h.owner();
    // The session restarts (same session id, next incarnation) and adopts the run.
    try (Harness restarted = h.sibling(Harness.SESSION).started()) {
      Owner newer = restarted.owner();
      assertThat(newer.incarnation()).isEqualTo(older.incarnation() + 1);
      takeOver(newer, 1);
      assertRefused(StaleOwnerException.class, hostWrites());
    }
  }

  @Test
  void workerWritesStillCountWhenOnlyTheOwnerChanged() {
    // Worker writes are fenced by their attempt alone: a live worker's result is not lost
    // because another session adopted the run without touching its task.
    runs.create(RUN, List.of(A));
    AttemptId a1 = runs.startAttempt(RUN, A);
    takeOver(new Owner(SessionId.of("host-b"), 1), 1);
    runs.complete(a1, "kept");
    assertThat(h.status(RUN, A)).isEqualTo(TaskStatus.COMPLETED);
  }

  @Test
  void aSessionWhoseLeaseANewerIncarnationTookStopsWriting() {
    runs.create(RUN, List.of(A));
    AttemptId a1 = runs.startAttempt(RUN, A);
    try (Harness newer = h.sibling(Harness.SESSION).started()) {
      assertThat(newer.owner().incarnation()).isEqualTo(2);
      h.clock.advance(Duration.ofSeconds(10));
      h.engine().leaseKeeper().tick();
      assertThat(h.listener.starting("leaseLost")).containsExactly("leaseLost host-a#1");
      long v = h.version(RUN);
      assertThatThrownBy(() -> runs.complete(a1)).isInstanceOf(LeaseLostException.class);
      assertThatThrownBy(() -> runs.start(RUN)).isInstanceOf(LeaseLostException.class);
      assertThatThrownBy(() -> runs.create(RunId.of("run-2"), List.of(A)))
          .isInstanceOf(LeaseLostException.class);
      assertThat(h.version(RUN)).isEqualTo(v);
      assertThat(h.store.load(RunId.of("run-2"))).isEmpty();
      // The lost session's watcher no longer writes either.
      h.clock.advance(Duration.ofMinutes(10));
      h.tick();
      assertThat(h.count(RUN, "task.heartbeat_dead")).isZero();
      // A second renewal does not repeat the call.
      h.engine().leaseKeeper().tick();
      assertThat(h.listener.starting("leaseLost")).hasSize(1);
    }
  }

  @Test
  void aLateSessionRereadsItsRunsAndDropsThoseTakenOver() {
    runs.create(RUN, List.of(A));
    RunId kept = RunId.of("run-kept");
    runs.create(kept, List.of(A));
    // The host stalls past its lease; meanwhile another session adopts RUN.
    h.clock.advance(Duration.ofSeconds(45));
    takeOver(new Owner(SessionId.of("host-b"), 1), 1);
    // The next write notices the late renewal, renews in place and re-reads its runs' epochs.
    runs.start(kept);
    assertThat(h.listener.starting("dropped")).containsExactly("dropped run-1 host-b#1 2");
    assertThat(h.engine().session().ownedRuns()).containsExactly(kept);
    assertThat(h.store.lease(Harness.SESSION).orElseThrow().renewedAt()).isEqualTo(h.clock.now());
    assertThatThrownBy(() -> runs.start(RUN)).isInstanceOf(StaleOwnerException.class);
  }

  @Test
  void aDiscontinuityMakesTheLeaseKeeperRevalidateBeforeTheNextWrite() {
    runs.create(RUN, List.of(A));
    h.engine().leaseKeeper().tick();
    h.clock.stepWall(Duration.ofHours(2));
    h.engine().leaseKeeper().tick();
    assertThat(h.engine().session().revalidationPending()).isTrue();
    takeOver(new Owner(SessionId.of("host-b"), 1), 1);
    assertThatThrownBy(() -> runs.start(RUN)).isInstanceOf(StaleOwnerException.class);
    assertThat(h.engine().session().revalidationPending()).isFalse();
    assertThat(h.listener.starting("dropped")).hasSize(1);
  }

  @Test
  void writesBeforeStartAndAfterCloseAreProgrammingErrors() {
    try (Harness fresh = new Harness()) {
      assertThatThrownBy(() -> fresh.runs().create(RUN, List.of(A)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not started");
      assertThatThrownBy(() -> fresh.runs().heartbeat(AttemptId.of(RUN, A, 1)))
          .isInstanceOf(IllegalStateException.class);
    }
    runs.create(RUN, List.of(A));
    AttemptId a1 = runs.startAttempt(RUN, A);
    h.close();
    assertThatThrownBy(() -> runs.complete(a1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> runs.heartbeat(a1)).isInstanceOf(IllegalStateException.class);
    assertThat(runs.snapshot(RUN)).isPresent();
  }

  @Test
  void nothingIsWrittenForAProcessRefOfARefusedStart() {
    runs.create(RUN, List.of(A));
    ProcessRef w = h.spawn(5);
    AttemptId a1 = runs.startAttempt(RUN, A, w, null, false);
    runs.fail(a1, Failure.of("X", "y", Harness.T0));
    int watchers = h.probe.pendingExitWatchers();
    assertThatThrownBy(() -> runs.startAttempt(RUN, A, h.spawn(6), null, false))
        .isInstanceOf(dev.crewrecovery.api.AttemptNotStartableException.class);
    assertThat(h.probe.pendingExitWatchers()).isEqualTo(watchers);
  }
}
