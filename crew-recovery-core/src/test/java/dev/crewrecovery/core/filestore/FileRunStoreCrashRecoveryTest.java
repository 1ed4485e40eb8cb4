package dev.crewrecovery.core.filestore;

import static dev.crewrecovery.core.filestore.Runs.T0;
import static dev.crewrecovery.core.filestore.Runs.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.spi.ActiveRun;
import dev.crewrecovery.api.spi.DeadletterFilter;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.core.FileRunStore;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRunStoreCrashRecoveryTest {
  private static final RunId ID = RunId.of("r1");

  @TempDir Path root;

  private Path events() {
    return root.resolve("runs/r1/events.jsonl");
  }

  private Path deadletters() {
    return root.resolve("deadletter/entries.jsonl");
  }

  private static void truncate(Path file, long size) throws Exception {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(size);
    }
  }

  private static long size(Path file) throws Exception {
    return Files.exists(file) ? Files.size(file) : 0;
  }

  private void writeOutboxMarker(long version) throws Exception {
    Files.writeString(
        root.resolve("outbox/r1"), "{\"schemaVersion\":1,\"version\":" + version + "}\n");
  }

  private static void assertEveryLineParses(Path file) throws Exception {
    ObjectMapper m = new ObjectMapper();
    String content = Files.readString(file);
    assertThat(content).endsWith("\n");
    for (String line : content.split("\n")) {
      assertThat(m.readTree(line).get("seq").asLong()).isPositive();
    }
  }

  private final DeadletterEntry entry =
      DeadletterEntry.forRun(ID, 1, DeadletterReason.CRASH_LOOP, "loop", T0);

  /**
   * Commits an update with two events and a deadletter entry, then rewinds the logs to what a crash
   * right after the snapshot's commit would leave: the snapshot (with its outbox) and the outbox
   * marker, but nothing appended.
   */
  private void commitThenCrashBeforeAppend() throws Exception {
    long eventsBefore;
    long deadBefore;
    try (FileRunStore store = Runs.open(root)) {
      store.create(Runs.queued("r1", "a"), List.of(event("run.created")));
      eventsBefore = size(events());
      deadBefore = size(deadletters());
      store.update(
          ID,
          (s, hb) ->
              Update.commit(
                  Runs.running(s, "a", 1),
                  List.of(event("task.started"), event("task.noted")),
                  List.of(entry)));
    }
    truncate(events(), eventsBefore);
    truncate(deadletters(), deadBefore);
    writeOutboxMarker(2);
  }

  @Test
  void openCompletesAPendingOutboxExactlyOnce() throws Exception {
    commitThenCrashBeforeAppend();
    try (FileRunStore store = Runs.open(root)) {
      assertThat(root.resolve("outbox/r1")).doesNotExist();
      assertThat(store.events(ID, 0, 100))
          .extracting(RunEvent::seq, RunEvent::type)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(1L, "run.created"),
              org.assertj.core.groups.Tuple.tuple(2L, "task.started"),
              org.assertj.core.groups.Tuple.tuple(3L, "task.noted"));
      assertThat(store.deadletters(DeadletterFilter.all())).hasSize(1);
    }
    // a second crash-and-reopen with the marker back changes nothing
    writeOutboxMarker(2);
    try (FileRunStore store = Runs.open(root)) {
      assertThat(store.events(ID, 0, 100)).hasSize(3);
      assertThat(store.deadletters(DeadletterFilter.all())).hasSize(1);
      assertThat(store.update(ID, (s, hb) -> Update.commit(s, List.of(event("next")))).events())
          .extracting(RunEvent::seq)
          .containsExactly(4L);
    }
    assertEveryLineParses(events());
  }

  @Test
  void loadCompletesAnOutboxThatOpenCouldNotSee() throws Exception {
    try (FileRunStore store = Runs.open(root)) {
      commitThenCrashBeforeAppendWith(store);
      // The marker was written while this store was open: open() could not see it; load does.
      assertThat(store.load(ID)).isPresent();
      assertThat(store.events(ID, 0, 100)).hasSize(3);
      assertThat(store.deadletters(DeadletterFilter.all())).hasSize(1);
    }
  }

  private void commitThenCrashBeforeAppendWith(FileRunStore store) throws Exception {
    store.create(Runs.queued("r1", "a"), List.of(event("run.created")));
    long eventsBefore = size(events());
    store.update(
        ID,
        (s, hb) ->
            Update.commit(
                Runs.running(s, "a", 1),
                List.of(event("task.started"), event("task.noted")),
                List.of(entry)));
    truncate(events(), eventsBefore);
    truncate(deadletters(), 0);
    writeOutboxMarker(2);
  }

  @Test
  void partiallyAppendedOutboxWithATornLineIsCompleted() throws Exception {
    commitThenCrashBeforeAppend();
    // The crash happened in the middle of the append: one event complete, half of the next.
    String second = "{\"schemaVersion\":1,\"seq\":3,\"type\":\"task.no";
    Files.writeString(
        events(),
        "{\"schemaVersion\":1,\"seq\":2,\"type\":\"task.started\",\"at\":\"2030-01-01T00:00:00Z\",\"data\":{\"k\":\"v\"}}\n"
            + second,
        StandardOpenOption.APPEND);
    try (FileRunStore store = Runs.open(root)) {
      assertThat(store.events(ID, 0, 100)).extracting(RunEvent::seq).containsExactly(1L, 2L, 3L);
      try (Stream<Path> q = Files.list(root.resolve("quarantine"))) {
        List<Path> torn = q.toList();
        assertThat(torn)
            .singleElement()
            .satisfies(
                p -> {
                  assertThat(p.getFileName().toString()).startsWith("r1.events.jsonl.torn.");
                  assertThat(Files.readString(p)).isEqualTo(second);
                });
      }
    }
    assertEveryLineParses(events());
  }

  @Test
  void markerOfACommitThatNeverHappenedReplaysNothing() throws Exception {
    try (FileRunStore store = Runs.open(root)) {
      store.create(Runs.queued("r1", "a"), List.of());
      store.update(ID, (s, hb) -> Update.commit(s, List.of(event("x")), List.of(entry)));
      // The entry is closed and old: pruned.
      assertThat(
              store
                  .pruneDeadletters(
                      T0.plus(Duration.ofDays(60)), Duration.ofDays(30), 10, Set.of(entry.id()))
                  .removed())
          .isEqualTo(1);
    }
    // Crash after writing the marker of version 3, before run.json (version 2) was replaced.
    writeOutboxMarker(3);
    try (FileRunStore store = Runs.open(root)) {
      assertThat(root.resolve("outbox/r1")).doesNotExist();
      assertThat(store.deadletters(DeadletterFilter.all())).isEmpty();
      assertThat(store.events(ID, 0, 100)).hasSize(1);
      assertThat(store.load(ID).orElseThrow().version()).isEqualTo(2);
    }
  }

  @Test
  void tornLastEventLineIsQuarantinedAndTheNextAppendStartsOnALine() throws Exception {
    try (FileRunStore store = Runs.open(root)) {
      store.create(Runs.queued("r1", "a"), List.of(event("run.created")));
    }
    Files.writeString(events(), "{\"schemaVersion\":1,\"se", StandardOpenOption.APPEND);
    try (FileRunStore store = Runs.open(root)) {
      // open settles active runs: the torn tail is gone already
      assertThat(Files.readString(events())).endsWith("\n");
      List<RunEvent> appended = store.appendEvents(ID, List.of(event("after.tear")));
      assertThat(appended).extracting(RunEvent::seq).containsExactly(2L);
      assertThat(store.events(ID, 0, 10))
          .extracting(RunEvent::type)
          .containsExactly("run.created", "after.tear");
      assertThat(store.stats().malformedEventLines()).isZero();
      assertThat(store.stats().quarantinedFiles()).isEqualTo(1);
    }
    assertEveryLineParses(events());
  }

  @Test
  void tornLineOfARunNotSettledAtOpenIsRepairedBeforeTheNextAppend() throws Exception {
    try (FileRunStore store = Runs.open(root)) {
      store.create(Runs.queued("r1", "a"), List.of(event("run.created")));
      store.update(
          ID, (s, hb) -> Update.commit(Runs.withStatus(s, RunStatus.CANCELLED), List.of()));
    }
    Files.writeString(events(), "garbage-without-newline", StandardOpenOption.APPEND);
    try (FileRunStore store = Runs.open(root)) {
      // not active: open leaves it alone
      assertThat(Files.readString(events())).endsWith("garbage-without-newline");
      // readers never see the torn tail
      assertThat(store.events(ID, 0, 10)).hasSize(1);
      store.appendEvents(ID, List.of(event("late.note")));
      assertThat(store.events(ID, 0, 10)).extracting(RunEvent::seq).containsExactly(1L, 2L);
    }
    assertEveryLineParses(events());
  }

  @Test
  void malformedLinesAreSkippedAndCountedOnce() throws Exception {
    try (FileRunStore store = Runs.open(root)) {
      store.create(Runs.queued("r1", "a"), List.of(event("one")));
      Files.writeString(
          events(),
          "not json at all\n{\"schemaVersion\":1,\"seq\":\"x\"}\n",
          StandardOpenOption.APPEND);
      store.appendEvents(ID, List.of(event("two")));
      assertThat(store.events(ID, 0, 10)).extracting(RunEvent::type).containsExactly("one", "two");
      assertThat(store.events(ID, 0, 10)).hasSize(2);
      assertThat(store.stats().malformedEventLines()).isEqualTo(2);
      assertThat(store.events(ID, 0, 10)).extracting(RunEvent::seq).containsExactly(1L, 2L);
    }
  }

  @Test
  void openRemovesTempFilesOfActiveRunsOnlyOthersOnFirstTouch() throws Exception {
    try (FileRunStore store = Runs.open(root)) {
      store.create(Runs.queued("r1", "a"), List.of());
      store.create(Runs.queued("r2", "a"), List.of());
      store.update(
          RunId.of("r2"),
          (s, hb) -> Update.commit(Runs.withStatus(s, RunStatus.COMPLETED), List.of()));
    }
    Path t1 = Files.writeString(root.resolve("runs/r1/.tmp-run.json.0123456789abcdef"), "{half");
    Path t2 = Files.writeString(root.resolve("runs/r2/.tmp-run.json.0123456789abcdef"), "{half");
    Path t3 = Files.writeString(root.resolve("sessions/.tmp-s1.json.0123456789abcdef"), "{");
    try (FileRunStore store = Runs.open(root)) {
      assertThat(t1).doesNotExist();
      assertThat(t3).doesNotExist();
      assertThat(t2).exists(); // a finished run: not visited by open
      store.load(RunId.of("r2"));
      assertThat(t2).doesNotExist();
    }
  }

  @Test
  void markerWhoseSnapshotIsMissingIsReportedNotDropped() throws Exception {
    try (FileRunStore store = Runs.open(root)) {
      store.create(Runs.queued("r1", "a"), List.of(event("run.created")));
    }
    Files.delete(root.resolve("runs/r1/run.json"));
    try (FileRunStore store = Runs.open(root)) {
      assertThat(store.activeRuns())
          .containsExactly(new ActiveRun(ID, ActiveRun.State.ORPHANED_MARKER));
      assertThat(root.resolve("active/r1")).exists();
    }
  }

  @Test
  void markerOfACreateThatNeverCommittedIsRemoved() throws Exception {
    try (FileRunStore store = Runs.open(root)) {
      store.create(Runs.queued("r0", "a"), List.of());
    }
    // A create crashed after its marker, before run.json: directory, lock, empty slots only.
    Files.createDirectories(root.resolve("runs/r1"));
    Files.createFile(root.resolve("runs/r1/.lock"));
    Files.createFile(root.resolve("runs/r1/heartbeats.bin"));
    Files.createFile(root.resolve("active/r1"));
    Files.createFile(root.resolve("active/r9")); // not even a directory
    try (FileRunStore store = Runs.open(root)) {
      assertThat(root.resolve("active/r1")).doesNotExist();
      assertThat(root.resolve("active/r9")).doesNotExist();
      assertThat(store.activeRuns()).extracting(ActiveRun::runId).containsExactly(RunId.of("r0"));
      store.create(Runs.queued("r1", "b"), List.of());
      assertThat(store.load(ID)).isPresent();
    }
  }

  @Test
  void markerOfATerminalRunIsRemovedAtOpen() throws Exception {
    try (FileRunStore store = Runs.open(root)) {
      store.create(Runs.queued("r1", "a"), List.of());
      store.update(ID, (s, hb) -> Update.commit(Runs.withStatus(s, RunStatus.FAILED), List.of()));
    }
    // Crash after the terminal commit, before the marker was removed.
    Files.createFile(root.resolve("active/r1"));
    try (FileRunStore store = Runs.open(root)) {
      assertThat(root.resolve("active/r1")).doesNotExist();
      assertThat(store.activeRuns()).isEmpty();
    }
  }

  @Test
  void staleMarkerOfATerminalRunIsRemovedByTheNextLoad() throws Exception {
    try (FileRunStore store = Runs.open(root)) {
      store.create(Runs.queued("r1", "a"), List.of());
      store.update(ID, (s, hb) -> Update.commit(Runs.withStatus(s, RunStatus.FAILED), List.of()));
      store.load(ID);
      // another process crashed after committing a terminal state, before removing the marker
      Files.createFile(root.resolve("active/r1"));
      assertThat(store.activeRuns()).extracting(ActiveRun::runId).containsExactly(ID);
      assertThat(store.load(ID).orElseThrow().status()).isEqualTo(RunStatus.FAILED);
      assertThat(store.activeRuns()).isEmpty();
    }
  }

  @Test
  void missingMarkerOfANonTerminalRunIsRestoredOnFirstTouch() throws Exception {
    try (FileRunStore store = Runs.open(root)) {
      store.create(Runs.queued("r1", "a"), List.of());
    }
    Files.delete(root.resolve("active/r1"));
    try (FileRunStore store = Runs.open(root)) {
      assertThat(store.activeRuns()).isEmpty();
      store.load(ID);
      assertThat(store.activeRuns()).containsExactly(new ActiveRun(ID, ActiveRun.State.ACTIVE));
    }
  }

  @Test
  void openCostGrowsWithActiveRunsNotHistory() throws Exception {
    FileRunStore.Options fast = Runs.options().fsync(false).build();
    try (FileRunStore store = FileRunStore.open(root, fast)) {
      for (int i = 0; i < 200; i++) {
        RunId id = RunId.of("done-" + i);
        store.create(Runs.queued(id.value(), "a"), List.of());
        store.update(
            id, (s, hb) -> Update.commit(Runs.withStatus(s, RunStatus.COMPLETED), List.of()));
      }
      store.create(Runs.queued("live", "a"), List.of());
    }
    // Poison every finished run: if open() or activeRuns() read them, they would be quarantined.
    for (int i = 0; i < 200; i++) {
      Files.writeString(root.resolve("runs/done-" + i + "/run.json"), "garbage");
    }
    try (FileRunStore store = FileRunStore.open(root, fast)) {
      assertThat(store.activeRuns())
          .containsExactly(new ActiveRun(RunId.of("live"), ActiveRun.State.ACTIVE));
      assertThat(store.stats().quarantinedFiles()).isZero();
    }
    assertThat(Files.readString(root.resolve("runs/done-7/run.json"), StandardCharsets.UTF_8))
        .isEqualTo("garbage");
  }
}
