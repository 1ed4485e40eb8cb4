package dev.crewrecovery.cli.internal.demo;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.FileRunStore;
import dev.crewrecovery.core.RunLedger;
import dev.crewrecovery.core.SystemClock;
import dev.crewrecovery.core.SystemProcessProbe;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The main class of the demo's child JVMs, started from the demo's own class path: a {@code worker}
 * that beats into the store and works, fails or hangs, and a second {@code host} that owns a run
 * until it is killed. Talks to its parent in lines on stdin/stdout; exits when stdin closes, so a
 * parent that dies takes its children with it.
 *
 * <p>Worker protocol: prints {@code READY} once its store is open, waits for {@code GO}, then beats
 * every 200 ms and prints {@code WORKING}. Mode {@code ok}: after the work prints {@code RESULT
 * <ref>} and exits 0 once the parent answers {@code ACK} (so the result is recorded before the exit
 * is seen). Mode {@code fail}: exits 3 after the work, without a result. Mode {@code hang}: beats
 * until killed. Mode {@code idle}: never beats (a bystander process).
 *
 * <p>Host protocol: creates the run with tasks {@code t1} and {@code t2}, records itself as the
 * run's runner, completes {@code t1}, starts {@code t2} and beats it, then prints {@code OWNING
 * <owner> <epoch>} and waits to be killed.
 */
public final class DemoChild {

  private DemoChild() {}

  /**
   * Runs a worker or a host.
   *
   * @param args {@code worker|host} followed by {@code --name value} pairs
   */
  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    int code;
    try {
      Map<String, String> opts = options(args);
      code =
          switch (args.length == 0 ? "" : args[0]) {
            case "worker" -> worker(opts, in, out);
            case "host" -> host(opts, in, out);
            default -> {
              System.err.println("usage: DemoChild worker|host --name value ...");
              yield 2;
            }
          };
    } catch (IOException | RuntimeException e) {
      e.printStackTrace();
      code = 1;
    }
    out.flush();
    System.exit(code);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> opts = new HashMap<>();
    for (int i = 1; i + 1 < args.length; i += 2) {
      opts.put(args[i], args[i + 1]);
    }
    return opts;
  }

  private static String required(Map<String, String> opts, String name) {
    String v = opts.get(name);
    if (v == null) {
      throw new IllegalArgumentException("missing option " + name);
    }
    return v;
  }

  private static int worker(Map<String, String> opts, BufferedReader in, PrintStream out)
      throws IOException {
    String mode = required(opts, "--mode");
    long workMillis = Long.parseLong(opts.getOrDefault("--work-ms", "600"));
    AttemptId attempt =
        AttemptId.of(
            RunId.of(required(opts, "--run")),
            TaskId.of(required(opts, "--task")),
            Integer.parseInt(required(opts, "--attempt")));
    try (FileRunStore store = FileRunStore.open(Path.of(required(opts, "--store")))) {
      out.println("READY");
      if (!"GO".equals(in.readLine())) {
        return 0; // the parent went away before starting the attempt
      }
      if (!mode.equals("idle")) {
        Thread beats =
            new Thread(
                () -> {
                  while (true) {
                    store.recordHeartbeat(attempt, SystemClock.instance().now());
                    if (!pause(DemoSettings.BEAT_INTERVAL.toMillis())) {
                      return;
                    }
                  }
                },
                "demo-worker-beats");
        beats.setDaemon(true);
        beats.start();
      }
      out.println("WORKING");
      switch (mode) {
        case "ok" -> {
          pause(workMillis);
          out.println("RESULT result-of-" + attempt);
          in.readLine(); // ACK, or end of input
          return 0;
        }
        case "fail" -> {
          pause(workMillis);
          System.err.println("demo worker " + attempt + ": simulated failure, exit 3");
          return 3;
        }
        case "hang", "idle" -> {
          while (in.readLine() != null) {
            // waits for the end of input or a signal
          }
          return 0;
        }
        default -> throw new IllegalArgumentException("unknown mode " + mode);
      }
    }
  }

  private static int host(Map<String, String> opts, BufferedReader in, PrintStream out)
      throws IOException {
    RunId runId = RunId.of(required(opts, "--run"));
    SessionId session = SessionId.of(required(opts, "--session"));
    try (FileRunStore store = FileRunStore.open(Path.of(required(opts, "--store")));
        SystemProcessProbe probe = SystemProcessProbe.create();
        CrewRecovery crew =
            CrewRecovery.builder()
                .store(store)
                .probe(probe)
                .sessionId(session)
                .config(DemoSettings.config())
                .recoveryPolicy(DemoSettings.policy())
                .build()) {
      crew.start();
      RunLedger runs = crew.runs();
      TaskId t1 = TaskId.of("t1");
      TaskId t2 = TaskId.of("t2");
      runs.create(runId, List.of(t1, t2));
      ProcessRef self =
          probe
              .identify(ProcessHandle.current().pid())
              .orElseThrow(() -> new IllegalStateException("cannot identify this process"));
      runs.recordRunner(runId, self, null);
      AttemptId first = runs.startAttempt(runId, t1, null, null, false);
      runs.complete(first, "host-b-result-of-t1");
      AttemptId second = runs.startAttempt(runId, t2, null, null, false);
      Thread beats =
          new Thread(
              () -> {
                while (true) {
                  runs.heartbeat(second);
                  if (!pause(DemoSettings.BEAT_INTERVAL.toMillis())) {
                    return;
                  }
                }
              },
              "demo-host-beats");
      beats.setDaemon(true);
      beats.start();
      @Nullable RunSnapshot s = runs.snapshot(runId).orElse(null);
      out.println(
          "OWNING "
              + crew.owner().map(Object::toString).orElse("?")
              + " "
              + (s == null ? "?" : String.valueOf(s.manifest().epoch())));
      while (in.readLine() != null) {
        // owns the run until killed, or until its parent goes away
      }
      return 0;
    }
  }

  /** Sleeps; the demo's workers simulate work and beat on real time. */
  private static boolean pause(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
