package dev.crewrecovery.benchmarks;

import dev.crewrecovery.api.NewEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.spi.Clock;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.api.spi.UpdateResult;
import dev.crewrecovery.core.FileRunStore;
import dev.crewrecovery.core.SystemClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Item 2: latency of {@code FileRunStore.update} that commits a changed snapshot of a 4-task run,
 * next to the bare durable replace of the same bytes on the same disk in the same trial: write a
 * temp file, {@code force}, {@code ATOMIC_MOVE}, fsync the directory (the protocol of DESIGN
 * section 12, and what {@code Baseline.java} calls "durable replace"). {@code bareReplaceAndAppend}
 * adds the durable append of one event line, the floor of an update that carries an event.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class UpdateBench {

  private static final int TASKS = 4;

  private final Clock clock = SystemClock.instance();
  private final RunId runId = RunId.of("run-update");
  private @Nullable Path dir;
  private @Nullable FileRunStore store;
  private @Nullable Path bareDir;
  private byte[] bytes = new byte[0];
  private byte[] eventLine = new byte[0];
  private long counter;

  /** Opens the store, creates the run and captures the bytes of its committed snapshot. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Fixtures.newDirectory("crew-bench-update");
    FileRunStore s = Fixtures.durableStore(dir);
    store = s;
    s.create(Fixtures.runningRun(runId, TASKS, null, null, clock.now()), List.of());
    touch(true);
    Path runDir = dir.resolve("runs").resolve(runId.value());
    bytes = Files.readAllBytes(runDir.resolve("run.json"));
    List<String> lines = Files.readAllLines(runDir.resolve("events.jsonl"));
    eventLine =
        (lines.get(lines.size() - 1) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    bareDir = Files.createDirectories(dir.resolve("bare").resolve(runId.value()));
    System.out.printf(
        java.util.Locale.ROOT,
        "%n[update] run.json %d bytes, event line %d bytes, dir %s%n",
        bytes.length,
        eventLine.length,
        dir);
  }

  /** Closes the store and deletes its files. */
  @TearDown(Level.Trial)
  public void tearDown() {
    if (store != null) {
      store.close();
    }
    Fixtures.deleteTree(dir);
  }

  private UpdateResult touch(boolean withEvent) {
    FileRunStore s = store;
    if (s == null) {
      throw new IllegalStateException("not set up");
    }
    long n = ++counter;
    return s.update(
        runId,
        (current, heartbeats) -> {
          RunSnapshot next =
              current.withManifest(
                  current.manifest().toBuilder().attributes(Map.of("n", Long.toString(n))).build());
          List<NewEvent> events =
              withEvent
                  ? List.of(
                      NewEvent.of("bench.touched", clock.now(), Map.of("n", Long.toString(n))))
                  : List.of();
          return Update.commit(next, events);
        });
  }

  /** An update that commits a new snapshot and no event. */
  @Benchmark
  public UpdateResult updateNoEvent() {
    return touch(false);
  }

  /** An update that commits a new snapshot and one event. */
  @Benchmark
  public UpdateResult updateOneEvent() {
    return touch(true);
  }

  /** The bare durable replace of the same bytes. */
  @Benchmark
  public long bareReplace() throws IOException {
    return replace();
  }

  /** The bare durable replace plus a durable append of one event line. */
  @Benchmark
  public long bareReplaceAndAppend() throws IOException {
    Path d = bareDir;
    if (d == null) {
      throw new IllegalStateException("not set up");
    }
    long r = replace();
    try (FileChannel c =
        FileChannel.open(
            d.resolve("events.jsonl"),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND)) {
      c.write(ByteBuffer.wrap(eventLine));
      c.force(false);
    }
    return r;
  }

  private long replace() throws IOException {
    Path d = bareDir;
    if (d == null) {
      throw new IllegalStateException("not set up");
    }
    counter++;
    Path tmp = d.resolve("run.json." + counter + ".tmp");
    try (FileChannel c =
        FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      c.write(ByteBuffer.wrap(bytes));
      c.force(true);
    }
    Files.move(
        tmp,
        d.resolve("run.json"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel c = FileChannel.open(d, StandardOpenOption.READ)) {
      c.force(true);
    }
    return counter;
  }
}
