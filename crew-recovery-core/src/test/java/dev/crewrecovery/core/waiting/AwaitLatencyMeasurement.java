package dev.crewrecovery.core.waiting;

import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.FileRunStore;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.RunLedger;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: prints completion latencies of awaitRun in-process and across processes (watch on,
 * watch off) and the heap cost of 10 000 waiters. Run with {@code -Dcrew.measure=true
 * -Dtest=AwaitLatencyMeasurement}.
 */
@EnabledIfSystemProperty(named = "crew.measure", matches = "true")
class AwaitLatencyMeasurement {
  @TempDir Path dir;

  private CrewRecovery crew(Path root, RecoveryConfig config) {
    return CrewRecovery.builder()
        .store(FileRunStore.open(root))
        .sessionId(SessionId.of("measure"))
        .config(config)
        .build();
  }

  @Test
  void inProcess() {
    try (CrewRecovery crew = crew(dir.resolve("in"), RecoveryConfig.defaults())) {
      crew.start();
      RunLedger runs = crew.runs();
      int n = 200;
      long[] finishCall = new long[n];
      long[] commitToComplete = new long[n];
      for (int i = 0; i < n; i++) {
        RunId id = RunId.of("i" + i);
        runs.create(id, List.of(TaskId.of("t")));
        CompletableFuture<RunSnapshot> f = runs.awaitRun(id);
        long[] done = new long[1];
        CompletableFuture<Void> unused = f.thenRun(() -> done[0] = System.nanoTime());
        long t0 = System.nanoTime();
        runs.finish(id, RunStatus.CANCELLED);
        long t1 = System.nanoTime();
        finishCall[i] = t1 - t0;
        commitToComplete[i] = done[0] - t0;
      }
      report("in-process: finish() call (commit incl. fsync)", finishCall);
      report("in-process: finish() start -> waiter completed", commitToComplete);
    }
  }

  @Test
  void crossProcessWatchOn() throws Exception {
    crossProcess("watch on, rescan 1 s", true, 30, 100);
  }

  @Test
  void crossProcessWatchOff() throws Exception {
    crossProcess("watch off, rescan 1 s", false, 12, 370);
  }

  private void crossProcess(String label, boolean watch, int n, long gapMs) throws Exception {
    Path root = dir.resolve(label.replaceAll("[^a-z0-9]", ""));
    RecoveryConfig config =
        RecoveryConfig.builder()
            .awaitFileWatch(watch)
            .awaitRescanInterval(Duration.ofSeconds(1))
            .build();
    try (CrewRecovery crew = crew(root, config)) {
      crew.start();
      Map<String, Long> completed = new ConcurrentHashMap<>();
      for (int i = 0; i < n; i++) {
        RunId id = RunId.of("m" + i);
        crew.runs().create(id, List.of(TaskId.of("t")));
        CompletableFuture<Void> unused =
            crew.runs().awaitRun(id).thenRun(() -> completed.put(id.value(), System.nanoTime()));
      }
      String java =
          ProcessHandle.current()
              .info()
              .command()
              .orElse(System.getProperty("java.home") + File.separator + "bin/java");
      Process p =
          new ProcessBuilder(
                  java,
                  "-XX:TieredStopAtLevel=1",
                  "-XX:+UseSerialGC",
                  "-Xshare:auto",
                  "-cp",
                  System.getProperty("java.class.path"),
                  LatencyChild.class.getName(),
                  root.toString(),
                  Integer.toString(n),
                  Long.toString(gapMs))
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      Map<String, Long> committed = new HashMap<>();
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          String[] parts = line.split(" ");
          committed.put(parts[1], Long.parseLong(parts[2]));
        }
      }
      p.waitFor(120, TimeUnit.SECONDS);
      List<CompletableFuture<RunSnapshot>> all = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        all.add(crew.runs().awaitRun(RunId.of("m" + i)));
      }
      CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
      long[] lat = new long[n];
      for (int i = 0; i < n; i++) {
        String id = "m" + i;
        Long c = completed.get(id);
        lat[i] = c == null ? -1 : c - committed.get(id);
      }
      report("cross-process, " + label + ": commit returned -> waiter completed", lat);
    }
  }

  @Test
  void heapOfTenThousandWaiters() {
    try (CrewRecovery crew = crew(dir.resolve("heap"), RecoveryConfig.defaults())) {
      crew.start();
      RunId id = RunId.of("h");
      crew.runs().create(id, List.of(TaskId.of("t")));
      List<CompletableFuture<RunSnapshot>> keep = new ArrayList<>();
      keep.add(crew.runs().awaitRun(id));
      long before = used();
      for (int i = 0; i < 10_000; i++) {
        keep.add(crew.runs().awaitRun(id));
      }
      long after = used();
      System.out.printf(
          "MEASURE heap of 10 000 waiters on one run: ~%d KiB (%d B each); threads: %d%n",
          (after - before) / 1024, (after - before) / 10_000, Thread.activeCount());
      crew.runs().finish(id, RunStatus.CANCELLED);
      System.out.println("MEASURE all done: " + keep.stream().allMatch(CompletableFuture::isDone));
    }
  }

  private static long used() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static void report(String what, long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    System.out.printf(
        "MEASURE %s: n=%d median %.3f ms, p90 %.3f ms, max %.3f ms%n",
        what,
        s.length,
        s[s.length / 2] / 1e6,
        s[(int) (s.length * 0.9)] / 1e6,
        s[s.length - 1] / 1e6);
  }
}
