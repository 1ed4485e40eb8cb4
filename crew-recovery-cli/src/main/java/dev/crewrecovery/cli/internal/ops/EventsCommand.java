package dev.crewrecovery.cli.internal.ops;

import dev.crewrecovery.api.CorruptStateException;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code events RUN}: a run's event log. With {@code --follow} it keeps printing new events until
 * the run is terminal and its last commit's events are all in the log (or the command is
 * interrupted): it waits on a file-system watch of the run's directory and of the store's outbox
 * markers, each wait bounded by one second, so an append by any process is seen at once and a
 * missed notification costs at most a second.
 */
@Command(
    name = "events",
    description = {
      "Print a run's events, oldest first. With --json, one JSON object per line.",
      "With --follow, keep printing new events until the run is finished."
    })
public final class EventsCommand extends OpsCommand {
  private static final int PAGE = 1000;
  static final Duration WAIT_BOUND = Duration.ofSeconds(1);

  @Parameters(paramLabel = "RUN", description = "The run id.")
  String run = "";

  @Option(
      names = "--since",
      paramLabel = "SEQ",
      description = "Only events after this sequence number.")
  long since;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing new events until the run finishes.")
  boolean follow;

  @Option(names = "--json", description = "Print one JSON object per event and line.")
  boolean json;

  @Override
  int run(Operator op) {
    if (since < 0) {
      throw usage("--since must not be negative, was " + since);
    }
    RunId runId = Operator.runId(run);
    Optional<RunSnapshot> s;
    try {
      s = op.store().load(runId);
    } catch (CorruptStateException e) {
      // The log of a run whose snapshot is unreadable is what an operator wants to see.
      print(op, runId, since);
      err().println("crew-recovery: " + e.getMessage());
      err().flush();
      return ExitCodes.STORE;
    }
    long after = print(op, runId, since);
    if (s.isEmpty() && after == since) {
      throw new CliException(ExitCodes.STORE, "no run " + runId + " in " + op.store().root());
    }
    if (!follow) {
      return ExitCodes.OK;
    }
    Path dir = op.store().root().resolve("runs").resolve(runId.value());
    Path outboxes = op.store().root().resolve("outbox");
    try (WatchService watch = FileSystems.getDefault().newWatchService()) {
      dir.register(
          watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
      if (Files.isDirectory(outboxes)) {
        outboxes.register(watch, StandardWatchEventKinds.ENTRY_DELETE);
      }
      while (true) {
        // A commit's events are appended after its snapshot, under an outbox marker: a terminal
        // snapshot read first and no marker seen after it mean its events are all in the log.
        boolean terminal = op.store().load(runId).map(x -> x.status().isTerminal()).orElse(true);
        boolean settled = !Files.exists(outboxes.resolve(runId.value()));
        after = print(op, runId, after);
        if (terminal && settled) {
          return ExitCodes.OK;
        }
        WatchKey key = watch.poll(WAIT_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCodes.OK;
    } catch (ClosedWatchServiceException e) {
      return ExitCodes.OK;
    } catch (IOException e) {
      throw new CliException(ExitCodes.STORE, "cannot watch " + dir + ": " + e.getMessage());
    }
  }

  /** Prints the events after {@code after}; returns the last sequence number printed. */
  private long print(Operator op, RunId runId, long after) {
    PrintWriter out = out();
    long last = after;
    while (true) {
      List<RunEvent> page = op.store().events(runId, last, PAGE);
      for (RunEvent e : page) {
        out.println(json ? Json.line(Json.event(e)) : Text.event(e));
        last = e.seq();
      }
      out.flush();
      if (page.size() < PAGE) {
        return last;
      }
    }
  }
}
