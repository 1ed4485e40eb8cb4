package dev.crewrecovery.core.waiting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.CorruptStateException;
import dev.crewrecovery.api.CrewRecoveryException;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunNotFoundException;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.FileRunStore;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.RunChangeListener;
import dev.crewrecovery.core.RunLedger;
import dev.crewrecovery.core.RunSubscription;
import dev.crewrecovery.core.internal.engine.EngineAccess;
import dev.crewrecovery.core.internal.waiting.RunWaiters;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** awaitRun / awaitTask / subscribe on the embedded file store (issue 9). */
class AwaitRunTest {
  private static final TaskId T1 = TaskId.of("t1");
  private static final TaskId T2 = TaskId.of("t2");

  @TempDir Path root;
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (Process p : children) {
      p.destroyForcibly();
    }
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  private CrewRecovery crew(RecoveryConfig config) {
    FileRunStore store = FileRunStore.open(root);
    closing.add(store);
    CrewRecovery crew =
        CrewRecovery.builder()
            .store(store)
            .sessionId(SessionId.of("await-test"))
            .config(config)
            .build();
    closing.add(crew);
    crew.start();
    return crew;
  }

  private CrewRecovery crew() {
    return crew(RecoveryConfig.defaults());
  }

  private static RunWaiters hub(CrewRecovery crew) {
    return EngineAccess.engine(crew).waiters();
  }

