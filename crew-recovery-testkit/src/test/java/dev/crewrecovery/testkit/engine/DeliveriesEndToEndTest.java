package dev.crewrecovery.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.DeliveryKind;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskResult;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.spi.DeadletterFilter;
import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.DeadletterState;
import dev.crewrecovery.core.DeliveryCoordinator;
import dev.crewrecovery.core.ReconcileReport;
import dev.crewrecovery.core.ReconcileReport.Outcome;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.RecoveryPolicy;
import dev.crewrecovery.core.RedriveResult;
import dev.crewrecovery.core.internal.engine.Engine;
import dev.crewrecovery.core.internal.engine.EngineAccess;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.FakeProcessProbe;
import dev.crewrecovery.testkit.InMemoryRunStore;
import dev.crewrecovery.testkit.RecordingDeliverySink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The delivery coordinator wired into {@link CrewRecovery} (DESIGN section 11), end to end through
 * the public API on the testkit fakes: the ledger and the recovery loop are its sources, the
 * watcher tick retries the head and expires (deferred in a grace window), adoption re-owns.
 */
class DeliveriesEndToEndTest {
  private static final RunId RUN = RunId.of("run-1");
  private static final TaskId T1 = TaskId.of("t1");
  private static final TaskId T2 = TaskId.of("t2");
  private static final SessionId A = SessionId.of("host-a");
  private static final SessionId B = SessionId.of("host-b");

  private final FakeClock clock = new FakeClock(Harness.T0);
  private final InMemoryRunStore store = InMemoryRunStore.open(clock);
  private final FakeProcessProbe probe = new FakeProcessProbe();
  private final List<CrewRecovery> open = new ArrayList<>();

  @AfterEach
  void close() {
    open.forEach(CrewRecovery::close);
  }

  private CrewRecovery host(
      SessionId session, RecordingDeliverySink sink, RecoveryConfig config, RecoveryPolicy policy) {
    CrewRecovery crew =
        EngineAccess.manualLoops(
                CrewRecovery.builder()
                    .store(store)
                    .clock(clock)
                    .probe(probe)
                    .sink(sink)
                    .sessionId(session)
                    .hostName(Harness.HOST)
                    .random(new SplittableRandom(7))
                    .recoveryPolicy(policy)
                    .config(config))
            .build();
    open.add(crew);
    return crew;
  }

  private CrewRecovery host(SessionId session, RecordingDeliverySink sink) {
    return host(session, sink, RecoveryConfig.defaults(), RecoveryPolicy.defaults());
  }

  private static Engine engine(CrewRecovery crew) {
    return EngineAccess.engine(crew);
  }

  @Test
  void whileActiveResultsAndTheTerminalTransitionAreDeliveredAtOnceInOrder() {
    RecordingDeliverySink sink = new RecordingDeliverySink();
    CrewRecovery crew = host(A, sink);
    crew.start();
    crew.deliveries().activate(A);

    crew.runs().create(RUN, List.of(T1, T2));
    AttemptId t1 = crew.runs().startAttempt(RUN, T1);
    crew.runs().complete(t1, "file:///out/1.json");
    AttemptId t2 = crew.runs().startAttempt(RUN, T2);
    crew.runs().complete(t2, "file:///out/2.json");
    crew.runs().finish(RUN, null);

    assertThat(sink.deliveredIds())
        .containsExactly(
            DeliveryId.forResult(t1),
            DeliveryId.forResult(t2),
            DeliveryId.forNotification(RUN, 1, RunStatus.COMPLETED));
    assertThat(sink.delivered().get(0).payload()).isEqualTo("file:///out/1.json");
    assertThat(sink.delivered().get(2).payload()).isEqualTo("COMPLETED");
    assertThat(crew.deliveries().queued()).isEmpty();
  }

  @Test
  void whileInactiveItemsWaitAndActivateFlushesThemFifo() {
    RecordingDeliverySink sink = new RecordingDeliverySink();
    CrewRecovery crew = host(A, sink);
    crew.start();
    crew.runs().create(RUN, List.of(T1));
    AttemptId t1 = crew.runs().startAttempt(RUN, T1);
    crew.runs().complete(t1, "ref-1");
    crew.runs().finish(RUN, null);
    assertThat(sink.attempts()).isEmpty();
    assertThat(crew.deliveries().queued())
        .extracting(Delivery::kind, Delivery::owner)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(DeliveryKind.RESULT, A),
            org.assertj.core.groups.Tuple.tuple(DeliveryKind.NOTIFICATION, A));

    crew.deliveries().activate(A);

