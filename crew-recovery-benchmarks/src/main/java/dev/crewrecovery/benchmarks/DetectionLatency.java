package dev.crewrecovery.benchmarks;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.spi.UpdateFunction;
import dev.crewrecovery.api.spi.UpdateResult;
import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.FileRunStore;
import dev.crewrecovery.core.RunLedger;
import dev.crewrecovery.core.SystemProcessProbe;
import dev.crewrecovery.testkit.ForwardingRunStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Item 5: detection latency, from {@code SIGKILL} of a real worker process to the committed repair
 * of its attempt, over many kills. Not JMH: each sample is one kill of a child {@code sleep}
 * process, timed with {@code System.nanoTime()} from just before {@code Process.destroyForcibly()}
 * (SIGKILL on Linux) to the return of the {@code RunStore.update} that fails the attempt (seen by a
 * forwarding store, so the commit and its fsyncs are inside the interval).
 *
 * <p>The engine runs as a host would run it: {@code CrewRecovery} started with its scheduled loops,
 * a durable {@code FileRunStore}, a {@code SystemProcessProbe}. Each kill: create a run of one
 * task, start an attempt whose worker is a fresh {@code sleep 600} started by this JVM and handed
 * to {@code SystemProcessProbe.identify(Process)}, wait a random delay, kill, wait for the commit,
 * finish the run. {@code event}: the probe's event-driven exit watch (default). {@code polling}:
 * {@code maxEventDrivenRegistrations(0)}, so the probe's shared poller (period {@code --poll-ms},
 * default 1000) finds the death; the random delay spreads the kills over the poll period.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.crewrecovery.benchmarks.DetectionLatency [--mode
 * event|polling|both] [--kills 100] [--warmup 5] [--poll-ms 1000]}
 */
public final class DetectionLatency {

  private DetectionLatency() {}

  /**
   * Runs the measurement.
   *
   * @param args see the class comment
   * @throws Exception on any failure: the harness stops at the first
   */
  public static void main(String[] args) throws Exception {
    String mode = "both";
    int kills = 100;
    int warmup = 5;
    long pollMs = 1000;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--mode" -> mode = args[i + 1];
        case "--kills" -> kills = Integer.parseInt(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        case "--poll-ms" -> pollMs = Long.parseLong(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (mode.equals("event") || mode.equals("both")) {
      measure(true, kills, warmup, pollMs);
    }
    if (mode.equals("polling") || mode.equals("both")) {
      measure(false, kills, warmup, pollMs);
    }
  }

  /** A store that completes the pending future when an update fails the watched attempt. */
  private static final class CommitSpy extends ForwardingRunStore {
    final AtomicReference<@Nullable Watch> watch = new AtomicReference<>();

    CommitSpy(FileRunStore delegate) {
      super(delegate);
    }

    @Override
    public UpdateResult update(RunId runId, UpdateFunction fn) {
      UpdateResult r = super.update(runId, fn);
      Watch w = watch.get();
      if (w != null && r.committed() && w.attempt.runId().equals(runId)) {
        Optional<TaskState> task = r.snapshot().task(w.attempt.taskId());
        if (task.isPresent()) {
          for (Attempt a : task.get().attempts()) {
            if (a.id().equals(w.attempt) && a.failure() != null) {
              w.committed.complete(System.nanoTime());
            }
          }
        }
      }
      return r;
    }
  }

  private record Watch(AttemptId attempt, CompletableFuture<Long> committed) {}

  private static void measure(boolean eventDriven, int kills, int warmup, long pollMs)
      throws IOException, InterruptedException, ExecutionException, TimeoutException {
    String name = eventDriven ? "event-driven" : "polling only";
    Path dir = Fixtures.newDirectory("crew-bench-detect");
    SystemProcessProbe probe =
        SystemProcessProbe.builder()
            .pollInterval(Duration.ofMillis(pollMs))
            .maxEventDrivenRegistrations(
                eventDriven ? SystemProcessProbe.DEFAULT_MAX_EVENT_DRIVEN_REGISTRATIONS : 0)
            .build();
    FileRunStore file = Fixtures.durableStore(dir);
    CommitSpy store = new CommitSpy(file);
    double[] samples = new double[kills];
    try (CrewRecovery crew =
        CrewRecovery.builder().store(store).probe(probe).sessionId(SessionId.of("bench")).build()) {
      crew.start();
      RunLedger ledger = crew.runs();
      TaskId task = TaskId.of("t0");
      long delayBoundMs = eventDriven ? 50 : pollMs;
      for (int i = -warmup; i < kills; i++) {
        RunId runId = RunId.of((eventDriven ? "event-" : "poll-") + (i + warmup));
        ledger.create(runId, List.of(task));
        ledger.start(runId);
        Process worker = new ProcessBuilder("sleep", "600").start();
        ProcessRef ref =
            probe
                .identify(worker)
                .orElseThrow(() -> new IllegalStateException("the worker died at once"));
        AttemptId expected = AttemptId.of(runId, task, 1);
        Watch w = new Watch(expected, new CompletableFuture<>());
        store.watch.set(w);
        AttemptId attempt = ledger.startAttempt(runId, task, ref, null, false);
        if (!attempt.equals(expected)) {
          throw new IllegalStateException("started " + attempt + ", expected " + expected);
        }
        Thread.sleep(ThreadLocalRandom.current().nextLong(delayBoundMs + 1));
        long killedAt = System.nanoTime();
        worker.destroyForcibly();
        long committedAt = w.committed.get(30, TimeUnit.SECONDS);
        store.watch.set(null);
        worker.waitFor();
        if (i >= 0) {
          samples[i] = (committedAt - killedAt) / 1e6;
        }
        ledger.finish(runId, null);
      }
    } finally {
      probe.close();
      file.close();
      Fixtures.deleteTree(dir);
    }
    Percentiles p = new Percentiles(samples);
    System.out.printf(
        Locale.ROOT,
        "detection %s (poll %d ms, %d warm-up kills not counted): %s%n",
        name,
        pollMs,
        warmup,
        p.line("ms"));
    List<String> worst = new ArrayList<>();
    double[] sorted = samples.clone();
    java.util.Arrays.sort(sorted);
    for (int i = sorted.length - 1; i >= Math.max(0, sorted.length - 5); i--) {
      worst.add(String.format(Locale.ROOT, "%.1f", sorted[i]));
    }
    System.out.println("  slowest: " + worst);
  }
}
