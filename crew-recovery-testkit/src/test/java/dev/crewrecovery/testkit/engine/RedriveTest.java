package dev.crewrecovery.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterId;
import dev.crewrecovery.api.DeadletterMark;
import dev.crewrecovery.api.DeadletterNotFoundException;
import dev.crewrecovery.api.DeadletterNotOpenException;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.RedriveRefusedException;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.StoreIoException;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.spi.DeadletterFilter;
import dev.crewrecovery.core.DeadletterConfig;
import dev.crewrecovery.core.DeadletterListener;
import dev.crewrecovery.core.DeadletterQuery;
import dev.crewrecovery.core.DeadletterState;
import dev.crewrecovery.core.DeadletterView;
import dev.crewrecovery.core.Deadletters;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.RedriveResult;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.FakeProcessProbe;
import dev.crewrecovery.testkit.ForwardingRunStore;
import dev.crewrecovery.testkit.InMemoryRunStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * DESIGN section 10, redrive: OPEN entries of FAILED/CANCELLED tasks only; a new attempt; a
 * terminal run back to RUNNING; adoption (epoch + 1) by the redriving session; a dry run that
 * returns exactly the changes; refusals when the run or task moved on.
 */
class RedriveTest {
  private static final RunId RUN = RunId.of("run-1");
  private static final TaskId T1 = TaskId.of("t1");
  private static final TaskId T2 = TaskId.of("t2");
  private static final SessionId OTHER = SessionId.of("host-b");

  /** One attempt per task: a failure is final and writes a MAX_RETRIES entry. */
  private static final RecoveryConfig ONE_ATTEMPT = RecoveryConfig.builder().maxAttempts(1).build();

  /** Fails over to {@code failMarks} to make the redrive mark fail (a crash after the update). */
  private static final class MarkFailingStore extends ForwardingRunStore {
    volatile boolean failMarks;

    MarkFailingStore(InMemoryRunStore delegate) {
      super(delegate);
    }

    @Override
    public boolean markDeadletter(DeadletterMark mark) {
      if (failMarks) {
        throw new StoreIoException("injected: crash before the redrive mark", null);
      }
      return super.markDeadletter(mark);
    }
  }

  private final FakeClock clock = new FakeClock(Harness.T0);
  private final MarkFailingStore store = new MarkFailingStore(InMemoryRunStore.open(clock));
  private final FakeProcessProbe probe = new FakeProcessProbe();
  private final Harness a = new Harness(clock, store, probe, ONE_ATTEMPT, Harness.SESSION);
  private final Harness b = new Harness(clock, store, probe, ONE_ATTEMPT, OTHER);

  @AfterEach
  void close() {
    a.close();
    b.close();
  }

  /**
   * Host b runs RUN: t1 fails for good (MAX_RETRIES entry), t2 completes, and b finishes the run
   * FAILED. Returns the entry.
   */
  private DeadletterEntry failedRunOfB() {
    b.started();
    a.started();
    b.runs().create(RUN, List.of(T1, T2));
    AttemptId t1 = b.runs().startAttempt(RUN, T1);
    b.runs().fail(t1, Failure.of("BOOM", "it broke", clock.now()));
    AttemptId t2 = b.runs().startAttempt(RUN, T2);
    b.runs().complete(t2, "ref-2");
    b.runs().finish(RUN, null);
    assertThat(b.snapshot(RUN).status()).isEqualTo(RunStatus.FAILED);
    List<DeadletterEntry> entries = a.deadletters(RUN);
    assertThat(entries)
        .extracting(DeadletterEntry::reason)
        .containsExactly(DeadletterReason.MAX_RETRIES);
    return entries.get(0);
  }

  private Deadletters deadletters(Harness h) {
    return h.crew.recovery().deadletters();
  }

