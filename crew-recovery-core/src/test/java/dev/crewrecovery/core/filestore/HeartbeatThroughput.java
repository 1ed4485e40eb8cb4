package dev.crewrecovery.core.filestore;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.spi.HeartbeatOutcome;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.core.FileRunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A manual measurement of the heartbeat fast path (not a test: speed is never asserted). Run with
 * the test class path: {@code java -cp ... dev.crewrecovery.core.filestore.HeartbeatThroughput
 * [threads] [seconds]}. Each thread beats the tasks of its own run in a loop.
 */
public final class HeartbeatThroughput {
  private HeartbeatThroughput() {}

  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
    Path root = Files.createTempDirectory("hb-throughput");
    try (FileRunStore store = FileRunStore.open(root)) {
      List<List<AttemptId>> perThread = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String[] tasks = new String[8];
        for (int i = 0; i < tasks.length; i++) {
          tasks[i] = "task-" + i;
        }
        RunId id = RunId.of("run-" + t);
        store.create(Runs.queued(id.value(), tasks), List.of());
        store.update(
            id,
            (s, hb) -> {
              RunSnapshot r = s;
              for (String task : tasks) {
                r = Runs.running(r, task, 1);
              }
              return Update.commit(r, List.of());
            });
        List<AttemptId> attempts = new ArrayList<>();
        for (String task : tasks) {
          attempts.add(AttemptId.of(id, TaskId.of(task), 1));
        }
        perThread.add(attempts);
      }
      for (int round = 0; round < 2; round++) {
        AtomicLong beats = new AtomicLong();
        CountDownLatch done = new CountDownLatch(threads);
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
          List<AttemptId> attempts = perThread.get(t);
          Thread th =
              new Thread(
                  () -> {
                    long n = 0;
                    Instant at = Instant.EPOCH;
                    while (System.nanoTime() < end) {
                      for (AttemptId a : attempts) {
                        if (store.recordHeartbeat(a, at) != HeartbeatOutcome.RECORDED) {
                          throw new AssertionError("dropped");
                        }
                        n++;
                      }
                    }
                    beats.addAndGet(n);
                    done.countDown();
                  });
          th.start();
        }
        done.await();
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            "round %d: %d threads, %.0f beats/s (%.2f us per beat per thread)%n",
            round, threads, beats.get() / secs, secs * 1e6 * threads / beats.get());
      }
    }
  }
}
