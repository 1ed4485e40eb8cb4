package dev.crewrecovery.core.filestore;

import static dev.crewrecovery.core.filestore.Runs.T0;
import static dev.crewrecovery.core.filestore.Runs.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.InvalidConfigurationException;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunExistsException;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunNotFoundException;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskListChangedException;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.VersionConflictException;
import dev.crewrecovery.api.spi.ActiveRun;
import dev.crewrecovery.api.spi.DeadletterFilter;
import dev.crewrecovery.api.spi.RunChange;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.api.spi.UpdateResult;
import dev.crewrecovery.core.FileRunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRunStoreBasicsTest {
  @TempDir Path root;

  @Test
  void createsTheLayoutOfDesignSection12() throws Exception {
    try (FileRunStore store = Runs.open(root)) {
      store.create(Runs.queued("r1", "a"), List.of(event("run.created")));
      for (String d :
          List.of(
              "runs",
              "active",
              "outbox",
              "deadletter",
              "deliveries",
              "sessions",
              "reports",
              "quarantine")) {
        assertThat(root.resolve(d)).isDirectory();
      }
      Path run = root.resolve("runs/r1");
      assertThat(run.resolve("run.json")).isRegularFile();
      assertThat(run.resolve("heartbeats.bin")).isRegularFile();
      assertThat(run.resolve("events.jsonl")).isRegularFile();
      assertThat(run.resolve(".lock")).isRegularFile();
      assertThat(root.resolve("active/r1")).isRegularFile();
      assertThat(root.resolve("outbox/r1")).doesNotExist();
      assertThat(Files.readString(run.resolve("run.json"))).contains("\"schemaVersion\" : 1");
      assertThat(Files.readString(run.resolve("events.jsonl")))
          .startsWith("{\"schemaVersion\":1,\"seq\":1,\"type\":\"run.created\"");
    }
  }

  @Test
  void createLoadUpdateRoundTrip() {
    try (FileRunStore store = Runs.open(root)) {
      RunSnapshot created =
          store.create(Runs.queued("r1", "a", "b"), List.of(event("run.created")));
      assertThat(created.version()).isEqualTo(1);
      assertThat(store.load(RunId.of("r1"))).contains(created);

      UpdateResult r =
          store.update(
              RunId.of("r1"),
              (s, hb) -> {
                assertThat(hb).containsOnlyKeys(TaskId.of("a"), TaskId.of("b"));
                return Update.commit(Runs.running(s, "a", 1), List.of(event("task.started")));
              });
      assertThat(r.committed()).isTrue();
      assertThat(r.snapshot().version()).isEqualTo(2);
      assertThat(r.events()).extracting(RunEvent::seq).containsExactly(2L);
      // a fresh instance reads exactly what was committed
      try (FileRunStore other = Runs.open(root)) {
        assertThat(other.load(RunId.of("r1"))).contains(r.snapshot());
      }
      assertThat(store.events(RunId.of("r1"), 0, 100))
          .extracting(RunEvent::type)
          .containsExactly("run.created", "task.started");
    }
  }

  @Test
  void unchangedCommitsNothing() {
    try (FileRunStore store = Runs.open(root)) {
      store.create(Runs.queued("r1", "a"), List.of());
      UpdateResult r = store.update(RunId.of("r1"), (s, hb) -> Update.unchanged());
      assertThat(r.committed()).isFalse();
      assertThat(r.snapshot().version()).isEqualTo(1);
      assertThat(store.events(RunId.of("r1"), 0, 10)).isEmpty();
    }
  }

  @Test
  void createRefusesAnExistingRunAndVersionOtherThanOne() {
    try (FileRunStore store = Runs.open(root)) {
      store.create(Runs.queued("r1", "a"), List.of());
      assertThatThrownBy(() -> store.create(Runs.queued("r1", "a"), List.of()))
          .isInstanceOf(RunExistsException.class);
      assertThatThrownBy(() -> store.create(Runs.queued("r2").withVersion(2), List.of()))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void unknownRuns() {
    try (FileRunStore store = Runs.open(root)) {
      RunId nope = RunId.of("nope");
      assertThat(store.load(nope)).isEmpty();
      assertThat(store.events(nope, 0, 10)).isEmpty();
      assertThat(store.heartbeats(nope)).isEmpty();
      assertThatThrownBy(() -> store.update(nope, (s, hb) -> Update.unchanged()))
          .isInstanceOf(RunNotFoundException.class);
      assertThatThrownBy(() -> store.appendEvents(nope, List.of(event("x"))))
          .isInstanceOf(RunNotFoundException.class);
    }
  }

  @Test
  void refusesAnotherVersionOrADroppedOrMovedTask() {
    try (FileRunStore store = Runs.open(root)) {
      RunId id = RunId.of("r1");
      store.create(Runs.queued("r1", "a", "b"), List.of());
      assertThatThrownBy(
              () -> store.update(id, (s, hb) -> Update.commit(s.withVersion(5), List.of())))
          .isInstanceOf(VersionConflictException.class);
      assertThatThrownBy(
              () ->
                  store.update(
                      id,
                      (s, hb) -> Update.commit(s.withTasks(s.tasks().subList(0, 1)), List.of())))
          .isInstanceOf(TaskListChangedException.class);
      assertThatThrownBy(
              () ->
                  store.update(
                      id,
                      (s, hb) ->
                          Update.commit(
                              s.withTasks(List.of(s.tasks().get(1), s.tasks().get(0))), List.of())))
          .isInstanceOf(TaskListChangedException.class);
      // appending a task is allowed
      UpdateResult r =
          store.update(
              id,
              (s, hb) -> {
                List<TaskState> ts = new ArrayList<>(s.tasks());
                ts.add(TaskState.queued(TaskId.of("c")));
                return Update.commit(s.withTasks(ts), List.of());
              });
      assertThat(r.snapshot().version()).isEqualTo(2);
      assertThat(store.load(id).orElseThrow().tasks()).hasSize(3);
    }
  }

  @Test
  void aThrowingFunctionCommitsNothing() {
    try (FileRunStore store = Runs.open(root)) {
      RunId id = RunId.of("r1");
      store.create(Runs.queued("r1", "a"), List.of());
      assertThatThrownBy(
              () ->
                  store.update(
                      id,
                      (s, hb) -> {
                        throw new IllegalStateException("boom");
                      }))
          .hasMessage("boom");
      assertThat(store.load(id).orElseThrow().version()).isEqualTo(1);
      // and the lock was released
      assertThat(store.update(id, (s, hb) -> Runs.increment(s)).snapshot().version()).isEqualTo(2);
    }
  }

  @Test
  void reentrantUpdateFailsAtOnce() {
    try (FileRunStore store = Runs.open(root)) {
      store.create(Runs.queued("r1", "a"), List.of());
      store.create(Runs.queued("r2", "a"), List.of());
      assertThatThrownBy(
              () ->
                  store.update(
                      RunId.of("r1"),
                      (s, hb) -> {
                        store.update(RunId.of("r1"), (s2, hb2) -> Update.unchanged());
                        return Update.unchanged();
                      }))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(
              () ->
                  store.update(
                      RunId.of("r1"),
                      (s, hb) -> {
                        store.update(RunId.of("r2"), (s2, hb2) -> Update.unchanged());
                        return Update.unchanged();
                      }))
          .isInstanceOf(IllegalStateException.class);
      // reads are allowed inside
      UpdateResult r =
          store.update(
              RunId.of("r1"),
              (s, hb) -> {
                assertThat(store.load(RunId.of("r1"))).contains(s);
                return Update.unchanged();
              });
      assertThat(r.committed()).isFalse();
    }
  }

  @Test
  void appendEventsKeepsTheVersionAndWorksOnTerminalRuns() {
    try (FileRunStore store = Runs.open(root)) {
      RunId id = RunId.of("r1");
      store.create(Runs.queued("r1", "a"), List.of(event("run.created")));
      store.update(
          id,
          (s, hb) ->
              Update.commit(
                  Runs.withStatus(s, RunStatus.CANCELLED), List.of(event("run.cancelled"))));
      List<RunEvent> appended =
          store.appendEvents(id, List.of(event("note.one"), event("note.two")));
      assertThat(appended).extracting(RunEvent::seq).containsExactly(3L, 4L);
      assertThat(store.load(id).orElseThrow().version()).isEqualTo(2);
      UpdateResult r = store.update(id, (s, hb) -> Update.commit(s, List.of(event("after"))));
      assertThat(r.events()).extracting(RunEvent::seq).containsExactly(5L);
      assertThat(store.events(id, 2, 2)).extracting(RunEvent::seq).containsExactly(3L, 4L);
      assertThat(store.events(id, 0, 100))
          .extracting(RunEvent::seq)
          .containsExactly(1L, 2L, 3L, 4L, 5L);
      assertThatThrownBy(() -> store.events(id, 0, 0)).isInstanceOf(IllegalArgumentException.class);
      assertThat(store.events(id, 0, 1)).extracting(RunEvent::seq).containsExactly(1L);
      assertThat(store.events(id, 4, 100)).extracting(RunEvent::seq).containsExactly(5L);
      assertThat(store.events(id, 5, 100)).isEmpty();
    }
  }

  @Test
  void activeRunsListsMarkersOfNonTerminalRunsOnly() throws Exception {
    try (FileRunStore store = Runs.open(root)) {
      for (int i = 0; i < 5; i++) {
        store.create(Runs.queued("r" + i, "a"), List.of());
      }
      for (int i = 0; i < 3; i++) {
        store.update(
            RunId.of("r" + i),
            (s, hb) -> Update.commit(Runs.withStatus(s, RunStatus.CANCELLED), List.of()));
      }
      assertThat(store.activeRuns())
          .containsExactly(
              new ActiveRun(RunId.of("r3"), ActiveRun.State.ACTIVE),
              new ActiveRun(RunId.of("r4"), ActiveRun.State.ACTIVE));
      assertThat(store.allRuns()).hasSize(5);
      // activeRuns reads only active/: finished runs are not even looked at
      assertThat(root.resolve("active")).isDirectoryContaining(p -> p.endsWith("r3"));
      try (var files = Files.list(root.resolve("active"))) {
        assertThat(files.count()).isEqualTo(2);
      }
      // a resumed terminal run becomes active again
      store.update(
          RunId.of("r0"),
          (s, hb) -> Update.commit(Runs.withStatus(s, RunStatus.RUNNING), List.of()));
      assertThat(store.activeRuns()).extracting(ActiveRun::runId).contains(RunId.of("r0"));
    }
  }

  @Test
  void deadlettersOfAnUpdateAreAppendedWithIt() {
    try (FileRunStore store = Runs.open(root)) {
      RunId id = RunId.of("r1");
      store.create(Runs.queued("r1", "a"), List.of());
      DeadletterEntry e = DeadletterEntry.forRun(id, 1, DeadletterReason.CRASH_LOOP, "loop", T0);
      store.update(id, (s, hb) -> Update.commit(s, List.of(event("x")), List.of(e)));
      assertThat(store.deadletters(DeadletterFilter.ofRun(id)))
          .singleElement()
          .satisfies(d -> assertThat(d.entry()).isEqualTo(e));
      assertThat(store.appendDeadletter(e)).isFalse();
    }
  }

  @Test
  void changeFeedPublishesCommitsOfThisInstance() throws Exception {
    try (FileRunStore store = Runs.open(root)) {
      List<RunChange> seen = new CopyOnWriteArrayList<>();
      AutoCloseable sub = store.changes().orElseThrow().subscribe(seen::add);
      store.create(Runs.queued("r1", "a"), List.of());
      store.update(RunId.of("r1"), (s, hb) -> Runs.increment(s));
      store.update(RunId.of("r1"), (s, hb) -> Update.unchanged());
      sub.close();
      store.update(RunId.of("r1"), (s, hb) -> Runs.increment(s));
      assertThat(seen)
          .containsExactly(
              new RunChange(RunId.of("r1"), 1, RunStatus.QUEUED),
              new RunChange(RunId.of("r1"), 2, RunStatus.QUEUED));
    }
  }

  @Test
  void concurrentUpdatesInOneJvmAreSerialized() throws Exception {
    try (FileRunStore store =
        FileRunStore.open(
            root,
            Runs.options().clock(TestClock.frozen()).lockTimeout(Duration.ofSeconds(1)).build())) {
      // A frozen clock never reaches the bound: the threads wait for each other however slow.
      RunId id = RunId.of("r1");
      store.create(Runs.queued("r1", "a"), List.of());
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          fs.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < 25; i++) {
                      store.update(id, (s, hb) -> Runs.increment(s));
                    }
                  }));
        }
        for (Future<?> f : fs) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      RunSnapshot s = store.load(id).orElseThrow();
      assertThat(Runs.counter(s)).isEqualTo(100);
      assertThat(s.version()).isEqualTo(101);
      assertThat(store.events(id, 0, 1000)).extracting(RunEvent::seq).hasSize(100).isSorted();
    }
  }

  @Test
  void closedStoreRefusesCalls() {
    FileRunStore store = Runs.open(root);
    store.close();
    store.close();
    assertThatThrownBy(() -> store.load(RunId.of("r1"))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void optionsAreValidatedNamingTheField() {
    assertThatThrownBy(() -> FileRunStore.Options.builder().lockTimeout(Duration.ZERO).build())
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e -> assertThat(e.field()).isEqualTo("lockTimeout"));
    assertThatThrownBy(() -> FileRunStore.Options.builder().maxFileBytes(10).build())
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e -> assertThat(e.field()).isEqualTo("maxFileBytes"));
    assertThatThrownBy(
            () -> FileRunStore.Options.builder().deliveredRetention(Duration.ofSeconds(-1)).build())
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            e -> assertThat(e.field()).isEqualTo("deliveredRetention"));
    FileRunStore.Options d = FileRunStore.Options.defaults();
    assertThat(d.lockTimeout()).isEqualTo(FileRunStore.Options.DEFAULT_LOCK_TIMEOUT);
    assertThat(d.maxFileBytes()).isEqualTo(16L * 1024 * 1024);
    assertThat(d.fsync()).isTrue();
    assertThat(d.allowNetworkFileSystem()).isFalse();
    assertThat(d.persistDeliveries()).isTrue();
    assertThat(d.toBuilder().fsync(false).build().fsync()).isFalse();
  }

  @Test
  void eventDataRoundTripsInOrder() {
    try (FileRunStore store = Runs.open(root)) {
      RunId id = RunId.of("r1");
      Map<String, String> data = new java.util.LinkedHashMap<>();
      data.put("z", "line\nbreak \"quoted\" \u00e9\u4e2d");
      data.put("a", "");
      store.create(
          Runs.queued("r1", "a"),
          List.of(dev.crewrecovery.api.NewEvent.of("run.created", T0, data)));
      RunEvent e = store.events(id, 0, 1).get(0);
      assertThat(e.data()).containsExactlyEntriesOf(data);
      assertThat(new ArrayList<>(e.data().keySet())).containsExactly("z", "a");
    }
  }
}
