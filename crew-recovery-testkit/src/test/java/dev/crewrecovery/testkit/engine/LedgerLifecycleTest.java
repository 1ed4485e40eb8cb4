package dev.crewrecovery.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.ApprovalState;
import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.AttemptNotStartableException;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.DeliveryKind;
import dev.crewrecovery.api.ExitClass;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.HeartbeatReading;
import dev.crewrecovery.api.IllegalTransitionException;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunExistsException;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunNotFoundException;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.spi.HeartbeatOutcome;
import dev.crewrecovery.api.spi.TerminationOutcome;
import dev.crewrecovery.core.BlockReason;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.RunLedger;
import dev.crewrecovery.testkit.FakeProcessProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LedgerLifecycleTest {
  private static final RunId RUN = RunId.of("run-1");
  private static final TaskId A = TaskId.of("a");
  private static final TaskId B = TaskId.of("b");
  private static final TaskId C = TaskId.of("c");

  private final Harness h = new Harness().started();
  private final RunLedger runs = h.runs();

  @AfterEach
  void close() {
    h.close();
  }

  private static Failure failure(String code, ExitClass exitClass) {
    return new Failure(code, "it broke", exitClass, null, null, null, Harness.T0);
  }

  @Test
  void aHostRunsAWholeLifecycleThroughThePublicApi() {
    RunSnapshot created = runs.create(RUN, List.of(A, B), Map.of("kind", "demo"));
    assertThat(created.version()).isEqualTo(1);
    assertThat(created.status()).isEqualTo(RunStatus.QUEUED);
    assertThat(created.manifest().owner()).isEqualTo(h.owner());
    assertThat(created.manifest().epoch()).isEqualTo(1);
    assertThat(created.manifest().attributes()).containsEntry("kind", "demo");
    assertThat(created.tasks()).extracting(TaskState::status).containsOnly(TaskStatus.QUEUED);

    ProcessRef worker = h.spawn(100);
    AttemptId a1 = runs.startAttempt(RUN, A, worker, "/var/log/a.log", false);
    assertThat(a1).isEqualTo(AttemptId.of(RUN, A, 1));
    RunSnapshot afterStart = h.snapshot(RUN);
    assertThat(afterStart.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(afterStart.version()).isEqualTo(2);
    TaskState a = afterStart.task(A).orElseThrow();
    assertThat(a.status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(a.lastSeenAt()).isEqualTo(Harness.T0);
    Attempt attempt = a.currentAttempt().orElseThrow();
    assertThat(attempt.worker()).isEqualTo(worker);
    assertThat(attempt.vouchedBy()).isEqualTo(Harness.SESSION);
    assertThat(attempt.logPath()).isEqualTo("/var/log/a.log");
    assertThat(attempt.forced()).isFalse();
    // The start is the attempt's first beat on the fast path too.
    HeartbeatReading slot = h.store.heartbeats(RUN).get(A);
    assertThat(slot.state()).isEqualTo(HeartbeatReading.State.OK);
    assertThat(slot.slot().attempt()).isEqualTo(a1);

    h.clock.advance(Duration.ofSeconds(3));
    assertThat(runs.heartbeat(a1)).isEqualTo(HeartbeatOutcome.RECORDED);
    assertThat(runs.activity(a1)).isEqualTo(HeartbeatOutcome.RECORDED);
    // The fast path commits nothing: no version, no event.
    assertThat(h.version(RUN)).isEqualTo(2);
    assertThat(h.events(RUN)).hasSize(3);
    assertThat(h.store.heartbeats(RUN).get(A).slot().beatCounter()).isEqualTo(2);
    runs.recordResult(a1, "file:///out/a.json");
    assertThat(h.task(RUN, A).currentAttempt().orElseThrow().result().reference())
        .isEqualTo("file:///out/a.json");
    assertThat(h.status(RUN, A)).isEqualTo(TaskStatus.RUNNING);
    runs.complete(a1);
    assertThat(h.status(RUN, A)).isEqualTo(TaskStatus.COMPLETED);

    AttemptId b1 = runs.startAttempt(RUN, B);
    runs.complete(b1, "inline:42");
    RunSnapshot finished = runs.finish(RUN, null);
    assertThat(finished.status()).isEqualTo(RunStatus.COMPLETED);

    assertThat(h.eventTypes(RUN))
        .containsExactly(
            "run.created",
            "run.started",
            "task.started",
            "task.result_recorded",
            "task.completed",
            "task.started",
            "task.result_recorded",
            "task.completed",
            "run.finished");
    // Every commit is one version; the events of one update share it.
    assertThat(finished.version()).isEqualTo(7);
    // Results and the terminal transition were handed to delivery with their derived ids.
    List<Delivery> deliveries = h.engine().deliveryItems();
    assertThat(deliveries)
        .extracting(Delivery::id)
        .containsExactly(
            DeliveryId.forResult(a1),
            DeliveryId.forResult(b1),
            DeliveryId.forNotification(RUN, 1, RunStatus.COMPLETED));
    assertThat(deliveries)
        .extracting(Delivery::kind)
        .containsExactly(DeliveryKind.RESULT, DeliveryKind.RESULT, DeliveryKind.NOTIFICATION);
    assertThat(deliveries.get(0).payload()).isEqualTo("file:///out/a.json");
    assertThat(deliveries.get(0).owner()).isEqualTo(Harness.SESSION);
    // Completed attempts are no longer watched for exit.
    assertThat(h.probe.pendingExitWatchers()).isZero();
  }

  @Test
  void createRefusesAnExistingRunAndRepeatedTasks() {
    runs.create(RUN, List.of(A));
    assertThatThrownBy(() -> runs.create(RUN, List.of(B))).isInstanceOf(RunExistsException.class);
    assertThatThrownBy(() -> runs.create(RunId.of("run-2"), List.of(A, A)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("listed twice");
    assertThat(h.store.load(RunId.of("run-2"))).isEmpty();
  }

  @Test
  void unknownRunsAndTasksAreRefused() {
    assertThatThrownBy(() -> runs.start(RUN)).isInstanceOf(RunNotFoundException.class);
    runs.create(RUN, List.of(A));
    assertThatThrownBy(() -> runs.cancel(RUN, C))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no task c");
    assertThatThrownBy(() -> runs.complete(AttemptId.of(RUN, C, 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void planStartBlockApproveUnblock() {
    runs.create(RUN, List.of(A));
    assertThat(runs.plan(RUN).status()).isEqualTo(RunStatus.PLANNING);
    RunSnapshot blocked = runs.block(RUN, BlockReason.APPROVAL);
    assertThat(blocked.status()).isEqualTo(RunStatus.BLOCKED);
    assertThat(blocked.manifest().approval().state()).isEqualTo(ApprovalState.PENDING);
    assertThat(blocked.manifest().approval().askedAt()).isEqualTo(Harness.T0);
    // Pending approval: neither unblock nor an attempt.
    assertThatThrownBy(() -> runs.unblock(RUN)).isInstanceOf(IllegalTransitionException.class);
    assertThatThrownBy(() -> runs.startAttempt(RUN, A))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageContaining("BLOCKED");
    assertThatThrownBy(() -> runs.start(RUN)).isInstanceOf(IllegalTransitionException.class);
    assertThat(runs.approve(RUN).manifest().approval().state()).isEqualTo(ApprovalState.APPROVED);
    long v = h.version(RUN);
    assertThat(runs.approve(RUN).version()).as("approving twice changes nothing").isEqualTo(v);
    assertThatThrownBy(() -> runs.reject(RUN)).isInstanceOf(IllegalTransitionException.class);
    RunSnapshot unblocked = runs.unblock(RUN);
    assertThat(unblocked.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(unblocked.manifest().approval()).isNull();
    assertThatThrownBy(() -> runs.approve(RUN)).isInstanceOf(IllegalTransitionException.class);
    assertThat(h.eventTypes(RUN))
        .containsExactly(
            "run.created", "run.planning", "run.blocked", "run.approved", "run.unblocked");
  }

  @Test
  void aRejectedRunIsFinishedNotUnblocked() {
    runs.create(RUN, List.of(A));
    runs.start(RUN);
    runs.block(RUN, BlockReason.APPROVAL);
    assertThat(runs.reject(RUN).manifest().approval().state()).isEqualTo(ApprovalState.REJECTED);
    assertThatThrownBy(() -> runs.unblock(RUN)).isInstanceOf(IllegalTransitionException.class);
    RunSnapshot done = runs.finish(RUN, RunStatus.CANCELLED);
    assertThat(done.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(done.manifest().approval()).isNull();
    assertThat(done.task(A).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
  }

  @Test
  void blockingForAnotherReasonSetsNoMarker() {
    runs.create(RUN, List.of(A));
    runs.start(RUN);
    assertThat(runs.block(RUN, BlockReason.OTHER).manifest().approval()).isNull();
    assertThatThrownBy(() -> runs.approve(RUN)).isInstanceOf(IllegalTransitionException.class);
    assertThat(runs.unblock(RUN).status()).isEqualTo(RunStatus.RUNNING);
  }

  @Test
  void illegalRunTransitionsThrowAndWriteNothing() {
    runs.create(RUN, List.of(A));
    long v = h.version(RUN);
    assertThatThrownBy(() -> runs.block(RUN, BlockReason.OTHER))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageContaining("QUEUED -> BLOCKED");
    assertThatThrownBy(() -> runs.unblock(RUN)).isInstanceOf(IllegalTransitionException.class);
    runs.start(RUN);
    assertThatThrownBy(() -> runs.plan(RUN))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageContaining("RUNNING -> PLANNING");
    assertThatThrownBy(() -> runs.start(RUN)).isInstanceOf(IllegalTransitionException.class);
    assertThat(h.version(RUN)).isEqualTo(v + 1);
  }

  @Test
  void startingAnAttemptOfAQueuedRunStartsTheRunInTheSameUpdate() {
    runs.create(RUN, List.of(A));
    runs.plan(RUN);
    runs.startAttempt(RUN, A);
    assertThat(h.snapshot(RUN).status()).isEqualTo(RunStatus.RUNNING);
    assertThat(h.version(RUN)).isEqualTo(3);
    List<RunEvent> events = h.events(RUN);
    assertThat(events.get(2).type()).isEqualTo("run.started");
    assertThat(events.get(2).data()).containsEntry("from", "PLANNING");
    assertThat(events.get(3).type()).isEqualTo("task.started");
  }

  @Test
  void onlyAQueuedTaskStartsAnAttempt() {
    runs.create(RUN, List.of(A, B));
    AttemptId a1 = runs.startAttempt(RUN, A);
    assertThatThrownBy(() -> runs.startAttempt(RUN, A))
        .isInstanceOfSatisfying(
            AttemptNotStartableException.class,
            e -> assertThat(e.reason()).isEqualTo(AttemptNotStartableException.Reason.NOT_QUEUED));
    runs.complete(a1);
    assertThatThrownBy(() -> runs.startAttempt(RUN, A))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageContaining("COMPLETED -> RUNNING");
    runs.finish(RUN, RunStatus.CANCELLED);
    assertThatThrownBy(() -> runs.startAttempt(RUN, B))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageContaining("terminal");
  }

  @Test
  void failRequeuesWithBackoffThenFailsWithMaxRetries() {
    runs.create(RUN, List.of(A));
    AttemptId a1 = runs.startAttempt(RUN, A);
    runs.fail(a1, Failure.of("BOOM", "first", Harness.T0));
    TaskState t = h.task(RUN, A);
    assertThat(t.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(t.attemptCurrent()).isFalse();
    assertThat(t.attempts().get(0).failure().code()).isEqualTo("BOOM");
    assertThat(t.attempts().get(0).endedAt()).isEqualTo(Harness.T0);
    // 1 s ± 30 % after the failure.
    assertThat(t.notBefore()).isBetween(Harness.T0.plusMillis(700), Harness.T0.plusMillis(1300));
    assertThat(h.deadletters(RUN)).isEmpty();

    // Before notBefore the next attempt is refused, naming the instant.
    assertThatThrownBy(() -> runs.startAttempt(RUN, A))
        .isInstanceOfSatisfying(
            AttemptNotStartableException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(AttemptNotStartableException.Reason.NOT_BEFORE);
              assertThat(e.notBefore()).isEqualTo(t.notBefore());
            });
    h.clock.advance(Duration.ofMillis(1300));
    AttemptId a2 = runs.startAttempt(RUN, A);
    assertThat(a2.number()).isEqualTo(2);
    Instant failedAt = h.clock.now();
    runs.fail(a2, Failure.of("BOOM", "second", failedAt));
    assertThat(h.task(RUN, A).notBefore())
        .isBetween(failedAt.plusMillis(1400), failedAt.plusMillis(2600));

    h.clock.advance(Duration.ofSeconds(3));
    AttemptId a3 = runs.startAttempt(RUN, A);
    runs.fail(a3, Failure.of("BOOM", "third", h.clock.now()));
    assertThat(h.status(RUN, A)).isEqualTo(TaskStatus.FAILED);
    assertThat(h.task(RUN, A).notBefore()).isNull();
    List<DeadletterEntry> dl = h.deadletters(RUN);
    assertThat(dl).hasSize(1);
    assertThat(dl.get(0).reason()).isEqualTo(DeadletterReason.MAX_RETRIES);
    assertThat(dl.get(0).attemptId()).isEqualTo(a3);
    assertThat(dl.get(0).attempts()).isEqualTo(3);
    assertThat(h.listener.starting("deadletter")).containsExactly("deadletter MAX_RETRIES " + a3);
    assertThat(h.eventTypes(RUN))
        .containsSubsequence("task.retry_scheduled", "task.retry_scheduled", "task.failed");
  }

  @Test
  void aNonRetryableFailureFailsAtOnceWithItsEntry() {
    runs.create(RUN, List.of(A));
    AttemptId a1 = runs.startAttempt(RUN, A);
    runs.fail(a1, failure("SLOW", ExitClass.TIMEOUT));
    assertThat(h.status(RUN, A)).isEqualTo(TaskStatus.FAILED);
    assertThat(h.deadletters(RUN))
        .extracting(DeadletterEntry::reason)
        .containsExactly(DeadletterReason.NON_RETRYABLE);
  }

  @Test
  void cancellationWritesNoDeadletterEntry() {
    runs.create(RUN, List.of(A, B));
    AttemptId a1 = runs.startAttempt(RUN, A);
    runs.fail(a1, failure("STOPPED", ExitClass.CANCELLED));
    assertThat(h.status(RUN, A)).isEqualTo(TaskStatus.FAILED);
    AttemptId b1 = runs.startAttempt(RUN, B);
    runs.cancel(RUN, B);
    assertThat(h.status(RUN, B)).isEqualTo(TaskStatus.CANCELLED);
    assertThat(h.task(RUN, B).attempts().get(0).endedAt()).isEqualTo(Harness.T0);
    assertThat(h.deadletters(RUN)).isEmpty();
    assertThat(b1.number()).isEqualTo(1);
  }

  @Test
  void maxAttemptsOfOneNeverRetries() {
    try (Harness one = new Harness(RecoveryConfig.builder().maxAttempts(1).build()).started()) {
      one.runs().create(RUN, List.of(A));
      AttemptId a1 = one.runs().startAttempt(RUN, A);
      one.runs().fail(a1, Failure.of("X", "y", Harness.T0));
      assertThat(one.status(RUN, A)).isEqualTo(TaskStatus.FAILED);
      assertThat(one.deadletters(RUN))
          .extracting(DeadletterEntry::reason)
          .containsExactly(DeadletterReason.MAX_RETRIES);
    }
  }

  @Test
  void aLivePreviousWorkerBlocksTheNextAttemptUnlessForced() {
    runs.create(RUN, List.of(A));
    ProcessRef w1 = h.spawn(101);
    AttemptId a1 = runs.startAttempt(RUN, A, w1, null, false);
    runs.fail(a1, Failure.of("X", "y", Harness.T0));
    h.clock.advance(Duration.ofSeconds(2));
    long v = h.version(RUN);
    assertThatThrownBy(() -> runs.startAttempt(RUN, A))
        .isInstanceOfSatisfying(
            AttemptNotStartableException.class,
            e -> {
              assertThat(e.reason())
                  .isEqualTo(AttemptNotStartableException.Reason.PREVIOUS_WORKER_ALIVE);
              assertThat(e.previousWorker()).isEqualTo(w1);
            });
    // UNKNOWN on this host also blocks.
    h.probe.set(w1, Liveness.UNKNOWN);
    assertThatThrownBy(() -> runs.startAttempt(RUN, A))
        .isInstanceOfSatisfying(
            AttemptNotStartableException.class,
            e ->
                assertThat(e.reason())
                    .isEqualTo(AttemptNotStartableException.Reason.PREVIOUS_WORKER_UNKNOWN));
    assertThat(h.version(RUN)).isEqualTo(v);

    ProcessRef w2 = h.spawn(102);
    AttemptId a2 = runs.startAttempt(RUN, A, w2, null, true);
    Attempt forced = h.task(RUN, A).currentAttempt().orElseThrow();
    assertThat(forced.id()).isEqualTo(a2);
    assertThat(forced.forced()).isTrue();
    RunEvent started = h.events(RUN).get(h.events(RUN).size() - 1);
    assertThat(started.type()).isEqualTo("task.started");
    assertThat(started.data()).containsEntry("forced", "true").containsKey("previousWorker");
  }

  @Test
  void anUnknownPreviousWorkerOfAnotherHostDoesNotBlock() {
    runs.create(RUN, List.of(A));
    ProcessRef remote = ProcessRef.linux(7, "elsewhere", "boot", 1);
    h.probe.set(remote, Liveness.UNKNOWN);
    AttemptId a1 = runs.startAttempt(RUN, A, remote, null, false);
    runs.fail(a1, Failure.of("X", "y", Harness.T0));
    h.clock.advance(Duration.ofSeconds(2));
    assertThat(runs.startAttempt(RUN, A).number()).isEqualTo(2);
  }

  @Test
  void aDeadPreviousWorkerDoesNotBlock() {
    runs.create(RUN, List.of(A));
    ProcessRef w1 = h.spawn(101);
    AttemptId a1 = runs.startAttempt(RUN, A, w1, null, false);
    runs.fail(a1, Failure.of("X", "y", Harness.T0));
    h.probe.exit(w1, 1);
    h.clock.advance(Duration.ofSeconds(2));
    assertThat(runs.startAttempt(RUN, A).number()).isEqualTo(2);
  }

  @Test
  void aRelativeLogPathIsRefused() {
    runs.create(RUN, List.of(A));
    assertThatThrownBy(() -> runs.startAttempt(RUN, A, null, "logs/a.log", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absolute");
    assertThat(h.version(RUN)).isEqualTo(1);
  }

  @Test
  void theRunnerIsRecordedAndVouchedForByTheSession() {
    runs.create(RUN, List.of(A));
    ProcessRef runner = h.spawn(50);
    RunSnapshot s = runs.recordRunner(RUN, runner, "/var/log/runner.log");
    assertThat(s.manifest().runner()).isEqualTo(runner);
    assertThat(s.manifest().runnerVouchedBy()).isEqualTo(Harness.SESSION);
    assertThat(s.manifest().runnerLogPath()).isEqualTo("/var/log/runner.log");
    assertThat(h.eventTypes(RUN)).endsWith("run.runner_recorded");
  }

  @Test
  void aWaitingTaskWhoseWorkerLivesResumesInTheSameAttempt() {
    runs.create(RUN, List.of(A));
    ProcessRef w = h.spawn(200);
    AttemptId a1 = runs.startAttempt(RUN, A, w, null, false);
    Instant deadline = Harness.T0.plus(Duration.ofHours(1));
    runs.waitForAnswer(a1, "which branch?", deadline);
    TaskState waiting = h.task(RUN, A);
    assertThat(waiting.status()).isEqualTo(TaskStatus.WAITING);
    assertThat(waiting.waitMarker().question()).isEqualTo("which branch?");
    assertThat(waiting.waitMarker().deadline()).isEqualTo(deadline);
    assertThat(waiting.waitMarker().askedAt()).isEqualTo(Harness.T0);

    h.clock.advance(Duration.ofMinutes(10));
    runs.answer(RUN, A, "main");
    TaskState resumed = h.task(RUN, A);
    assertThat(resumed.status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(resumed.waitMarker()).isNull();
    assertThat(resumed.currentAttempt().orElseThrow().id()).isEqualTo(a1);
    assertThat(resumed.lastSeenAt()).isEqualTo(h.clock.now());
    RunEvent answered = h.events(RUN).get(h.events(RUN).size() - 1);
    assertThat(answered.data()).containsEntry("answer", "main").containsEntry("resumed", "true");
  }

  @Test
  void aWaitingTaskWhoseWorkerExitedIsRequeuedAsANewAttempt() {
    runs.create(RUN, List.of(A));
    ProcessRef w = h.spawn(201);
    AttemptId a1 = runs.startAttempt(RUN, A, w, null, false);
    runs.waitForAnswer(a1, "go?", null);
    h.probe.exit(w, 0);
    // The exit does not repair a WAITING task: it keeps waiting with its marker.
    assertThat(h.status(RUN, A)).isEqualTo(TaskStatus.WAITING);
    assertThat(h.task(RUN, A).waitMarker()).isNotNull();

    runs.answer(RUN, A, "yes");
    TaskState requeued = h.task(RUN, A);
    assertThat(requeued.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(requeued.attemptCurrent()).isFalse();
    assertThat(requeued.waitMarker()).isNull();
    assertThat(runs.startAttempt(RUN, A).number()).isEqualTo(2);
    assertThatThrownBy(() -> runs.answer(RUN, A, "again"))
        .isInstanceOf(IllegalTransitionException.class);
  }

  @Test
  void needsAttentionAndSkip() {
    runs.create(RUN, List.of(A, B));
    AttemptId a1 = runs.startAttempt(RUN, A);
    runs.needsAttention(a1, "credentials expired");
    assertThat(h.status(RUN, A)).isEqualTo(TaskStatus.NEEDS_ATTENTION);
    runs.skip(RUN, B);
    assertThat(h.status(RUN, B)).isEqualTo(TaskStatus.SKIPPED);
    assertThat(runs.finish(RUN, null).status()).isEqualTo(RunStatus.FAILED);
  }

  @Test
  void finishClosesOpenTasksAndTerminatesTheLiveWorkersOfCancelledOnes() {
    runs.create(RUN, List.of(A, B, C, TaskId.of("d"), TaskId.of("e")));
    ProcessRef withResult = h.spawn(1);
    ProcessRef alive = h.spawn(2);
    ProcessRef unknown = h.spawn(3);
    AttemptId a = runs.startAttempt(RUN, A, withResult, null, false);
    runs.recordResult(a, "done");
    AttemptId b = runs.startAttempt(RUN, B, alive, null, false);
    AttemptId c = runs.startAttempt(RUN, C, unknown, null, false);
    h.probe.set(unknown, Liveness.UNKNOWN);
    AttemptId d = runs.startAttempt(RUN, TaskId.of("d"));
    runs.waitForAnswer(d, "?", null);
    long before = h.version(RUN);

    RunSnapshot done = runs.finish(RUN, null);
    assertThat(done.version()).as("one update").isEqualTo(before + 1);
    assertThat(done.task(A).orElseThrow().status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(done.task(B).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(done.task(C).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(done.task(TaskId.of("d")).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(done.task(TaskId.of("d")).orElseThrow().waitMarker()).isNull();
    assertThat(done.task(TaskId.of("e")).orElseThrow().status()).isEqualTo(TaskStatus.CANCELLED);
    // A completed, the rest cancelled: not every task is CANCELLED or SKIPPED, none failed.
    assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);

    // Only the live worker of a cancelled task was signalled; the UNKNOWN one was reported;
    // the one of the completed task was left alone.
    assertThat(h.probe.terminations())
        .extracting(FakeProcessProbe.Termination::ref)
        .containsExactly(alive);
    assertThat(h.probe.peek(alive)).isEqualTo(Liveness.DEAD);
    assertThat(h.probe.peek(withResult)).isEqualTo(Liveness.ALIVE);
    assertThat(h.listener.starting("termination"))
        .containsExactly(
            "termination " + b + " ALIVE " + TerminationOutcome.TERMINATED,
            "termination " + c + " UNKNOWN null");
    RunEvent report = h.events(RUN).get(h.events(RUN).size() - 1);
    assertThat(report.type()).isEqualTo("run.workers_terminated");
    assertThat(report.data()).containsKeys(b.toString(), c.toString());
    // The terminal transition was evented after the task closes.
    assertThat(h.eventTypes(RUN))
        .containsSubsequence(
            "task.completed",
            "task.cancelled",
            "task.cancelled",
            "task.cancelled",
            "task.cancelled",
            "run.finished",
            "run.workers_terminated");
  }

  @Test
  void finishDerivesTheStatusFromTheClosedTasks() {
    runs.create(RUN, List.of(A, B));
    runs.skip(RUN, B);
    // A QUEUED task is cancelled, B was skipped: every task is CANCELLED or SKIPPED.
    assertThat(runs.finish(RUN, null).status()).isEqualTo(RunStatus.CANCELLED);

    RunId other = RunId.of("run-2");
    runs.create(other, List.of(A));
    runs.fail(runs.startAttempt(other, A), failure("NO", ExitClass.TIMEOUT));
    assertThat(runs.finish(other, null).status()).isEqualTo(RunStatus.FAILED);
  }

  @Test
  void finishPassesThroughRunningWhereTheTableRequiresIt() {
    runs.create(RUN, List.of(A));
    RunSnapshot done = runs.finish(RUN, RunStatus.COMPLETED);
    assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
    assertThat(done.version()).isEqualTo(2);
    RunEvent finished = h.events(RUN).get(h.events(RUN).size() - 1);
    assertThat(finished.data())
        .containsEntry("from", "QUEUED")
        .containsEntry("via", "RUNNING")
        .containsEntry("status", "COMPLETED");
  }

  @Test
  void finishRefusesANonTerminalStatusAndIllegalMoves() {
    runs.create(RUN, List.of(A));
    assertThatThrownBy(() -> runs.finish(RUN, RunStatus.RUNNING))
        .isInstanceOf(IllegalArgumentException.class);
    runs.finish(RUN, RunStatus.FAILED);
    long v = h.version(RUN);
    assertThatThrownBy(() -> runs.finish(RUN, RunStatus.COMPLETED))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageContaining("FAILED -> COMPLETED");
    assertThat(h.version(RUN)).isEqualTo(v);
    // FAILED -> CANCELLED is allowed by the table, and notified.
    assertThat(runs.finish(RUN, RunStatus.CANCELLED).status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(h.engine().deliveryItems())
        .extracting(Delivery::id)
        .containsExactly(
            DeliveryId.forNotification(RUN, 1, RunStatus.FAILED),
            DeliveryId.forNotification(RUN, 1, RunStatus.CANCELLED));
  }

  @Test
  void anExplicitRetryReopensAFinishedRun() {
    runs.create(RUN, List.of(A));
    AttemptId a1 = runs.startAttempt(RUN, A);
    runs.fail(a1, failure("NO", ExitClass.TIMEOUT));
    runs.finish(RUN, null);
    assertThat(h.snapshot(RUN).status()).isEqualTo(RunStatus.FAILED);

    RunSnapshot reopened = runs.retry(RUN, A);
    assertThat(reopened.status()).isEqualTo(RunStatus.RUNNING);
    TaskState a = reopened.task(A).orElseThrow();
    assertThat(a.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(a.attemptCurrent()).isFalse();
    assertThat(h.eventTypes(RUN)).endsWith("run.reopened", "task.retried");
    assertThat(runs.startAttempt(RUN, A).number()).isEqualTo(2);
    assertThatThrownBy(() -> runs.retry(RUN, A))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageContaining("only a terminal task");
  }

  @Test
  void aCompletedTaskIsNeverResurrectedOrDowngradedByOrdinaryWrites() {
    runs.create(RUN, List.of(A, B));
    AttemptId a1 = runs.startAttempt(RUN, A);
    runs.complete(a1);
    long v = h.version(RUN);
    assertThatThrownBy(() -> runs.cancel(RUN, A)).isInstanceOf(IllegalTransitionException.class);
    assertThatThrownBy(() -> runs.skip(RUN, A)).isInstanceOf(IllegalTransitionException.class);
    assertThat(h.version(RUN)).isEqualTo(v);
    assertThat(h.status(RUN, A)).isEqualTo(TaskStatus.COMPLETED);
  }

  @Test
  void droppedBeatsAreCounted() {
    runs.create(RUN, List.of(A));
    AttemptId a1 = runs.startAttempt(RUN, A);
    runs.complete(a1);
    assertThat(runs.heartbeat(a1)).isEqualTo(HeartbeatOutcome.DROPPED_TERMINAL);
    assertThat(runs.activity(a1)).isEqualTo(HeartbeatOutcome.DROPPED_TERMINAL);
    assertThat(runs.heartbeat(AttemptId.of(RunId.of("nope"), A, 1)))
        .isEqualTo(HeartbeatOutcome.DROPPED_UNKNOWN);
    assertThat(runs.droppedHeartbeats()).isEqualTo(3);
    assertThat(h.store.stats().droppedHeartbeats()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void aSecondReferenceForTheSameAttemptIsAProgrammingError() {
    runs.create(RUN, List.of(A));
    AttemptId a1 = runs.startAttempt(RUN, A);
    runs.recordResult(a1, "x");
    long v = h.version(RUN);
    assertThat(runs.recordResult(a1, "x").version()).as("idempotent").isEqualTo(v);
    assertThatThrownBy(() -> runs.recordResult(a1, "y")).isInstanceOf(IllegalStateException.class);
    assertThat(h.engine().deliveryItems()).hasSize(1);
  }
}
