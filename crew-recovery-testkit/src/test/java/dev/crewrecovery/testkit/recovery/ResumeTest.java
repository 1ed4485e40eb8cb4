package dev.crewrecovery.testkit.recovery;

import static dev.crewrecovery.testkit.recovery.Host.T0;
import static dev.crewrecovery.testkit.recovery.Host.queued;
import static dev.crewrecovery.testkit.recovery.Host.running;
import static dev.crewrecovery.testkit.recovery.Host.withResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.AttemptNotStartableException;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.ResumeRecord;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.StoredDeadletter;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.spi.DeadletterFilter;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.core.ReconcileReport.Outcome;
import dev.crewrecovery.core.ReconcileReport.RunReport;
import dev.crewrecovery.core.RecoveryAction;
import dev.crewrecovery.core.RecoveryPolicy;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.FakeProcessProbe;
import dev.crewrecovery.testkit.InMemoryRunStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RESUME and the crash-loop budget (DESIGN section 8), with RESUME enabled in the policy. */
class ResumeTest {
  private static final RunId R1 = RunId.of("r1");

  private final FakeClock clock = new FakeClock(T0);
  private final InMemoryRunStore store = InMemoryRunStore.open(clock);
  private final FakeProcessProbe probe = new FakeProcessProbe();
  private final Host h =
      new Host(clock, store, probe, SessionId.of("host-a"), RecoveryPolicy.table(true, false))
          .started();

  @AfterEach
  void close() {
    h.close();
  }

  private void setHistory(int recent, int old) {
    store.update(
        R1,
        (current, slots) -> {
          List<ResumeRecord> history = new ArrayList<>();
          for (int i = 0; i < old; i++) {
            history.add(
                new ResumeRecord(
                    clock.now().minus(Duration.ofMinutes(10)).minusSeconds(1 + i),
                    SessionId.of("host-x"),
                    1,
                    1));
          }
          for (int i = 0; i < recent; i++) {
            history.add(
                new ResumeRecord(
                    clock.now().minus(Duration.ofMinutes(10)).plusSeconds(i),
                    SessionId.of("host-x"),
                    1,
                    1));
          }
          return Update.commit(
              current.withManifest(current.manifest().toBuilder().resumeHistory(history).build()),
              List.of());
        });
  }

  @Test
  void resumeAdoptsCompletesResultsAndRequeuesTheUnfinishedTasksForNewAttempts() {
    Owner other = store.acquireLease(SessionId.of("host-b"), clock.now()).owner();
    ProcessRef dead = probe.spawn(101);
    ProcessRef deadWithResult = probe.spawn(102);
    h.put(
        "r1",
        other,
        RunStatus.RUNNING,
        running("r1", "a", dead, T0),
        withResult(running("r1", "b", deadWithResult, T0), T0),
        queued("c"));
    probe.set(dead, Liveness.DEAD);
    probe.set(deadWithResult, Liveness.DEAD);
    clock.advance(Duration.ofSeconds(31));

    RunReport r = h.pass().run(R1).orElseThrow();

    assertThat(r.action()).isEqualTo(RecoveryAction.RESUME);
    assertThat(r.outcome()).isEqualTo(Outcome.RESUMED);
    RunSnapshot s = h.snapshot(R1);
    assertThat(s.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(s.manifest().owner()).isEqualTo(h.owner());
    assertThat(s.manifest().epoch()).isEqualTo(2);
    assertThat(s.manifest().resumeHistory())
        .containsExactly(new ResumeRecord(clock.now(), h.owner().session(), 1, 2));
    TaskState a = h.task(R1, "a");
    assertThat(a.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(a.currentAttempt()).isEmpty();
    assertThat(a.lastAttempt().orElseThrow().failure().code()).isEqualTo(Failure.WORKER_LOST);
    assertThat(h.task(R1, "b").status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(h.task(R1, "c").status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(h.count(R1, "run.resumed")).isEqualTo(1);
    assertThat(h.last(R1, "run.resumed").data()).containsEntry("requeuedTasks", "a");

    // The resumer owns the run: its host writes pass the fence and a new attempt starts.
    AttemptId a2 = h.crew.runs().startAttempt(R1, TaskId.of("a"), probe.spawn(103), null, false);
    assertThat(a2.number()).isEqualTo(2);
  }

  @Test
  void resumeNeverStartsANewAttemptWhileThePreviousWorkerLives() {
    ProcessRef runner = probe.spawn(200);
    ProcessRef alive = probe.spawn(201);
    h.put("r1", null, RunStatus.RUNNING, running("r1", "a", alive, T0));
    store.update(
        R1,
        (current, slots) ->
            Update.commit(
                current.withManifest(
                    current.manifest().toBuilder().runner(runner, null, null).build()),
                List.of()));
    probe.set(runner, Liveness.DEAD);

    assertThat(h.pass().run(R1).orElseThrow().outcome()).isEqualTo(Outcome.RESUMED);

    assertThat(h.snapshot(R1).manifest().runner()).as("runner ref cleared").isNull();
    assertThat(h.task(R1, "a").status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(probe.terminations()).as("RESUME signals nothing").isEmpty();
    assertThatThrownBy(() -> h.crew.runs().startAttempt(R1, TaskId.of("a"), null, null, false))
        .isInstanceOf(AttemptNotStartableException.class);
    assertThat(h.task(R1, "a").status()).as("the task waits QUEUED").isEqualTo(TaskStatus.QUEUED);
  }

  @Test
  void aResumeIsAllowedWhileFewerThanThreeFallInsideTheTenMinuteWindow() {
    ProcessRef dead = probe.spawn(301);
    h.put("r1", null, RunStatus.RUNNING, running("r1", "a", dead, T0));
    probe.set(dead, Liveness.DEAD);
    // Two recent resumes and one just outside the 10 min window: one more is allowed.
    setHistory(2, 1);
    assertThat(h.pass().run(R1).orElseThrow().outcome()).isEqualTo(Outcome.RESUMED);
    assertThat(h.snapshot(R1).manifest().resumeHistory()).hasSize(4);
  }

  @Test
  void aResumeBeyondTheBudgetBecomesFailWithCrashLoopAndOneDeadletterEntry() {
    ProcessRef dead = probe.spawn(401);
    h.put("r1", null, RunStatus.RUNNING, running("r1", "a", dead, T0));
    probe.set(dead, Liveness.DEAD);
    setHistory(3, 0);

    RunReport r = h.pass().run(R1).orElseThrow();

    assertThat(r.action()).isEqualTo(RecoveryAction.FAIL);
    assertThat(r.outcome()).isEqualTo(Outcome.REPAIRED);
    assertThat(r.detail()).contains("CRASH_LOOP");
    RunSnapshot s = h.snapshot(R1);
    assertThat(s.status()).isEqualTo(RunStatus.FAILED);
    assertThat(s.manifest().summary()).startsWith("CRASH_LOOP");
    List<DeadletterEntry> entries =
        store.deadletters(DeadletterFilter.ofRun(R1)).stream()
            .map(StoredDeadletter::entry)
            .toList();
    assertThat(entries)
        .extracting(DeadletterEntry::reason)
        .containsExactly(DeadletterReason.CRASH_LOOP);
    assertThat(entries.get(0).taskId()).isNull();
  }
}
