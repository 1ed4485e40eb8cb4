package dev.crewrecovery.core.filestore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.LockTimeoutException;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.core.FileRunStore;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exclusion across processes: real child JVMs on the same store. */
class FileRunStoreProcessTest {
  private static final RunId ID = RunId.of("r1");

  @TempDir Path root;
  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void killChildren() {
    for (Process p : children) {
      p.destroyForcibly();
    }
  }

  private Process child(String... args) throws Exception {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-Xshare:auto");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(StoreChild.class.getName());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    children.add(p);
    return p;
  }

  private static String readLine(Process p) throws Exception {
    BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    return CompletableFuture.supplyAsync(
            () -> {
              try {
                return r.readLine();
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            })
        .get(120, TimeUnit.SECONDS);
  }

  private static void finish(Process p) throws Exception {
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("child exited").isTrue();
    assertThat(p.exitValue()).isZero();
  }

  @Test
  void updateWaitsForALockHeldByAnotherProcessThenTimesOutThenSucceeds() throws Exception {
    try (FileRunStore setup = Runs.open(root)) {
      setup.create(Runs.queued("r1", "a"), List.of());
    }
    Process holder = child("hold", root.toString(), ID.value());
    assertThat(readLine(holder)).isEqualTo("LOCKED");

    // Monotonic time advances 50 ms per read: the 200 ms bound passes after a handful of slices.
    TestClock clock = new TestClock(Runs.T0, Duration.ofMillis(50));
    FileRunStore.Options options =
        FileRunStore.Options.builder().clock(clock).lockTimeout(Duration.ofMillis(200)).build();
    try (FileRunStore store = FileRunStore.open(root, options)) {
      assertThatThrownBy(() -> store.update(ID, (s, hb) -> Runs.increment(s)))
          .isInstanceOfSatisfying(
              LockTimeoutException.class,
              e -> {
                assertThat(e.runId()).isEqualTo(ID);
                assertThat(e.waited()).isGreaterThan(Duration.ofMillis(200));
              });
      assertThat(clock.monotonicReads()).isBetween(5L, 10L);
      // Nothing was committed by the timed-out call.
      assertThat(store.load(ID).orElseThrow().version()).isEqualTo(1);

      try (OutputStream in = holder.getOutputStream()) {
        in.write("go\n".getBytes(StandardCharsets.UTF_8));
      }
      finish(holder);
      RunSnapshot after = store.update(ID, (s, hb) -> Runs.increment(s)).snapshot();
      assertThat(after.version()).isEqualTo(3);
      assertThat(Runs.counter(after)).isEqualTo(2);
    }
  }

  @Test
  void updatesOfSeveralProcessesAreExclusive() throws Exception {
    int n = 40;
    try (FileRunStore setup = Runs.open(root)) {
      setup.create(Runs.queued("r1", "a"), List.of());
    }
    Process a = child("count", root.toString(), ID.value(), Integer.toString(n));
    Process b = child("count", root.toString(), ID.value(), Integer.toString(n));
    Process c = child("count", root.toString(), ID.value(), Integer.toString(n));
    // and this process too, at the same time: four JVMs on one run
    FileRunStore.Options options =
        FileRunStore.Options.builder().lockTimeout(Duration.ofSeconds(120)).build();
    try (FileRunStore store = FileRunStore.open(root, options)) {
      for (int i = 0; i < n; i++) {
        store.update(ID, (s, hb) -> Runs.increment(s));
      }
      assertThat(readLine(a)).isEqualTo("DONE");
      assertThat(readLine(b)).isEqualTo("DONE");
      assertThat(readLine(c)).isEqualTo("DONE");
      finish(a);
      finish(b);
      finish(c);
      RunSnapshot s = store.load(ID).orElseThrow();
      assertThat(Runs.counter(s)).isEqualTo(4 * n);
      assertThat(s.version()).isEqualTo(4 * n + 1);
      List<RunEvent> events = store.events(ID, 0, 10_000);
      assertThat(events).hasSize(4 * n);
      assertThat(events).extracting(RunEvent::seq).isSorted().doesNotHaveDuplicates();
      // every increment's event carries the value it committed: 1..3n, each once, in order
      assertThat(events)
          .extracting(e -> Integer.parseInt(e.data().get("n")))
          .containsExactlyElementsOf(
              java.util.stream.IntStream.rangeClosed(1, 4 * n).boxed().toList());
      assertThat(store.update(ID, (x, hb) -> Update.unchanged()).committed()).isFalse();
    }
  }
}
