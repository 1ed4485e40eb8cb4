package dev.crewrecovery.cli.internal.demo;

import dev.crewrecovery.api.CrewRecoveryException;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.cli.internal.demo.Scenarios.Scenario;
import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.FileRunStore;
import dev.crewrecovery.core.SystemClock;
import dev.crewrecovery.core.SystemProcessProbe;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Runs the demo: opens the store, starts the host session, runs the selected scenarios one after
 * the other, prints the table and returns the exit code (0 when every outcome is the expected one,
 * 1 otherwise, 3 when the store cannot be opened). Everything it starts (session, probe, child
 * JVMs, threads) is stopped before it returns.
 */
public final class Demo {
  /** The exit code when every outcome is the expected one. */
  public static final int OK = 0;

  /** The exit code when an outcome differs from the expected one. */
  public static final int UNEXPECTED = 1;

  /** The exit code when the store cannot be opened or prepared. */
  public static final int STORE_ERROR = 3;

  /** The session id of the demo's host. */
  static final SessionId HOST_A = SessionId.of("demo-host-a");

  private final PrintWriter out;

  /**
   * Creates the demo.
   *
   * @param out where the story and the table go
   */
  public Demo(PrintWriter out) {
    this.out = out;
  }

  /**
   * Runs the demo.
   *
   * @param storeDir the store to use, or null for a fresh temporary one (deleted afterwards unless
   *     {@code keep} or an outcome is unexpected)
   * @param only the scenario numbers to run (1 to 7), or empty for all
   * @param keep whether to keep a temporary store
   * @return the exit code
   */
  public int run(@Nullable Path storeDir, Set<Integer> only, boolean keep) {
    Narrator narrator = new Narrator(out, SystemClock.instance());
    Path temp = null;
    Path root;
    Path logs;
    try {
      temp = Files.createTempDirectory("crew-recovery-demo-");
      root = storeDir != null ? storeDir : temp.resolve("store");
      logs = Files.createDirectories(temp.resolve("logs"));
    } catch (IOException e) {
      out.println("crew-recovery demo: cannot create a temporary directory: " + e.getMessage());
      out.flush();
      return STORE_ERROR;
    }
    narrator.plain("crew-recovery demo: store " + root);
    narrator.plain("  " + DemoSettings.describe());
    List<Row> rows = new ArrayList<>();
    try (LogNarration logNarration = new LogNarration(narrator);
        FileRunStore store = FileRunStore.open(root)) {
      rows = runOn(store, narrator, logs, only);
    } catch (CrewRecoveryException e) {
      out.println("crew-recovery demo: cannot use the store at " + root + ": " + e.getMessage());
      out.flush();
      deleteQuietly(temp);
      return STORE_ERROR;
    }
    narrator.plain("");
    for (String line : Row.table(rows)) {
      narrator.plain(line);
    }
    Duration took = narrator.elapsed();
    boolean failed = exitCode(rows) != OK;
    narrator.plain("");
    narrator.plain(
        String.format(
            Locale.ROOT,
            "%d of %d outcomes as expected in %.1f s%s",
            rows.stream().filter(Row::asExpected).count(),
            rows.size(),
            took.toMillis() / 1000.0,
            failed ? "" : "."));
    // The temporary directory holds the child JVMs' logs, and the store unless one was given.
    boolean keepTemp = failed || (keep && storeDir == null);
    if (!keepTemp) {
      deleteQuietly(temp);
    } else {
      if (storeDir == null) {
        narrator.plain(
            "the store is kept at " + root + " (try: crew-recovery --store " + root + " status)");
      }
      narrator.plain("child JVM logs: " + logs);
    }
    return exitCode(rows);
  }

  /**
   * Returns the exit code for a finished demo: {@link #OK} only when it ran at least one scenario
   * and every outcome is the expected one.
   *
   * @param rows the rows of the table
   * @return the exit code
   */
  static int exitCode(List<Row> rows) {
    return !rows.isEmpty() && rows.stream().allMatch(Row::asExpected) ? OK : UNEXPECTED;
  }

  private static List<Row> runOn(
      FileRunStore store, Narrator narrator, Path logs, Set<Integer> only) {
    List<Row> rows = new ArrayList<>();
    Board board = new Board(narrator);
    try (SystemProcessProbe probe =
            SystemProcessProbe.builder().pollInterval(Duration.ofMillis(200)).build();
        CrewRecovery crew =
            CrewRecovery.builder()
                .store(store)
                .probe(probe)
                .sessionId(HOST_A)
                .config(DemoSettings.config())
                .recoveryPolicy(DemoSettings.policy())
                .listener(board)
                .sink(board)
                .build();
        EventTail tail = new EventTail(store, narrator)) {
      crew.start();
      narrator.say(
          "demo",
          "host session "
              + crew.owner().map(Object::toString).orElse(HOST_A.value())
              + " started (pid "
              + ProcessHandle.current().pid()
              + ")");
      crew.deliveries().activate(HOST_A);
      narrator.say(
          "demo", "consumer active as session " + HOST_A + ": results are delivered to it");
      Host host = new Host(store, probe, crew, narrator, board, tail, logs, suffix(store));
      try {
        for (Scenario s : new Scenarios(host).all()) {
          if (!only.isEmpty() && !only.contains(s.number())) {
            continue;
          }
          narrator.plain("");
          narrator.plain("== " + s.number() + ". " + s.failure());
          narrator.current(s.label());
          Row row;
          try {
            row = s.body().run(s);
          } catch (DemoException | CrewRecoveryException | IllegalStateException e) {
            narrator.say(s.label(), "demo: scenario failed: " + e.getMessage());
            row = Row.error(s.number(), s.failure(), s.expected(), String.valueOf(e.getMessage()));
          }
          tail.drainAll();
          narrator.say(
              s.label(),
              (row.asExpected() ? "as expected: " : "NOT as expected: ") + row.outcome());
          narrator.current("demo");
          rows.add(row);
        }
      } finally {
        host.killChildren();
      }
    }
    return rows;
  }

  /** Run ids of a reused store must not collide with an earlier demo's: add -2, -3, ... */
  private static String suffix(FileRunStore store) {
    for (int n = 1; ; n++) {
      String suffix = n == 1 ? "" : "-" + n;
      if (store.load(RunId.of("demo-normal" + suffix)).isEmpty()
          && store.load(RunId.of("demo-host-crash" + suffix)).isEmpty()
          && store.load(RunId.of("demo-deadletter" + suffix)).isEmpty()) {
        return suffix;
      }
    }
  }

  private static void deleteQuietly(@Nullable Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, @Nullable IOException e)
                throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException | UncheckedIOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
