package dev.crewrecovery.benchmarks;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.FileRunStore;
import dev.crewrecovery.core.ReconcileReport;
import dev.crewrecovery.core.SystemClock;
import dev.crewrecovery.core.SystemProcessProbe;
import dev.crewrecovery.core.internal.engine.EngineAccess;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Item 3: one recovery pass ({@code Recovery.reconcileNow()}) over {@code active} RUNNING runs of 4
 * RUNNING tasks on the file store, all healthy, next to {@code finished} COMPLETED runs that the
 * pass must not pay for.
 *
 * <p>Each trial writes its store once in a fresh directory with the unsynced fixture option, then
 * reopens it with the default (durable) options for the measured passes. Every worker is this JVM
 * itself (a real process that probes ALIVE through {@code /proc}), every task beat once at setup.
 * {@code owned}: the runs belong to the measuring session (the host's own runs, the owner-side
 * path); {@code ownerless}: nobody owns them (the full decision and re-check path). The first pass,
 * which records one {@code run.verdict} event per run, runs in the setup; the measured passes write
 * nothing (checked).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@State(Scope.Benchmark)
public class ReconcileBench {

  private static final SessionId SESSION = SessionId.of("bench");

  /** Active (RUNNING) runs of 4 RUNNING tasks. */
  @Param({"100", "1000", "10000"})
  public int active = 1000;

  /** Finished (COMPLETED) runs in the store; the short mode uses 10000 (DESIGN section 15). */
  @Param({"0", "100000"})
  public int finished = 0;

  /** owned or ownerless. */
  @Param({"owned"})
  public String ownership = "owned";

  private @Nullable Path dir;
  private @Nullable FileRunStore store;
  private @Nullable SystemProcessProbe probe;
  private @Nullable CrewRecovery crew;
  private int eventsAfterSetup;

  /** Writes the store and runs the first pass. */
  @Setup(Level.Trial)
  public void setUp() {
    Path root = Fixtures.newDirectory("crew-bench-reconcile");
    dir = root;
    SystemProcessProbe p = SystemProcessProbe.create();
    probe = p;
    ProcessRef self =
        p.identify(ProcessHandle.current().pid())
            .orElseThrow(() -> new IllegalStateException("cannot identify this JVM"));
    // A new store grants incarnation 1 to the first lease of a session.
    Owner owner = ownership.equals("owned") ? new Owner(SESSION, 1) : null;
    Instant now = SystemClock.instance().now();
    long t0 = System.nanoTime();
    try (FileRunStore fixtures = Fixtures.unsyncedStore(root)) {
      for (int i = 0; i < finished; i++) {
        fixtures.create(Fixtures.finishedRun(RunId.of("done-" + i), 4, now), List.of());
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < active; i++) {
        RunId id = RunId.of("run-" + i);
        fixtures.create(Fixtures.runningRun(id, 4, owner, self, now), List.of());
        for (TaskId t : Fixtures.taskIds(4)) {
          fixtures.recordHeartbeat(AttemptId.of(id, t, 1), now);
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%n[reconcile] wrote %d finished runs in %.1f s, %d active in %.1f s%n",
          finished,
          (t1 - t0) / 1e9,
          active,
          (System.nanoTime() - t1) / 1e9);
    }
    FileRunStore s = Fixtures.durableStore(root);
    store = s;
    CrewRecovery c =
        EngineAccess.manualLoops(CrewRecovery.builder().store(s).probe(p).sessionId(SESSION))
            .build();
    crew = c;
    c.start();
    Optional<Owner> me = c.owner();
    if (owner != null && !me.equals(Optional.of(owner))) {
      throw new IllegalStateException("expected to own the runs as " + owner + ", got " + me);
    }
    long t2 = System.nanoTime();
    ReconcileReport first = c.recovery().reconcileNow();
    System.out.printf(
        Locale.ROOT,
        "[reconcile] first pass %.1f ms: %s%n",
        (System.nanoTime() - t2) / 1e6,
        outcomes(first));
    ReconcileReport second = c.recovery().reconcileNow();
    System.out.printf(Locale.ROOT, "[reconcile] second pass: %s%n", outcomes(second));
    if (second.runs().size() != active) {
      throw new IllegalStateException("the pass saw " + second.runs().size() + " runs");
    }
    eventsAfterSetup = s.events(RunId.of("run-0"), 0, 10_000).size();
  }

  private static Map<String, Integer> outcomes(ReconcileReport report) {
    Map<String, Integer> m = new TreeMap<>();
    for (ReconcileReport.RunReport r : report.runs()) {
      m.merge(r.outcome() + "/" + r.verdict(), 1, Integer::sum);
    }
    return m;
  }

  /** Closes everything and deletes the store. */
  @TearDown(Level.Trial)
  public void tearDown() {
    if (store != null) {
      int events = store.events(RunId.of("run-0"), 0, 10_000).size();
      System.out.printf(
          Locale.ROOT,
          "%n[reconcile] events of run-0: %d after setup, %d after the measured passes%s%n",
          eventsAfterSetup,
          events,
          events == eventsAfterSetup ? "" : " (the measured passes WROTE)");
    }
    if (crew != null) {
      crew.close();
    }
    if (store != null) {
      store.close();
    }
    if (probe != null) {
      probe.close();
    }
    Fixtures.deleteTree(dir);
  }

  /** One recovery pass. */
  @Benchmark
  public ReconcileReport pass() {
    CrewRecovery c = crew;
    if (c == null) {
      throw new IllegalStateException("not set up");
    }
    return c.recovery().reconcileNow();
  }
}
