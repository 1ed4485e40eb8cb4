package dev.crewrecovery.benchmarks;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.spi.Clock;
import dev.crewrecovery.api.spi.HeartbeatOutcome;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.core.SystemClock;
import dev.crewrecovery.testkit.InMemoryRunStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Item 1: the heartbeat fast path, {@code RunStore.recordHeartbeat} of the current attempt of a
 * RUNNING task, stamped with {@code SystemClock.now()} as the ledger does. Each benchmark thread
 * beats its own task of one shared run (run with {@code -t 1} and {@code -t 2}); on the file store
 * that is a read and a positional write of its 64-byte slot, no lock file and no fsync.
 */
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HeartbeatBench {

  /** The store and the run every thread beats into. */
  @State(Scope.Benchmark)
  public static class Store {
    /** memory: the testkit's InMemoryRunStore; file: FileRunStore with default options. */
    @Param({"memory", "file"})
    public String store = "file";

    static final int TASKS = 16;

    final Clock clock = SystemClock.instance();
    final RunId runId = RunId.of("run-heartbeat");
    final AtomicInteger nextTask = new AtomicInteger();
    @Nullable Path dir;
    @Nullable RunStore runStore;

    /** Opens the store and creates the run. */
    @Setup(Level.Trial)
    public void setUp() {
      if (store.equals("file")) {
        dir = Fixtures.newDirectory("crew-bench-heartbeat");
        runStore = Fixtures.durableStore(dir);
      } else {
        runStore = InMemoryRunStore.open(clock);
      }
      runStore.create(Fixtures.runningRun(runId, TASKS, null, null, clock.now()), List.of());
    }

    /** Closes the store and deletes its files. */
    @TearDown(Level.Trial)
    public void tearDown() {
      if (runStore != null) {
        runStore.close();
      }
      Fixtures.deleteTree(dir);
    }
  }

  /** The attempt one benchmark thread beats for. */
  @State(Scope.Thread)
  public static class Beater {
    @Nullable AttemptId attempt;

    /** Picks the next task of the run. */
    @Setup(Level.Trial)
    public void setUp(Store s) {
      int i = s.nextTask.getAndIncrement() % Store.TASKS;
      attempt = AttemptId.of(s.runId, TaskId.of("t" + i), 1);
    }
  }

  /** One heartbeat. */
  @Benchmark
  public HeartbeatOutcome recordHeartbeat(Store s, Beater b) {
    RunStore store = s.runStore;
    AttemptId attempt = b.attempt;
    if (store == null || attempt == null) {
      throw new IllegalStateException("not set up");
    }
    HeartbeatOutcome outcome = store.recordHeartbeat(attempt, s.clock.now());
    if (outcome != HeartbeatOutcome.RECORDED) {
      throw new IllegalStateException("heartbeat dropped: " + outcome);
    }
    return outcome;
  }
}
