package dev.crewrecovery.benchmarks;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.FileRunStore;
import dev.crewrecovery.core.ReconcileReport;
import dev.crewrecovery.core.SystemClock;
import dev.crewrecovery.core.SystemProcessProbe;
import dev.crewrecovery.core.internal.engine.EngineAccess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
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
 * <p>Each trial writes its store once in a fresh directory with the unsynced fixture option (the
 * finished runs: one written by the store, the rest copies of its files with the run id replaced,
 * see {@link Fixtures#replicateRun}), then reopens it with the default (durable) options for the
 * measured passes. {@code worker=sleep}: the workers are {@value #WORKERS} real {@code sleep}
 * processes started by the trial, shared round-robin by the tasks (each probe reads {@code
 * /proc/<pid>/stat} of a one-thread process, as for typical workers); {@code worker=jvm}: every
 * worker is this JVM itself, whose {@code stat} the kernel builds by summing over its dozens of
 * threads (the cost of probing a JVM worker). Every task beat once at setup. {@code owned}: the
 * runs belong to the measuring session (the host's own runs, the owner-side path); {@code
 * ownerless}: nobody owns them (the full decision and re-check path). The first pass, which records
 * one {@code run.verdict} event per run, runs in the setup; the measured passes write nothing
 * (checked).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
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

  /** sleep or jvm: what the workers are. */
  @Param({"sleep"})
  public String worker = "sleep";

  static final int WORKERS = 8;

  private final List<Process> workers = new ArrayList<>();

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
    List<ProcessRef> refs = new ArrayList<>();
    if (worker.equals("jvm")) {
      refs.add(identify(p, ProcessHandle.current().pid()));
    } else {
      for (int i = 0; i < WORKERS; i++) {
        try {
          Process w = new ProcessBuilder("sleep", "3600").start();
          workers.add(w);
          refs.add(identify(p, w.pid()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    // A new store grants incarnation 1 to the first lease of a session.
    Owner owner = ownership.equals("owned") ? new Owner(SESSION, 1) : null;
    Instant now = SystemClock.instance().now();
    long t0 = System.nanoTime();
    try (FileRunStore fixtures = Fixtures.unsyncedStore(root)) {
      if (finished > 0) {
        fixtures.create(Fixtures.finishedRun(RunId.of("done-0"), 4, now), List.of());
        Fixtures.replicateRun(root, "done-0", "done-", finished);
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < active; i++) {
        RunId id = RunId.of("run-" + i);
        fixtures.create(
            Fixtures.runningRun(id, 4, owner, refs.get(i % refs.size()), now), List.of());
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
    if (finished > 1) {
      // The copies must read as what they claim to be.
      for (int i : new int[] {1, finished / 2, finished - 1}) {
        RunId id = RunId.of("done-" + i);
        RunSnapshot r =
            s.load(id).orElseThrow(() -> new IllegalStateException("copy " + id + " missing"));
        if (!r.runId().equals(id) || r.status() != RunStatus.COMPLETED) {
          throw new IllegalStateException("copy " + id + " reads as " + r.manifest());
        }
      }
      int all = s.allRuns().size();
      if (all != finished + active) {
        throw new IllegalStateException("the store lists " + all + " runs");
      }
    }
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

  private static ProcessRef identify(SystemProcessProbe p, long pid) {
    return p.identify(pid)
        .orElseThrow(() -> new IllegalStateException("cannot identify process " + pid));
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
    workers.forEach(Process::destroyForcibly);
    workers.clear();
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
