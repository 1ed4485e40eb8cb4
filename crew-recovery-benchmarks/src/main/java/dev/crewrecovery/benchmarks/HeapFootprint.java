package dev.crewrecovery.benchmarks;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.spi.DeliverySink;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.DeliveryConfig;
import dev.crewrecovery.core.DeliveryCoordinator;
import dev.crewrecovery.core.DeliveryListener;
import dev.crewrecovery.core.DeliveryOutcome;
import dev.crewrecovery.core.FileRunStore;
import dev.crewrecovery.core.RunLedger;
import dev.crewrecovery.core.SystemClock;
import dev.crewrecovery.core.SystemProcessProbe;
import dev.crewrecovery.core.internal.engine.Engine;
import dev.crewrecovery.core.internal.engine.EngineAccess;
import dev.crewrecovery.testkit.InMemoryRunStore;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.management.ObjectName;
import org.jspecify.annotations.Nullable;

/**
 * Item 6: heap retained per watched task and per queued delivery. Not JMH: the method is a
 * difference of the used heap after full collections (no agent, no JOL).
 *
 * <p>Method: {@code System.gc()} until two readings of the used heap of {@code MemoryMXBean} agree
 * within 1 KiB; read it (H0); add N items while keeping every object reachable; collect and read
 * again (H1); report {@code (H1 − H0) / N}. Run with {@code -XX:+UseSerialGC} so that a collection
 * is a full, compacting one and "used" is exact after it. The steps in between allocate garbage
 * that the collection removes; what remains is what the library retains.
 *
 * <p>Watched task: a started {@code CrewRecovery} (scheduled loops off, driven by hand) on a {@code
 * FileRunStore}; H0 after start; then {@code --runs} runs of 4 tasks are created, started and each
 * task's first attempt started through the ledger with a worker ref (this JVM, which probes ALIVE),
 * each task beats once, the watcher ticks and a recovery pass runs; H1. The difference is
 * everything the store, the ledger, the exit watches, the watcher's bookkeeping and the recovery
 * loop keep per task. The fixture store does not fsync, which changes no heap.
 *
 * <p>Queued delivery: an inactive {@code DeliveryCoordinator} (nothing is delivered) receives N
 * notifications, or N steers, or N results, each with its own 64-character payload; H1 − H0 per
 * item, payload included (a 64-character Latin-1 String is 24 + 16 + 64 = 104 bytes of it).
 *
 * <p>Pending waiter: a started {@code CrewRecovery} on a {@code FileRunStore} (its directory watch
 * and re-read thread running, as a host has them) with 100 runs; H0; then N {@code awaitRun}
 * futures spread over those runs, all kept pending; H1. The difference is what one waiter costs,
 * and the thread count before and after shows that no waiter gets a thread.
 *
 * <p>Each measurement runs in its own JVM (started with the same options), so that nothing one
 * leaves behind is collected during another. With {@code --histo N} each also prints the N classes
 * whose live bytes grew most between H0 and H1 (the class histogram of the {@code
 * DiagnosticCommand} MBean, the one {@code jcmd GC.class_histogram} prints): the profile of what is
 * retained.
 *
 * <p>Usage: {@code java -XX:+UseSerialGC -cp benchmarks.jar
 * dev.crewrecovery.benchmarks.HeapFootprint [--runs 1000] [--deliveries 10000] [--histo 0]}
 */
public final class HeapFootprint {

  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private static int histoTop;

  private HeapFootprint() {}

