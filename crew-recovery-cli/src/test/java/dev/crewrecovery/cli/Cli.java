package dev.crewrecovery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.cli.internal.ops.Environment;
import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.FileRunStore;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.FakeProcessProbe;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * A store in a temporary directory, populated through the public API by host sessions on a fake
 * clock and a fake probe, and the command run against it with captured output.
 */
final class Cli implements AutoCloseable {
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  static final SessionId OPERATOR = SessionId.of("crew-cli-test");
  private static final ObjectMapper JSON = new ObjectMapper();

  final Path dir;
  final FakeClock clock = new FakeClock(T0);

  /** The operator's view of processes; tests script deaths here. */
  final FakeProcessProbe probe = new FakeProcessProbe();

  /**
   * The hosts' view: the same processes, but deaths scripted on {@link #probe} are not seen here,
   * so a live host has not noticed them yet (its exit watch would repair at once otherwise).
   */
  final FakeProcessProbe hostProbe = new FakeProcessProbe();

  final FileRunStore store;
  boolean terminal;
  Map<String, String> env = Map.of();
  private final List<CrewRecovery> hosts = new ArrayList<>();

  Cli(Path dir) {
    this.dir = dir;
    this.store = FileRunStore.open(dir, FileRunStore.Options.builder().clock(clock).build());
  }

  /** A started host session whose loops run only when called. */
  CrewRecovery host(String session) {
    return host(session, RecoveryConfig.defaults());
  }

  CrewRecovery host(String session, RecoveryConfig config) {
    CrewRecovery crew =
        CrewRecovery.builder()
            .store(store)
            .clock(clock)
            .probe(hostProbe)
            .hostName(FakeProcessProbe.DEFAULT_HOST)
            .sessionId(SessionId.of(session))
            .config(config)
            .scheduledLoops(false)
            .build();
    crew.start();
    hosts.add(crew);
    return crew;
  }

  /** Creates a RUNNING run with one task per id; the first task runs on a fresh worker. */
  AttemptId runningRun(CrewRecovery host, String run, long pid, String... tasks) {
    List<TaskId> ids = new ArrayList<>();
    for (String t : tasks) {
      ids.add(TaskId.of(t));
    }
    host.runs().create(RunId.of(run), ids);
    ProcessRef worker = hostProbe.register(probe.spawn(pid));
    return host.runs().startAttempt(RunId.of(run), ids.get(0), worker, null, false);
  }

  /** Renews a host's lease now, as its lease loop would. */
  void renew(CrewRecovery host) {
    store.renewLease(host.sessionId(), host.owner().orElseThrow().incarnation(), clock.now());
  }

  ProcessRef worker(String run, int task) {
    return snapshot(run).tasks().get(task).currentAttempt().orElseThrow().worker();
  }

  RunSnapshot snapshot(String run) {
    return store.load(RunId.of(run)).orElseThrow();
  }

  List<RunEvent> events(String run) {
    return store.events(RunId.of(run), 0, 10_000);
  }

  Result run(String... args) {
    List<String> all = new ArrayList<>(List.of("--store", dir.toString()));
    all.addAll(List.of(args));
    return runRaw(all.toArray(String[]::new));
  }

  /** Runs the command with exactly these arguments (no {@code --store} added). */
  Result runRaw(String... args) {
    Environment environment =
        new Environment(
            clock, () -> probe, OPERATOR, RecoveryConfig.defaults(), terminal, env::get);
    CommandLine cli = CrewRecoveryCommand.commandLine(new CrewRecoveryCommand(environment));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Override
  public void close() {
    for (CrewRecovery h : hosts) {
      h.close();
    }
    store.close();
  }

  /** What a command printed and returned. */
  record Result(int code, String out, String err) {
    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + out, e);
      }
    }

    List<JsonNode> jsonLines() {
      List<JsonNode> lines = new ArrayList<>();
      for (String l : out.split("\n")) {
        if (!l.isBlank()) {
          try {
            lines.add(JSON.readTree(l));
          } catch (IOException e) {
            throw new UncheckedIOException("not a JSON line: " + l, e);
          }
        }
      }
      return lines;
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }
  }
}