  @Test
  void redriveRequeuesAsANewAttemptReopensTheRunAndAdoptsItForTheRedrivingSession() {
    DeadletterEntry entry = failedRunOfB();
    RunSnapshot before = a.snapshot(RUN);
    clock.advance(Duration.ofMinutes(1));

    RedriveResult r = deadletters(a).redrive(entry.id(), clock.now());

    RunSnapshot after = a.snapshot(RUN);
    assertThat(r.written()).isTrue();
    assertThat(r.snapshot()).isEqualTo(after);
    assertThat(after.version()).isEqualTo(before.version() + 1);
    TaskState t1 = after.task(T1).orElseThrow();
    assertThat(t1.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(t1.attemptCurrent()).isFalse();
    assertThat(t1.attempts()).hasSize(1);
    assertThat(after.task(T2).orElseThrow().status())
        .as("the completed task is untouched")
        .isEqualTo(TaskStatus.COMPLETED);
    assertThat(after.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(after.manifest().owner()).isEqualTo(a.owner());
    assertThat(after.manifest().epoch()).isEqualTo(before.manifest().epoch() + 1);
    assertThat(a.count(RUN, "run.redriven")).isEqualTo(1);
    assertThat(r.entry().state()).isEqualTo(DeadletterState.REDRIVEN);
    assertThat(deadletters(a).find(entry.id()).orElseThrow().state())
        .isEqualTo(DeadletterState.REDRIVEN);
    assertThat(r.changes())
        .containsExactly(
            "task t1: FAILED -> QUEUED, as a new attempt (its next start is attempt 2)",
            "run run-1: FAILED -> RUNNING",
            "run run-1: adopted by "
                + a.owner()
                + " (owner "
                + b.owner()
                + " -> "
                + a.owner()
                + ", epoch "
                + before.manifest().epoch()
                + " -> "
                + (before.manifest().epoch() + 1)
                + ")",
            "deadletter " + entry.id() + ": redrive mark by " + a.owner() + " (REDRIVEN)");

    // The redriving session owns the run: its next start is attempt 2, the old owner is fenced.
    AttemptId second = a.runs().startAttempt(RUN, T1);
    assertThat(second.number()).isEqualTo(2);
    assertThatThrownBy(() -> b.runs().cancel(RUN, T2))
        .isInstanceOf(dev.crewrecovery.api.StaleOwnerException.class);
  }

  @Test
  void dryRunReturnsExactlyTheChangesOfTheRedriveAndWritesNothing() {
    DeadletterEntry entry = failedRunOfB();
    long version = a.version(RUN);
    int events = a.events(RUN).size();

    RedriveResult preview = deadletters(a).previewRedrive(entry.id(), clock.now());

    assertThat(preview.written()).isFalse();
    assertThat(preview.entry().state()).isEqualTo(DeadletterState.OPEN);
    a.assertUnchanged(RUN, version, events);
    assertThat(store.deadletters(DeadletterFilter.ofRun(RUN)).get(0).marks()).isEmpty();
    assertThat(deadletters(a).find(entry.id()).orElseThrow().state())
        .isEqualTo(DeadletterState.OPEN);

    RedriveResult done = deadletters(a).redrive(entry.id(), clock.now());
    assertThat(done.changes()).isEqualTo(preview.changes());
    assertThat(done.snapshot()).isEqualTo(preview.snapshot());
  }

  @Test
  void aCancelledTaskOfARunningRunIsRequeuedAndTheRunStaysRunning() {
    a.started();
    a.runs().create(RUN, List.of(T1, T2));
    a.runs().startAttempt(RUN, T1);
    a.runs().cancel(RUN, T1);
    DeadletterView manual =
        deadletters(a).appendManual(RUN, T1, "cancelled by mistake", clock.now());
    long epoch = a.snapshot(RUN).manifest().epoch();

    RedriveResult r = deadletters(a).redrive(manual.id(), clock.now());

    assertThat(r.snapshot().status()).isEqualTo(RunStatus.RUNNING);
    assertThat(r.snapshot().task(T1).orElseThrow().status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(r.snapshot().manifest().epoch()).isEqualTo(epoch + 1);
    assertThat(r.changes()).hasSize(3).noneMatch(c -> c.contains("-> RUNNING"));
    // The session still owns the run at its new epoch: its own writes go on.
    assertThat(a.runs().startAttempt(RUN, T1).number()).isEqualTo(2);
  }

  @Test
  void refusedWhenTheTaskMovedOnNamingWhatItMovedTo() {
    DeadletterEntry entry = failedRunOfB();
    RedriveResult preview = deadletters(a).previewRedrive(entry.id(), clock.now());
    assertThat(preview.entry().state()).isEqualTo(DeadletterState.OPEN);
    b.runs().retry(RUN, T1);
    long version = a.version(RUN);

    assertThatThrownBy(() -> deadletters(a).redrive(entry.id(), clock.now()))
        .isInstanceOf(DeadletterNotOpenException.class)
        .hasMessageContaining("SUPERSEDED (task t1 moved past attempt 1")
        .hasMessageContaining("allowed only for OPEN entries");
    assertThatThrownBy(() -> deadletters(a).previewRedrive(entry.id(), clock.now()))
        .isInstanceOf(DeadletterNotOpenException.class);
    assertThat(a.version(RUN)).isEqualTo(version);
  }

  @Test
  void aSecondRedriveOfTheSameEntryIsRefused() {
    DeadletterEntry entry = failedRunOfB();
    deadletters(a).redrive(entry.id(), clock.now());
    long version = a.version(RUN);

    assertThatThrownBy(() -> deadletters(b).redrive(entry.id(), clock.now()))
        .isInstanceOf(DeadletterNotOpenException.class)
        .hasMessageContaining("REDRIVEN");
    assertThat(a.version(RUN)).isEqualTo(version);
  }

  @Test
  void aDiscardedEntryIsNotRedriven() {
    DeadletterEntry entry = failedRunOfB();
    deadletters(a).discard(entry.id(), "known flake", clock.now());

    assertThatThrownBy(() -> deadletters(a).redrive(entry.id(), clock.now()))
        .isInstanceOf(DeadletterNotOpenException.class)
        .hasMessageContaining("DISCARDED");
  }

  @Test
  void aCrashBetweenTheUpdateAndTheMarkLeavesTheEntryClosed() {
    DeadletterEntry entry = failedRunOfB();
    store.failMarks = true;

    assertThatThrownBy(() -> deadletters(a).redrive(entry.id(), clock.now()))
        .isInstanceOf(StoreIoException.class);

    store.failMarks = false;
    assertThat(a.snapshot(RUN).task(T1).orElseThrow().status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(deadletters(a).find(entry.id()).orElseThrow().state())
        .isEqualTo(DeadletterState.SUPERSEDED);
    assertThatThrownBy(() -> deadletters(a).redrive(entry.id(), clock.now()))
        .isInstanceOf(DeadletterNotOpenException.class);
  }

  @Test
  void aTaskThatIsNeitherFailedNorCancelledIsRefused() {
    a.started();
    a.runs().create(RUN, List.of(T1));
    AttemptId t1 = a.runs().startAttempt(RUN, T1);
    a.runs().needsAttention(t1, "look at me");
    DeadletterView manual = deadletters(a).appendManual(RUN, T1, "stuck", clock.now());
    assertThat(manual.state()).isEqualTo(DeadletterState.OPEN);
    long version = a.version(RUN);

    assertThatThrownBy(() -> deadletters(a).previewRedrive(manual.id(), clock.now()))
        .isInstanceOf(RedriveRefusedException.class)
        .hasMessageContaining("is NEEDS_ATTENTION; redrive applies only to a FAILED or CANCELLED");
    assertThatThrownBy(() -> deadletters(a).redrive(manual.id(), clock.now()))
        .isInstanceOf(RedriveRefusedException.class);
    assertThat(a.version(RUN)).isEqualTo(version);
  }

  @Test
  void aRunLevelEntryIsRefused() {
    a.started();
    a.runs().create(RUN, List.of(T1));
    DeadletterView manual = deadletters(a).appendManual(RUN, null, "look at the run", clock.now());

    assertThatThrownBy(() -> deadletters(a).redrive(manual.id(), clock.now()))
        .isInstanceOf(RedriveRefusedException.class)
        .hasMessageContaining("run-level MANUAL entry");
  }

  @Test
  void anUnknownEntryIsNotFound() {
    a.started();
    assertThatThrownBy(() -> deadletters(a).redrive(DeadletterId.of("dl-none"), clock.now()))
        .isInstanceOf(DeadletterNotFoundException.class);
  }

  @Test
  void theStandaloneServiceRefusesRedriveButLists() {
    DeadletterEntry entry = failedRunOfB();
    Deadletters standalone =
        Deadletters.create(
            store,
            DeadletterConfig.defaults(),
            DeadletterListener.NONE,
            System.getLogger(RedriveTest.class.getName()));

    assertThat(standalone.list(DeadletterQuery.all())).hasSize(1);
    assertThatThrownBy(() -> standalone.redrive(entry.id(), clock.now()))
        .isInstanceOf(RedriveRefusedException.class)
        .hasMessageContaining("CrewRecovery.recovery().deadletters()");
    assertThatThrownBy(() -> standalone.previewRedrive(entry.id(), clock.now()))
        .isInstanceOf(RedriveRefusedException.class);
  }

  @Test
  void anUnstartedSessionListsButDoesNotRedrive() {
    DeadletterEntry entry = failedRunOfB();
    try (Harness c = new Harness(clock, store, probe, ONE_ATTEMPT, SessionId.of("host-c"))) {
      assertThat(deadletters(c).list(DeadletterQuery.all())).hasSize(1);
      assertThatThrownBy(() -> deadletters(c).redrive(entry.id(), clock.now()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not started");
      assertThat(deadletters(c).find(entry.id()).orElseThrow().state())
          .isEqualTo(DeadletterState.OPEN);
    }
  }

  @Test
  void theRedrivenRunIsOwnedSoTheOwnerSeesItsNewEpoch() {
    DeadletterEntry entry = failedRunOfB();
    RedriveResult r = deadletters(a).redrive(entry.id(), clock.now());
    Owner me = a.owner();
    assertThat(a.engine().session().knownEpoch(RUN)).contains(r.snapshot().manifest().epoch());
    assertThat(r.snapshot().manifest().owner()).isEqualTo(me);
  }
}