    assertThat(sink.deliveredIds())
        .containsExactly(
            DeliveryId.forResult(t1), DeliveryId.forNotification(RUN, 1, RunStatus.COMPLETED));
  }

  @Test
  void theWatcherTickRetriesTheHeadWhileActive() {
    RecordingDeliverySink sink = new RecordingDeliverySink();
    CrewRecovery crew = host(A, sink);
    crew.start();
    crew.runs().create(RUN, List.of(T1));
    AttemptId t1 = crew.runs().startAttempt(RUN, T1);
    crew.runs().complete(t1, "ref-1");
    sink.failNext(1);
    crew.deliveries().activate(A);
    assertThat(sink.delivered()).isEmpty();
    assertThat(crew.deliveries().queued()).hasSize(1);

    clock.advance(Duration.ofSeconds(5));
    engine(crew).watcherTick();

    assertThat(sink.deliveredIds()).containsExactly(DeliveryId.forResult(t1));
    assertThat(sink.attempts()).hasSize(2);
  }

  @Test
  void expiryIsDeferredInsideTheGraceWindowAndResumesAfterIt() {
    RecordingDeliverySink sink = new RecordingDeliverySink();
    CrewRecovery crew = host(A, sink);
    crew.start();
    crew.runs().create(RUN, List.of(T1));
    AttemptId t1 = crew.runs().startAttempt(RUN, T1);
    crew.runs().complete(t1, "ref-1");
    engine(crew).watcherTick(); // the watcher's first sample

    // A 25 h jump of the wall clock alone (a suspend the monotonic clock did not see).
    clock.stepWall(Duration.ofHours(25));
    engine(crew).watcherTick();
    assertThat(crew.deliveries().queued()).as("deferred in the grace window").hasSize(1);

    // The window ends one dead threshold (300 s) of monotonic time after the discontinuity.
    for (int i = 0; i < 61; i++) {
      clock.advance(Duration.ofSeconds(5));
      engine(crew).watcherTick();
    }
    assertThat(crew.deliveries().queued()).isEmpty();
    assertThat(store.deadletters(DeadletterFilter.ofRun(RUN)))
        .extracting(d -> d.entry().reason(), d -> d.entry().deliveryId())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                DeadletterReason.DELIVERY_FAILED, DeliveryId.forResult(t1)));
  }

  @Test
  void aResumeReownsTheQueuedItemsOfTheRunToTheResumingSession() {
    // Host a died: its lease expires, its run has a dead worker, and the result of its completed
    // task waits in the store as a persisted delivery owned by host-a.
    Owner a = store.acquireLease(A, clock.now()).owner();
    ProcessRef dead = probe.spawn(101);
    AttemptId t1 = AttemptId.of(RUN, T1, 1);
    AttemptId t2 = AttemptId.of(RUN, T2, 1);
    TaskState running =
        new TaskState(
            T1,
            TaskStatus.RUNNING,
            List.of(Attempt.started(t1, clock.now(), dead)),
            true,
            null,
            null,
            clock.now(),
            null);
    TaskState completed =
        new TaskState(
            T2,
            TaskStatus.COMPLETED,
            List.of(
                Attempt.started(t2, clock.now(), null)
                    .withResult(new TaskResult("ref-2", clock.now()))
                    .withEndedAt(clock.now())),
            true,
            null,
            null,
            clock.now(),
            null);
    store.create(
        RunSnapshot.initial(
            Manifest.created(RUN, a, clock.now()).toBuilder().status(RunStatus.RUNNING).build(),
            List.of(running, completed)),
        List.of());
    store.enqueueDelivery(
        new Delivery(
            DeliveryId.forResult(t2), DeliveryKind.RESULT, RUN, A, "ref-2", clock.now(), 0, 0));
    RecordingDeliverySink sinkB = new RecordingDeliverySink();
    CrewRecovery b = host(B, sinkB, RecoveryConfig.defaults(), RecoveryPolicy.table(true, false));
    b.start();
    b.deliveries().activate(B);
    assertThat(b.deliveries().queued()).extracting(Delivery::owner).containsExactly(A);
    assertThat(sinkB.attempts()).as("another session's item waits").isEmpty();
    probe.set(dead, Liveness.DEAD);
    clock.advance(Duration.ofSeconds(31));

    ReconcileReport report = engine(b).recovery().pass();

    assertThat(report.run(RUN).orElseThrow().outcome()).isEqualTo(Outcome.RESUMED);
    assertThat(b.deliveries().queued()).extracting(Delivery::owner).containsExactly(B);
    engine(b).watcherTick();
    assertThat(sinkB.deliveredIds()).containsExactly(DeliveryId.forResult(t2));
  }

  @Test
  void aRedriveReownsTheQueuedItemsOfTheRun() {
    RecordingDeliverySink sinkA = new RecordingDeliverySink();
    CrewRecovery a =
        host(A, sinkA, RecoveryConfig.builder().maxAttempts(1).build(), RecoveryPolicy.defaults());
    a.start();
    a.runs().create(RUN, List.of(T1, T2));
    AttemptId t1 = a.runs().startAttempt(RUN, T1);
    a.runs().complete(t1, "ref-1");
    AttemptId t2 = a.runs().startAttempt(RUN, T2);
    a.runs().fail(t2, Failure.of("BOOM", "it broke", clock.now()));
    a.runs().finish(RUN, null);
    RecordingDeliverySink sinkB = new RecordingDeliverySink();
    CrewRecovery b = host(B, sinkB);
    b.start();
    b.deliveries().activate(B);
    assertThat(b.deliveries().queued()).extracting(Delivery::owner).containsExactly(A);
    DeadletterEntry entry = store.deadletters(DeadletterFilter.ofRun(RUN)).get(0).entry();

    b.recovery().deadletters().redrive(entry.id(), clock.now());
    engine(b).watcherTick();

    assertThat(sinkB.deliveredIds()).containsExactly(DeliveryId.forResult(t1));
  }

  @Test
  void aDeliveryFailedEntryIsRedrivenByReEnqueueingItWithoutTouchingTheRun() {
    RecordingDeliverySink sink = new RecordingDeliverySink();
    CrewRecovery crew = host(A, sink);
    crew.start();
    crew.runs().create(RUN, List.of(T1));
    AttemptId t1 = crew.runs().startAttempt(RUN, T1);
    crew.runs().complete(t1, "ref-1");
    sink.failNext(5);
    crew.deliveries().activate(A);
    for (int i = 0; i < 4; i++) {
      engine(crew).watcherTick();
    }
    assertThat(crew.deliveries().queued()).isEmpty();
    DeadletterEntry entry = store.deadletters(DeadletterFilter.ofRun(RUN)).get(0).entry();
    assertThat(entry.reason()).isEqualTo(DeadletterReason.DELIVERY_FAILED);
    long version = store.load(RUN).orElseThrow().version();

    RedriveResult preview = crew.recovery().deadletters().previewRedrive(entry.id(), clock.now());
    assertThat(sink.delivered()).isEmpty();
    RedriveResult done = crew.recovery().deadletters().redrive(entry.id(), clock.now());

    assertThat(done.changes()).isEqualTo(preview.changes());
    assertThat(done.changes().get(0))
        .isEqualTo(
            "delivery "
                + DeliveryId.forResult(t1)
                + ": re-enqueued as the RESULT of attempt "
                + t1
                + " (owned by host-a)");
    assertThat(sink.deliveredIds()).containsExactly(DeliveryId.forResult(t1));
    assertThat(store.load(RUN).orElseThrow().version())
        .as("the run is untouched")
        .isEqualTo(version);
    assertThat(crew.recovery().deadletters().find(entry.id()).orElseThrow().state())
        .isEqualTo(DeadletterState.REDRIVEN);
  }

  @Test
  void withoutASinkThereIsNoCoordinatorAndNothingIsPersistedForDelivery() {
    CrewRecovery crew =
        EngineAccess.manualLoops(
                CrewRecovery.builder()
                    .store(store)
                    .clock(clock)
                    .probe(probe)
                    .sessionId(A)
                    .hostName(Harness.HOST))
            .build();
    open.add(crew);
    crew.start();
    crew.runs().create(RUN, List.of(T1));
    crew.runs().complete(crew.runs().startAttempt(RUN, T1), "ref-1");

    assertThatThrownBy(crew::deliveries)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sink(");
    assertThat(store.pendingDeliveries()).isEmpty();
  }

  @Test
  void theCoordinatorTakesItsSettingsFromTheRecoveryConfig() {
    RecordingDeliverySink sink = new RecordingDeliverySink();
    RecoveryConfig config =
        RecoveryConfig.builder().deliveryMaxFailures(2).deliveryPersistResults(false).build();
    CrewRecovery crew = host(A, sink, config, RecoveryPolicy.defaults());
    crew.start();
    crew.runs().create(RUN, List.of(T1));
    AttemptId t1 = crew.runs().startAttempt(RUN, T1);
    crew.runs().complete(t1, "ref-1");
    assertThat(store.pendingDeliveries()).as("not persisted").isEmpty();
    sink.failNext(2);
    DeliveryCoordinator d = crew.deliveries();
    d.activate(A);
    engine(crew).watcherTick();

    assertThat(d.queued()).as("the second failure deadletters").isEmpty();
    assertThat(d.stats().deadlettered()).isEqualTo(1);
  }
}