  private static Throwable failure(CompletableFuture<?> f) throws Exception {
    try {
      f.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the future completed normally");
  }

  @Test
  void aFinishCommittedInThisJvmCompletesTheWaiterInsideTheCommittingCall() {
    // No watch and no re-read within the test: only the store's change feed can complete it.
    RecoveryConfig config =
        RecoveryConfig.builder()
            .awaitFileWatch(false)
            .awaitRescanInterval(Duration.ofHours(1))
            .build();
    RunLedger runs = crew(config).runs();
    RunId id = RunId.of("r1");
    runs.create(id, List.of(T1));
    CompletableFuture<RunSnapshot> f = runs.awaitRun(id);
    AtomicReference<Thread> completedOn = new AtomicReference<>();
    CompletableFuture<Void> unused = f.thenRun(() -> completedOn.set(Thread.currentThread()));
    assertThat(f).isNotDone();

    runs.start(id);
    assertThat(f).as("a non-terminal change does not complete it").isNotDone();
    runs.finish(id, RunStatus.CANCELLED);

    assertThat(f).isDone();
    assertThat(completedOn.get()).isSameAs(Thread.currentThread());
    assertThat(f.join().status()).isEqualTo(RunStatus.CANCELLED);
  }

  @Test
  void aTaskWaiterCompletesWhenItsTaskEndsAndNotBefore() {
    RunLedger runs = crew().runs();
    RunId id = RunId.of("r1");
    runs.create(id, List.of(T1, T2));
    CompletableFuture<RunSnapshot> t1 = runs.awaitTask(id, T1);
    CompletableFuture<RunSnapshot> t2 = runs.awaitTask(id, T2);

    runs.complete(runs.startAttempt(id, T1), "ref-1");

    assertThat(t1).isDone();
    assertThat(t1.join().task(T1).orElseThrow().status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(t2).isNotDone();
    runs.skip(id, T2);
    assertThat(t2.join().task(T2).orElseThrow().status()).isEqualTo(TaskStatus.SKIPPED);
  }

  @Test
  void aTerminalRunCompletesAtOnceAndAnUnknownTaskOrRunFails() throws Exception {
    CrewRecovery crew = crew();
    RunLedger runs = crew.runs();
    RunId id = RunId.of("r1");
    runs.create(id, List.of(T1));
    runs.finish(id, RunStatus.CANCELLED);

    CompletableFuture<RunSnapshot> f = runs.awaitRun(id);
    assertThat(f).isDone();
    assertThat(f.join().status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(failure(runs.awaitTask(id, TaskId.of("nope"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nope");
    assertThat(failure(runs.awaitRun(RunId.of("ghost")))).isInstanceOf(RunNotFoundException.class);
    assertThat(hub(crew).awaitedRuns()).isZero();
  }

  @Test
  void aListenerSeesTheCurrentSnapshotThenEveryChangeInOrderUntilItUnsubscribes() {
    RunLedger runs = crew().runs();
    RunId id = RunId.of("r1");
    runs.create(id, List.of(T1));
    List<Long> versions = new CopyOnWriteArrayList<>();
    List<RunStatus> statuses = new CopyOnWriteArrayList<>();
    RunSubscription sub =
        runs.subscribe(
            id,
            s -> {
              versions.add(s.version());
              statuses.add(s.status());
            });
    assertThat(versions).containsExactly(1L);

    runs.start(id);
    runs.complete(runs.startAttempt(id, T1), "ref");
    runs.finish(id, null);
    long last = runs.snapshot(id).orElseThrow().version();
    sub.close();
    sub.close();
    runs.retry(id, T1);

    assertThat(versions).isSorted().doesNotHaveDuplicates().endsWith(last);
    assertThat(statuses).startsWith(RunStatus.QUEUED).endsWith(RunStatus.COMPLETED);
    assertThat(versions.get(versions.size() - 1)).isLessThan(runs.snapshot(id).get().version());
  }

  @Test
  void tenThousandWaitersCompleteExactlyOnceEachAndLeaveNothingBehind() {
    CrewRecovery crew = crew();
    RunLedger runs = crew.runs();
    int nRuns = 100;
    int perRun = 100;
    List<AtomicInteger> calls = new ArrayList<>();
    List<CompletableFuture<RunSnapshot>> futures = new ArrayList<>();
    for (int r = 0; r < nRuns; r++) {
      RunId id = RunId.of("r" + r);
      runs.create(id, List.of(T1));
      for (int w = 0; w < perRun; w++) {
        AtomicInteger n = new AtomicInteger();
        CompletableFuture<RunSnapshot> f = runs.awaitRun(id);
        CompletableFuture<Void> unused = f.thenRun(n::incrementAndGet);
        calls.add(n);
        futures.add(f);
      }
    }
    assertThat(hub(crew).pendingWaiters()).isEqualTo(nRuns * perRun);
    assertThat(hub(crew).awaitedRuns()).isEqualTo(nRuns);

    for (int r = 0; r < nRuns; r++) {
      runs.finish(RunId.of("r" + r), RunStatus.CANCELLED);
    }
    // More changes and re-reads after the end must not complete anything twice.
    hub(crew).rescan();
    runs.retry(RunId.of("r0"), T1);
    runs.finish(RunId.of("r0"), RunStatus.CANCELLED);

    assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
    assertThat(calls).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    assertThat(hub(crew).pendingWaiters()).isZero();
    assertThat(hub(crew).awaitedRuns()).isZero();
  }

  @Test
  void cancellingTimingOutOrUnsubscribingLeavesNothingBehind() {
    CrewRecovery crew = crew();
    RunLedger runs = crew.runs();
    RunId id = RunId.of("r1");
    runs.create(id, List.of(T1, T2));
    List<CompletableFuture<RunSnapshot>> futures = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      futures.add(i % 2 == 0 ? runs.awaitRun(id) : runs.awaitTask(id, T2));
    }
    CompletableFuture<RunSnapshot> timed = runs.awaitRun(id).orTimeout(1, TimeUnit.MILLISECONDS);
    RunSubscription sub = runs.subscribe(id, s -> {});
    assertThat(hub(crew).awaitedRuns()).isEqualTo(1);

    futures.forEach(f -> f.cancel(false));
    assertThatThrownBy(timed::join).hasCauseInstanceOf(TimeoutException.class);
    assertThat(hub(crew).pendingWaiters()).isZero();
    assertThat(hub(crew).awaitedRuns()).isEqualTo(1);
    sub.close();

    assertThat(hub(crew).awaitedRuns()).isZero();
    runs.finish(id, RunStatus.CANCELLED);
    assertThat(futures).allSatisfy(f -> assertThat(f).isCancelled());
  }

  @Test
  void closingTheFacadeCancelsPendingWaiters() {
    CrewRecovery crew = crew();
    RunId id = RunId.of("r1");
    crew.runs().create(id, List.of(T1));
    CompletableFuture<RunSnapshot> f = crew.runs().awaitRun(id);

    crew.close();

    assertThatThrownBy(f::join).isInstanceOf(CancellationException.class);
    assertThatThrownBy(() -> crew.runs().awaitRun(id)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aRunQuarantinedBehindTheWaitersBackFailsThemWithCorruptState() throws Exception {
    RecoveryConfig config =
        RecoveryConfig.builder().awaitRescanInterval(Duration.ofMillis(100)).build();
    RunLedger runs = crew(config).runs();
    RunId id = RunId.of("r1");
    runs.create(id, List.of(T1));
    CompletableFuture<RunSnapshot> f = runs.awaitRun(id);
    CompletableFuture<CrewRecoveryException> unavailable = new CompletableFuture<>();
    RunSubscription unused =
        runs.subscribe(
            id,
            new RunChangeListener() {
              @Override
              public void onChange(RunSnapshot snapshot) {}

              @Override
              public void onUnavailable(RunId runId, CrewRecoveryException why) {
                assertThat(runId).isEqualTo(id);
                unavailable.complete(why);
              }
            });

    Files.writeString(root.resolve("runs").resolve("r1").resolve("run.json"), "{ torn");

    assertThat(failure(f)).isInstanceOf(CorruptStateException.class);
    assertThat(unavailable.get(60, TimeUnit.SECONDS)).isInstanceOf(CorruptStateException.class);
  }

  @Test
  void aRunDeletedBehindTheWaitersBackFailsThemWithRunNotFound() throws Exception {
    RecoveryConfig config =
        RecoveryConfig.builder().awaitRescanInterval(Duration.ofMillis(100)).build();
    RunLedger runs = crew(config).runs();
    RunId id = RunId.of("r1");
    runs.create(id, List.of(T1));
    CompletableFuture<RunSnapshot> f = runs.awaitTask(id, T1);

    deleteTree(root.resolve("runs").resolve("r1"));
    Files.deleteIfExists(root.resolve("active").resolve("r1"));

    assertThat(failure(f)).isInstanceOf(RunNotFoundException.class);
  }

  @Test
  void aRunCompletedByAnotherProcessIsSeenByTheNextRescanWithTheWatchDisabled() throws Exception {
    RecoveryConfig config =
        RecoveryConfig.builder()
            .awaitFileWatch(false)
            .awaitRescanInterval(Duration.ofMillis(200))
            .build();
    CrewRecovery crew = crew(config);
    RunLedger runs = crew.runs();
    RunId id = RunId.of("r1");
    runs.create(id, List.of(T1, T2));
    CompletableFuture<RunSnapshot> f = runs.awaitRun(id);
    AtomicLong rescanAtCompletion = new AtomicLong(-1);
    AtomicReference<String> completedOn = new AtomicReference<>();
    CompletableFuture<Void> unused =
        f.thenRun(
            () -> {
              rescanAtCompletion.set(hub(crew).rescans());
              completedOn.set(Thread.currentThread().getName());
            });

    Process p = child(AwaitChild.class.getName(), root.toString(), id.value());
    String line = readLine(p);
    long rescansWhenCommitted = hub(crew).rescans();
    assertThat(line).startsWith("DONE ");

    RunSnapshot seen = f.get(60, TimeUnit.SECONDS);
    assertThat(seen.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(seen.version()).isEqualTo(Long.parseLong(line.substring(5)));
    // Seen by the first re-read that started after the commit, or the one running during it.
    assertThat(rescanAtCompletion.get()).isLessThanOrEqualTo(rescansWhenCommitted + 1);
    assertThat(completedOn.get()).startsWith("crew-recovery-await-");
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aRunCompletedByAnotherProcessIsSeenThroughTheDirectoryWatch() throws Exception {
    // A re-read period far beyond the test's wait: only the watch can complete the future.
    RecoveryConfig config =
        RecoveryConfig.builder().awaitRescanInterval(Duration.ofHours(1)).build();
    CrewRecovery crew = crew(config);
    RunLedger runs = crew.runs();
    RunId id = RunId.of("r1");
    runs.create(id, List.of(T1));
    CompletableFuture<RunSnapshot> f = runs.awaitRun(id);

    Process p = child(AwaitChild.class.getName(), root.toString(), id.value());
    assertThat(readLine(p)).startsWith("DONE ");

    assertThat(f.get(60, TimeUnit.SECONDS).status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(hub(crew).rescans()).isZero();
  }

  @Test
  void withAStoreThatHasNoChangeFeedTheReReadCompletesTheWaiters() throws Exception {
    FileRunStore file = FileRunStore.open(root);
    closing.add(file);
    // Not a FileRunStore to the hub (no watch, no file stamps) and no feed: re-reads alone.
    RunStore bare =
        (RunStore)
            Proxy.newProxyInstance(
                RunStore.class.getClassLoader(),
                new Class<?>[] {RunStore.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("changes")) {
                    return Optional.empty();
                  }
                  try {
                    return method.invoke(file, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    CrewRecovery crew =
        CrewRecovery.builder()
            .store(bare)
            .sessionId(SessionId.of("await-test"))
            .config(RecoveryConfig.builder().awaitRescanInterval(Duration.ofMillis(100)).build())
            .build();
    closing.add(crew);
    crew.start();
    RunId id = RunId.of("r1");
    crew.runs().create(id, List.of(T1));
    CompletableFuture<RunSnapshot> f = crew.runs().awaitRun(id);

    crew.runs().finish(id, RunStatus.CANCELLED);

    assertThat(f.get(60, TimeUnit.SECONDS).status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(hub(crew).rescans()).isPositive();
  }

  // ------------------------------------------------------------------------------ helpers

  private Process child(String... args) throws IOException {
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
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            })
        .get(120, TimeUnit.SECONDS);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
