package dev.crewrecovery.testkit.recovery;

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
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.api.spi.TerminationOutcome;
import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.ReconcileReport;
import dev.crewrecovery.core.RecoveryAction;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.RecoveryListener;
import dev.crewrecovery.core.RecoveryPolicy;
import dev.crewrecovery.core.internal.engine.Engine;
import dev.crewrecovery.core.internal.engine.EngineAccess;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.FakeProcessProbe;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * One host on fakes for recovery tests: a {@link CrewRecovery} in manual mode (the test runs passes
 * by hand) over a shared {@link FakeClock}, store and {@link FakeProcessProbe}, with a listener
 * that records the recovery calls; plus builders of runs written straight into the store.
 */
final class Host implements AutoCloseable {
  static final String HOST = FakeProcessProbe.DEFAULT_HOST;
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  final FakeClock clock;
  final RunStore store;
  final FakeProcessProbe probe;
  final Recorder listener = new Recorder();
  final CrewRecovery crew;

  Host(FakeClock clock, RunStore store, FakeProcessProbe probe, SessionId session) {
    this(clock, store, probe, session, RecoveryPolicy.defaults());
  }

  Host(
      FakeClock clock,
      RunStore store,
      FakeProcessProbe probe,
      SessionId session,
      RecoveryPolicy policy) {
    this.clock = clock;
    this.store = store;
    this.probe = probe;
    this.crew =
        EngineAccess.manualLoops(
                CrewRecovery.builder()
                    .store(store)
                    .clock(clock)
                    .probe(probe)
                    .listener(listener)
                    .sessionId(session)
                    .hostName(HOST)
                    .random(new SplittableRandom(7))
                    .recoveryPolicy(policy)
                    .config(RecoveryConfig.defaults()))
            .build();
  }

  Host started() {
    crew.start();
    return this;
  }

  Engine engine() {
    return EngineAccess.engine(crew);
  }

  Owner owner() {
    return crew.owner().orElseThrow();
  }

  ReconcileReport pass() {
    return crew.recovery().reconcileNow();
  }

  RunSnapshot snapshot(RunId runId) {
    return store.load(runId).orElseThrow();
  }

  TaskState task(RunId runId, String task) {
    return snapshot(runId).task(TaskId.of(task)).orElseThrow();
  }

  List<RunEvent> events(RunId runId) {
    return store.events(runId, 0, 10_000);
  }

  List<String> eventTypes(RunId runId) {
    return events(runId).stream().map(RunEvent::type).toList();
  }

  long count(RunId runId, String type) {
    return eventTypes(runId).stream().filter(type::equals).count();
  }

  RunEvent last(RunId runId, String type) {
    List<RunEvent> of = events(runId).stream().filter(e -> e.type().equals(type)).toList();
    if (of.isEmpty()) {
      throw new AssertionError("no " + type + " event in " + eventTypes(runId));
    }
    return of.get(of.size() - 1);
  }

  // ------------------------------------------------------------ runs written into the store

  /** Writes a run with the given owner, status and tasks, created and updated at now. */
  RunSnapshot put(String runId, @Nullable Owner owner, RunStatus status, TaskState... tasks) {
    return put(runId, owner, 1, status, tasks);
  }

  RunSnapshot put(
      String runId, @Nullable Owner owner, long epoch, RunStatus status, TaskState... tasks) {
    Manifest m =
        Manifest.created(RunId.of(runId), owner, clock.now()).toBuilder()
            .status(status)
            .epoch(epoch)
            .build();
    return store.create(RunSnapshot.initial(m, List.of(tasks)), List.of());
  }

  static TaskState queued(String task) {
    return TaskState.queued(TaskId.of(task));
  }

  /** A RUNNING task whose attempt 1 started at {@code at} with {@code worker}. */
  static TaskState running(String runId, String task, @Nullable ProcessRef worker, Instant at) {
    Attempt a = Attempt.started(AttemptId.of(RunId.of(runId), TaskId.of(task), 1), at, worker);
    return new TaskState(
        TaskId.of(task), TaskStatus.RUNNING, List.of(a), true, null, null, at, null);
  }

  /** The same task with a result recorded by its current attempt. */
  static TaskState withResult(TaskState task, Instant at) {
    Attempt a = task.currentAttempt().orElseThrow().withResult(new TaskResult("r", at));
    return task.toBuilder().replaceLastAttempt(a).build();
  }

  /** A COMPLETED task with a finished attempt 1. */
  static TaskState completed(String runId, String task, Instant at) {
    TaskState t = withResult(running(runId, task, null, at), at);
    Attempt a = t.currentAttempt().orElseThrow().withEndedAt(at);
    return t.toBuilder().status(TaskStatus.COMPLETED).replaceLastAttempt(a).build();
  }

  @Override
  public void close() {
    crew.close();
  }

  /** Records the recovery listener calls as lines of text. */
  static final class Recorder implements RecoveryListener {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    /** Runs at every call, before it is recorded (to check where calls come from). */
    volatile @Nullable Runnable onCall;

    private void record(String call) {
      Runnable hook = onCall;
      if (hook != null) {
        hook.run();
      }
      calls.add(call);
    }

    List<String> starting(String prefix) {
      synchronized (calls) {
        return calls.stream().filter(c -> c.startsWith(prefix)).toList();
      }
    }

    @Override
    public void onVerdictChanged(RunId runId, VerdictKind verdict, String why) {
      record("verdict " + runId + " " + verdict);
    }

    @Override
    public void onRunReconciled(
        RunId runId, VerdictKind verdict, RecoveryAction action, RunStatus status) {
      record("reconciled " + runId + " " + verdict + " " + action + " " + status);
    }

    @Override
    public void onTimeDiscontinuity(java.time.Duration drift, java.time.Duration gap) {
      record("discontinuity " + drift);
    }

    @Override
    public void onRunAdopted(RunId runId, Owner previous, long epoch) {
      record("adopted " + runId + " " + previous + " " + epoch);
    }

    @Override
    public void onWorkerTermination(
        AttemptId attempt,
        ProcessRef worker,
        Liveness liveness,
        @Nullable TerminationOutcome outcome) {
      record("termination " + attempt + " " + liveness + " " + outcome);
    }
  }
}
