package dev.crewrecovery.core.filestore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.spi.ActiveRun;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.core.FileRunStore;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real crashes: a child JVM writes runs through the store and acknowledges each call after it
 * returned; it is killed with SIGKILL at random moments. After each kill the store is reopened and
 * checked: no unreadable snapshot, no lost acknowledged write, no lost event of a committed update,
 * no temp file left, no active run missing from {@code activeRuns()}. A naive in-place writer,
 * killed the same way, must fail the same kind of check.
 *
 * <p>The number of kills is {@code -Dcrewrecovery.kills}: 200 in the normal build, 2 000 in the
 * {@code torture} profile. After each kill the runs the killed child wrote and every active run are
 * checked, then the run left in flight is cancelled (see {@link #settle}); every {@value
 * #FULL_CHECK_EVERY} kills and after the last one, every run of the store is checked.
 */
class FileRunStoreKillTest {
  private static final int KILLS = Integer.getInteger("crewrecovery.kills", 200);
  private static final int FULL_CHECK_EVERY = 50;
  private static final int CONTROL_KILLS = 10;

  @TempDir Path root;
  private final List<Process> children = new ArrayList<>();
  private final SplittableRandom random =
      new SplittableRandom(Long.getLong("crewrecovery.seed", 6));

  @AfterEach
  void killChildren() {
    children.forEach(Process::destroyForcibly);
  }

  private Process child(String... args) throws Exception {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xshare:auto",
                "-cp",
                System.getProperty("java.class.path"),
                StoreChild.class.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    children.add(p);
    return p;
  }

  /** Reads {@code n} acknowledgements, recording the highest version per key, then kills. */
  private void readAcksThenKill(Process p, int n, Map<String, Long> acked) throws Exception {
    BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    for (int i = 0; i < n; i++) {
      String line =
          CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return r.readLine();
                    } catch (java.io.IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  })
              .get(120, TimeUnit.SECONDS);
      assertThat(line).as("child output").startsWith("ACK ");
      String[] parts = line.split(" ");
      acked.merge(parts[1], Long.parseLong(parts[2]), Math::max);
    }
    p.destroyForcibly(); // SIGKILL
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void killedWritersLoseNothingAcknowledged() throws Exception {
    Map<String, Long> acked = new HashMap<>();
    long start = System.nanoTime();
    for (int kill = 0; kill < KILLS; kill++) {
      Process p = child("torture", root.toString(), "unused", Integer.toString(kill * 1000));
      readAcksThenKill(p, 1 + random.nextInt(40), acked);
      boolean full = (kill + 1) % FULL_CHECK_EVERY == 0 || kill == KILLS - 1;
      int killed = kill;
      check(acked, full ? id -> true : id -> sameChild(id, killed));
    }
    System.out.printf(
        "FileRunStoreKillTest: %d kills, %d runs checked, %.1f s%n",
        KILLS, acked.size(), (System.nanoTime() - start) / 1e9);
  }

  /** Whether a run was created by the child of this kill (its ids start at kill * 1000). */
  private static boolean sameChild(RunId id, int kill) {
    long n = Long.parseLong(id.value().substring(2));
    return n >= kill * 1000L && n < (kill + 1) * 1000L;
  }

  private void check(Map<String, Long> acked, java.util.function.Predicate<RunId> scope)
      throws Exception {
    try (FileRunStore store =
        FileRunStore.open(
            root, FileRunStore.Options.builder().lockTimeout(Duration.ofSeconds(60)).build())) {
      List<RunId> all = store.allRuns();
      // A set, and one assertion on what is missing: asserting `contains` per acknowledged run
      // made every check quadratic in the number of runs, and the whole test cubic in the kills.
      java.util.Set<String> stored = new java.util.HashSet<>();
      all.forEach(id -> stored.add(id.value()));
      assertThat(acked.keySet().stream().filter(id -> !stored.contains(id)).toList())
          .as("acknowledged runs missing from the store")
          .isEmpty();
      List<ActiveRun> active = store.activeRuns();
      java.util.Set<RunId> activeIds = new java.util.HashSet<>();
      active.forEach(a -> activeIds.add(a.runId()));
      for (RunId id : all) {
        if (!scope.test(id) && !activeIds.contains(id)) {
          continue;
        }
        RunSnapshot s = store.load(id).orElseThrow(); // never corrupt
        assertThat(s.version())
            .as("acknowledged version of %s", id)
            .isGreaterThanOrEqualTo(acked.getOrDefault(id.value(), 0L));
        // one event per commit: create and every update, none lost, none doubled
        assertThat(store.events(id, 0, 10_000))
            .extracting(RunEvent::seq)
            .as("events of %s", id)
            .containsExactlyElementsOf(LongStream.rangeClosed(1, s.version()).boxed().toList());
        if (!s.status().isTerminal()) {
          assertThat(active).as("active runs").contains(new ActiveRun(id, ActiveRun.State.ACTIVE));
        }
        try (Stream<Path> files = Files.list(root.resolve("runs").resolve(id.value()))) {
          assertThat(files.map(f -> f.getFileName().toString()))
              .as("files of %s", id)
              .noneMatch(n -> n.startsWith(".tmp-"));
        }
      }
      assertThat(active).allMatch(a -> a.state() == ActiveRun.State.ACTIVE);
      assertThat(store.stats().quarantinedFiles()).isZero();
      try (Stream<Path> q = Files.list(root.resolve("quarantine"))) {
        assertThat(q.toList()).as("quarantine").isEmpty();
      }
      settle(store, active, acked);
    }
  }

  /**
   * Cancels the run each killed child left in flight, as a host's recovery would, so that active
   * runs do not pile up with the kills: the check and the next child's open stay linear in the
   * number of kills. The cancel is a committed update like any other, so it is acknowledged too.
   */
  private static void settle(FileRunStore store, List<ActiveRun> active, Map<String, Long> acked) {
    for (ActiveRun run : active) {
      long version =
          store
              .update(
                  run.runId(),
                  (s, hb) ->
                      Update.commit(
                          Runs.withStatus(s, RunStatus.CANCELLED),
                          List.of(Runs.event("run.cancelled"))))
              .snapshot()
              .version();
      acked.merge(run.runId().value(), version, Math::max);
    }
    assertThat(store.activeRuns()).as("active runs after settling").isEmpty();
  }

  @Test
  void naiveInPlaceWriterFailsTheSameCheck() throws Exception {
    ObjectMapper json = new ObjectMapper();
    int failures = 0;
    for (int kill = 0; kill < CONTROL_KILLS; kill++) {
      Map<String, Long> acked = new HashMap<>();
      Process p = child("naive", root.toString(), "unused");
      readAcksThenKill(p, 1 + random.nextInt(30), acked);
      try {
        long v = json.readTree(root.resolve("naive.json").toFile()).get("v").asLong();
        if (v < acked.get("naive")) {
          failures++;
        }
      } catch (java.io.IOException | RuntimeException unreadable) {
        failures++;
      }
    }
    System.out.printf(
        "FileRunStoreKillTest: naive writer failed %d of %d kills%n", failures, CONTROL_KILLS);
    assertThat(failures).as("the negative control must fail the check").isPositive();
  }
}