  /**
   * Runs the measurement.
   *
   * @param args see the class comment
   * @throws Exception on any failure
   */
  public static void main(String[] args) throws Exception {
    int runs = 1000;
    int deliveries = 10_000;
    @Nullable String only = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[i + 1]);
        case "--deliveries" -> deliveries = Integer.parseInt(args[i + 1]);
        case "--only" -> only = args[i + 1];
        case "--histo" -> histoTop = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (only == null) {
      System.out.println(
          "heap method: used heap after System.gc() until stable, each measurement in its own"
              + " JVM with the same options; collectors "
              + ManagementFactory.getGarbageCollectorMXBeans().stream()
                  .map(b -> b.getName())
                  .toList());
    }
    // Each measurement in a fresh JVM, so that nothing left by one is collected during another.
    if (only != null) {
      switch (only) {
        case "tasks" -> watchedTasks(runs);
        case "notification", "steer", "result" -> queuedDeliveries(only, deliveries);
        case "persisted" -> queuedDeliveries(only, Math.min(deliveries, 2_000));
        case "waiters" -> pendingWaiters(deliveries);
        default -> throw new IllegalArgumentException("unknown measurement " + only);
      }
      return;
    }
    for (String m : List.of("tasks", "notification", "steer", "result", "persisted", "waiters")) {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
      cmd.addAll(
          List.of(
              "-cp",
              System.getProperty("java.class.path"),
              HeapFootprint.class.getName(),
              "--runs",
              Integer.toString(runs),
              "--deliveries",
              Integer.toString(deliveries),
              "--histo",
              Integer.toString(histoTop),
              "--only",
              m));
      Process p = new ProcessBuilder(cmd).inheritIO().start();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("measurement " + m + " failed");
      }
    }
  }

  private static void pendingWaiters(int n) throws Exception {
    Path dir = Fixtures.newDirectory("crew-bench-waiters");
    FileRunStore store = Fixtures.unsyncedStore(dir);
    try (CrewRecovery crew =
        CrewRecovery.builder().store(store).sessionId(SessionId.of("bench")).build()) {
      crew.start(); // scheduled loops, the watch and the re-read thread, as a host runs them
      RunLedger runs = crew.runs();
      List<RunId> ids = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        RunId id = RunId.of("wait-" + i);
        runs.create(id, List.of(TaskId.of("t0")));
        ids.add(id);
      }
      // Warm the code path (and start the hub's threads), then measure.
      runs.awaitRun(ids.get(0)).cancel(false);
      int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
      Map<String, Long> before = histogram();
      long h0 = settledHeap();
      List<java.util.concurrent.CompletableFuture<?>> pending = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        pending.add(runs.awaitRun(ids.get(i % ids.size())));
      }
      long h1 = settledHeap();
      printGrowth(before, histogram(), n, "waiter");
      long done = pending.stream().filter(java.util.concurrent.Future::isDone).count();
      System.out.printf(
          Locale.ROOT,
          "pending waiter: %d awaitRun futures over %d runs (%d done): %.0f B/waiter retained;"
              + " threads %d before, %d after%n",
          n,
          ids.size(),
          done,
          (h1 - h0) / (double) n,
          threadsBefore,
          ManagementFactory.getThreadMXBean().getThreadCount());
      // pending is read after the second heap reading, so every waiter is reachable until then.
    } finally {
      store.close();
      Fixtures.deleteTree(dir);
    }
  }

  /**
   * Used heap after full collections, once two readings in a row agree within 1 KiB (at most 20
   * rounds); the pauses let reference processing and cleaners run between collections.
   */
  static long settledHeap() throws InterruptedException {
    long previous = -1;
    long used = 0;
    for (int i = 0; i < 20; i++) {
      System.gc();
      Thread.sleep(100);
      used = MEMORY.getHeapMemoryUsage().getUsed();
      if (previous >= 0 && Math.abs(used - previous) < 1024) {
        return Math.min(used, previous);
      }
      previous = used;
    }
    return used;
  }

  private static void watchedTasks(int runs) throws Exception {
    Path dir = Fixtures.newDirectory("crew-bench-heap");
    SystemProcessProbe probe = SystemProcessProbe.create();
    if (probe.identify(ProcessHandle.current().pid()).isEmpty()) {
      throw new IllegalStateException("cannot identify this JVM");
    }
    FileRunStore store = Fixtures.unsyncedStore(dir);
    try (CrewRecovery crew =
        EngineAccess.manualLoops(
                CrewRecovery.builder().store(store).probe(probe).sessionId(SessionId.of("bench")))
            .build()) {
      crew.start();
      Engine engine = EngineAccess.engine(crew);
      // Warm every code path once, so that class loading is not counted as per-task heap.
      populate(crew.runs(), "warm-", 1);
      engine.watcher().tick();
      engine.recovery().pass();
      // The histogram taken first stays reachable until the end, so H0 counts it too.
      Map<String, Long> before = histogram();
      long h0 = settledHeap();
      populate(crew.runs(), "run-", runs);
      long h1 = settledHeap();
      engine.watcher().tick();
      long h2 = settledHeap();
      engine.recovery().pass();
      long h3 = settledHeap();
      int tasks = runs * 4;
      printGrowth(before, histogram(), tasks, "task");
      int tracked = engine.watcher().trackedTasks();
      System.out.printf(
          Locale.ROOT,
          "watched task: %d runs x 4 = %d tasks (watcher tracks %d): %.0f B/task retained in"
              + " total; of which after create+start+startAttempt+beat %.0f B, watcher tick +%.0f"
              + " B, recovery pass +%.0f B%n",
          runs,
          tasks,
          tracked,
          (h3 - h0) / (double) tasks,
          (h1 - h0) / (double) tasks,
          (h2 - h1) / (double) tasks,
          (h3 - h2) / (double) tasks);
      // The engine stays reachable through crew until the try block closes it.
    } finally {
      probe.close();
      store.close();
      Fixtures.deleteTree(dir);
    }
  }

  /** Live bytes per class name (a full collection first), or empty when not asked for. */
  private static Map<String, Long> histogram() throws Exception {
    Map<String, Long> bytes = new HashMap<>();
    if (histoTop <= 0) {
      return bytes;
    }
    Object text =
        ManagementFactory.getPlatformMBeanServer()
            .invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "gcClassHistogram",
                new Object[] {new String[0]},
                new String[] {String[].class.getName()});
    for (String line : String.valueOf(text).split("\n", -1)) {
      String[] f = line.trim().split("\\s+", -1);
      // "num: instances bytes class-name [module]"
      if (f.length >= 4 && f[0].endsWith(":")) {
        bytes.merge(f[3], Long.parseLong(f[2]), Long::sum);
      }
    }
    return bytes;
  }

  private static void printGrowth(
      Map<String, Long> before, Map<String, Long> after, int n, String per) {
    if (histoTop <= 0) {
      return;
    }
    List<Map.Entry<String, Long>> growth = new ArrayList<>();
    for (Map.Entry<String, Long> e : after.entrySet()) {
      long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      growth.add(Map.entry(e.getKey(), d));
    }
    growth.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    for (Map.Entry<String, Long> e : growth.subList(0, Math.min(histoTop, growth.size()))) {
      System.out.printf(
          Locale.ROOT, "    %8.1f B/%s  %s%n", e.getValue() / (double) n, per, e.getKey());
    }
  }

  private static void populate(RunLedger ledger, String prefix, int runs) {
    // Refs are read back from the store per attempt in a real host; hand each attempt its own.
    List<TaskId> tasks = Fixtures.taskIds(4);
    for (int i = 0; i < runs; i++) {
      RunId id = RunId.of(prefix + i);
      ledger.create(id, tasks);
      ledger.start(id);
      for (TaskId t : tasks) {
        AttemptId a = ledger.startAttempt(id, t, selfRef(), null, false);
        ledger.heartbeat(a);
      }
    }
  }

  private static ProcessRef selfRef() {
    try (SystemProcessProbe p = SystemProcessProbe.create()) {
      return p.identify(ProcessHandle.current().pid())
          .orElseThrow(() -> new IllegalStateException("cannot identify this JVM"));
    }
  }

  private static void queuedDeliveries(String kind, int n) throws Exception {
    boolean persisted = kind.equals("persisted");
    Path dir = persisted ? Fixtures.newDirectory("crew-bench-heap-deliveries") : null;
    RunStore store =
        dir != null ? Fixtures.unsyncedStore(dir) : InMemoryRunStore.open(SystemClock.instance());
    DeliverySink sink =
        d -> {
          throw new IllegalStateException("the coordinator is inactive; nothing is delivered");
        };
    DeliveryCoordinator coordinator =
        DeliveryCoordinator.create(
            store,
            sink,
            SystemClock.instance(),
            new DeliveryConfig(DeliveryConfig.DEFAULT_TTL, n + 1, 5, persisted),
            new DeliveryListener() {},
            System.getLogger("bench"));
    SessionId owner = SessionId.of("elsewhere");
    RunId run = RunId.of("run-deliveries");
    TaskId task = TaskId.of("t0");
    // Warm the code path, then measure.
    deliver(coordinator, kind, run, task, owner, -1);
    try {
      Map<String, Long> before = histogram();
      long h0 = settledHeap();
      for (int i = 0; i < n; i++) {
        DeliveryOutcome o = deliver(coordinator, kind, run, task, owner, i);
        if (o != DeliveryOutcome.QUEUED) {
          throw new IllegalStateException("expected QUEUED, got " + o);
        }
      }
      long h1 = settledHeap();
      printGrowth(before, histogram(), n, "item");
      int queued = coordinator.queued().size();
      System.out.printf(
          Locale.ROOT,
          "queued delivery, %s: %d queued: %.0f B/item retained (payload of 104 B included)%n",
          kind.equals("persisted")
              ? "result (persisted on the file store)"
              : kind.equals("result") ? "result (not persisted)" : kind,
          queued,
          (h1 - h0) / (double) n);
    } finally {
      // The measured queue must stay reachable until the heap after it is taken.
      Reference.reachabilityFence(coordinator);
    }
    store.close();
    Fixtures.deleteTree(dir);
  }

  private static DeliveryOutcome deliver(
      DeliveryCoordinator c, String kind, RunId run, TaskId task, SessionId owner, int i) {
    String payload = String.format(Locale.ROOT, "payload-%056d", i + 1L);
    if (kind.equals("notification")) {
      return c.deliverNotification(run, i + 2L, RunStatus.COMPLETED, payload, owner);
    }
    if (kind.equals("steer")) {
      return c.deliverSteer(run, payload, owner, DeliveryId.of("s-" + (i + 1)));
    }
    return c.deliverResult(run, AttemptId.of(run, task, i + 2), payload, owner);
  }
}
