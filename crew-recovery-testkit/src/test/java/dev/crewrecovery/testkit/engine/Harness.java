package dev.crewrecovery.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.StoredDeadletter;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.spi.Clock;
import dev.crewrecovery.api.spi.DeadletterFilter;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.api.spi.TerminationOutcome;
import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.HeartbeatLevel;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.RecoveryListener;
import dev.crewrecovery.core.RunLedger;
import dev.crewrecovery.core.internal.engine.Engine;
import dev.crewrecovery.core.internal.engine.EngineAccess;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.FakeProcessProbe;
import dev.crewrecovery.testkit.InMemoryRunStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * One host on fakes: a {@link CrewRecovery} in manual mode (no scheduling; the test drives the
 * watcher and the lease renewal by hand) over a {@link FakeClock}, an {@link InMemoryRunStore} and
 * a {@link FakeProcessProbe}, with a listener that records every call.
 */
final class Harness implements AutoCloseable {
  static final SessionId SESSION = SessionId.of("host-a");
  static final String HOST = FakeProcessProbe.DEFAULT_HOST;
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  final FakeClock clock;
  final RunStore store;
  final FakeProcessProbe probe;
  final Recorder listener = new Recorder();
  final CrewRecovery crew;

  Harness() {
    this(RecoveryConfig.defaults());
  }

  Harness(RecoveryConfig config) {
    this(new FakeClock(T0), null, new FakeProcessProbe(), config, SESSION);
  }

  Harness(
      FakeClock clock,
      @Nullable RunStore store,
      FakeProcessProbe probe,
      RecoveryConfig config,
      SessionId session) {
    this(clock, clock, store, probe, config, session);
  }

  /** A host whose engine reads {@code engineClock} while the test advances {@code clock}. */
  Harness(
      FakeClock clock,
      Clock engineClock,
      @Nullable RunStore store,
      FakeProcessProbe probe,
      RecoveryConfig config,
      SessionId session) {
    this.clock = clock;
    this.store = store != null ? store : InMemoryRunStore.open(clock);
    this.probe = probe;
    this.crew =
        EngineAccess.manualLoops(
                CrewRecovery.builder()
                    .store(this.store)
                    .clock(engineClock)
                    .probe(probe)
                    .listener(listener)
                    .sessionId(session)
                    .hostName(HOST)
                    .random(new SplittableRandom(7))
                    .config(config))
            .build();
  }

  /** A second host (another facade) on the same clock, store and probe. */
  Harness sibling(SessionId session) {
    return new Harness(clock, store, probe, crew.config(), session);
  }

  Harness started() {
    crew.start();
    return this;
  }

  RunLedger runs() {
    return crew.runs();
  }

  Engine engine() {
    return EngineAccess.engine(crew);
  }

  Owner owner() {
    return crew.owner().orElseThrow();
  }

  /** Runs one watcher tick and returns the delay it asks for. */
  Duration tick() {
    return engine().watcher().runOnce();
  }

  /** Advances in 5 s steps (the watcher's base interval), ticking after each, for {@code total}. */
  void idle(Duration total) {
    Duration five = Duration.ofSeconds(5);
    for (Duration d = Duration.ZERO; d.compareTo(total) < 0; d = d.plus(five)) {
      step(five);
    }
  }

  /** Advances time by one step and ticks once. */
  Duration step(Duration d) {
    clock.advance(d);
    return tick();
  }

  RunSnapshot snapshot(RunId runId) {
    return store.load(runId).orElseThrow();
  }

  TaskState task(RunId runId, TaskId taskId) {
    return snapshot(runId).task(taskId).orElseThrow();
  }

  TaskStatus status(RunId runId, TaskId taskId) {
    return task(runId, taskId).status();
  }

  long version(RunId runId) {
    return snapshot(runId).version();
  }

  List<RunEvent> events(RunId runId) {
    return store.events(runId, 0, 10_000);
  }

  List<String> eventTypes(RunId runId) {
    List<String> out = new ArrayList<>();
    for (RunEvent e : events(runId)) {
      out.add(e.type());
    }
    return out;
  }

  long count(RunId runId, String type) {
    return eventTypes(runId).stream().filter(type::equals).count();
  }

  List<DeadletterEntry> deadletters(RunId runId) {
    List<DeadletterEntry> out = new ArrayList<>();
    for (StoredDeadletter d : store.deadletters(DeadletterFilter.ofRun(runId))) {
      out.add(d.entry());
    }
    return out;
  }

  ProcessRef spawn(long pid) {
    return probe.spawn(pid);
  }

  void assertUnchanged(RunId runId, long version, int events) {
    assertThat(version(runId)).as("version").isEqualTo(version);
    assertThat(events(runId)).as("events").hasSize(events);
  }

  @Override
  public void close() {
    crew.close();
  }

  /** A listener that records every call as a line of text (and can be made to throw). */
  static final class Recorder implements RecoveryListener {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    volatile boolean throwing;

    private void record(String call) {
      calls.add(call);
      if (throwing) {
        throw new IllegalStateException("listener failure: " + call);
      }
    }

    List<String> starting(String prefix) {
      synchronized (calls) {
        return calls.stream().filter(c -> c.startsWith(prefix)).toList();
      }
    }

    @Override
    public void onHeartbeatLevelChanged(
        AttemptId attempt, HeartbeatLevel from, HeartbeatLevel to, Duration age) {
      record("level " + attempt + " " + from + "->" + to);
    }

    @Override
    public void onTaskRepaired(AttemptId attempt, TaskStatus status, String cause) {
      record("repaired " + attempt + " " + status + " " + cause);
    }

    @Override
    public void onDeadletter(DeadletterEntry entry) {
      record("deadletter " + entry.reason() + " " + entry.attemptId());
    }

    @Override
    public void onTimeDiscontinuity(Duration drift, Duration gap) {
      record("discontinuity " + drift + " " + gap);
    }

    @Override
    public void onLeaseLost(SessionId session, long incarnation) {
      record("leaseLost " + session + "#" + incarnation);
    }

    @Override
    public void onRunDropped(RunId runId, @Nullable Owner owner, long epoch) {
      record("dropped " + runId + " " + owner + " " + epoch);
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
