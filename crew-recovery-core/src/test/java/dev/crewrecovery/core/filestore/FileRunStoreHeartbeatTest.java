package dev.crewrecovery.core.filestore;

import static dev.crewrecovery.core.filestore.Runs.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.HeartbeatReading;
import dev.crewrecovery.api.HeartbeatSlot;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.spi.HeartbeatOutcome;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.core.FileRunStore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRunStoreHeartbeatTest {
  private static final RunId ID = RunId.of("r1");
  private static final TaskId A = TaskId.of("a");
  private static final TaskId B = TaskId.of("b");

  @TempDir Path root;
  private FileRunStore store;

  @BeforeEach
  void setUp() {
    store = Runs.open(root);
    store.create(Runs.queued("r1", "a", "b"), List.of());
    store.update(
        ID, (s, hb) -> Update.commit(Runs.running(Runs.running(s, "a", 1), "b", 1), List.of()));
  }

  @org.junit.jupiter.api.AfterEach
  void tearDown() {
    store.close();
  }

  private static AttemptId attempt(TaskId task, int n) {
    return AttemptId.of(ID, task, n);
  }

  private HeartbeatSlot slot(TaskId task) {
    HeartbeatReading r = store.heartbeats(ID).get(task);
    assertThat(r.state()).isEqualTo(HeartbeatReading.State.OK);
    return r.slot();
  }

  @Test
  void beatsActivityAndEndAreWrittenToTheTasksSlot() {
    assertThat(store.heartbeats(ID))
        .containsEntry(A, HeartbeatReading.missing(A))
        .containsEntry(B, HeartbeatReading.missing(B));
    Instant t1 = T0.plusNanos(123_456_789);
    assertThat(store.recordHeartbeat(attempt(A, 1), t1)).isEqualTo(HeartbeatOutcome.RECORDED);
    assertThat(slot(A)).isEqualTo(new HeartbeatSlot(attempt(A, 1), 1, t1, 0, null, true));
    assertThat(store.recordHeartbeat(attempt(A, 1), t1.plusSeconds(1)))
        .isEqualTo(HeartbeatOutcome.RECORDED);
    assertThat(store.recordActivity(attempt(A, 1), t1.plusSeconds(2)))
        .isEqualTo(HeartbeatOutcome.RECORDED);
    assertThat(slot(A))
        .isEqualTo(
            new HeartbeatSlot(attempt(A, 1), 2, t1.plusSeconds(1), 1, t1.plusSeconds(2), true));
    assertThat(store.recordWorkerEnded(attempt(A, 1), t1.plusSeconds(3)))
        .isEqualTo(HeartbeatOutcome.RECORDED);
    assertThat(slot(A).alive()).isFalse();
    assertThat(slot(A).beatCounter()).isEqualTo(2);
    // b's slot is untouched
    assertThat(store.heartbeats(ID).get(B).state()).isEqualTo(HeartbeatReading.State.MISSING);
    assertThat(store.stats().droppedHeartbeats()).isZero();
  }

  @Test
  void activityBeforeAnyBeatStartsTheSlot() {
    store.recordActivity(attempt(B, 1), T0);
    assertThat(slot(B)).isEqualTo(new HeartbeatSlot(attempt(B, 1), 0, T0, 1, T0, true));
  }

  @Test
  void beatsOfUnknownNonCurrentOrTerminalAreDroppedAndCounted() {
    assertThat(store.recordHeartbeat(AttemptId.of(RunId.of("nope"), A, 1), T0))
        .isEqualTo(HeartbeatOutcome.DROPPED_UNKNOWN);
    assertThat(store.recordHeartbeat(attempt(TaskId.of("zz"), 1), T0))
        .isEqualTo(HeartbeatOutcome.DROPPED_UNKNOWN);
    assertThat(store.recordHeartbeat(attempt(A, 2), T0))
        .isEqualTo(HeartbeatOutcome.DROPPED_NOT_CURRENT);
    store.update(
        ID, (s, hb) -> Update.commit(Runs.withTaskStatus(s, "b", TaskStatus.COMPLETED), List.of()));
    assertThat(store.recordHeartbeat(attempt(B, 1), T0))
        .isEqualTo(HeartbeatOutcome.DROPPED_TERMINAL);
    assertThat(store.recordActivity(attempt(B, 1), T0))
        .isEqualTo(HeartbeatOutcome.DROPPED_TERMINAL);
    assertThat(store.recordHeartbeat(attempt(A, 1), T0)).isEqualTo(HeartbeatOutcome.RECORDED);
    store.update(ID, (s, hb) -> Update.commit(Runs.withStatus(s, RunStatus.CANCELLED), List.of()));
    assertThat(store.recordHeartbeat(attempt(A, 1), T0))
        .isEqualTo(HeartbeatOutcome.DROPPED_TERMINAL);
    assertThat(store.stats().droppedHeartbeats()).isEqualTo(6);
    assertThat(store.heartbeats(ID).get(B).state()).isEqualTo(HeartbeatReading.State.MISSING);
  }

  @Test
  void aNewCurrentAttemptStartsFromZero() {
    for (int i = 0; i < 3; i++) {
      store.recordHeartbeat(attempt(A, 1), T0.plusSeconds(i));
    }
    assertThat(slot(A).beatCounter()).isEqualTo(3);
    store.update(ID, (s, hb) -> Update.commit(Runs.running(s, "a", 2), List.of()));
    // the old slot stays until the new attempt beats; readers ignore a non-current attempt's slot
    assertThat(slot(A).attempt()).isEqualTo(attempt(A, 1));
    assertThat(store.recordHeartbeat(attempt(A, 1), T0))
        .isEqualTo(HeartbeatOutcome.DROPPED_NOT_CURRENT);
    assertThat(store.recordHeartbeat(attempt(A, 2), T0.plusSeconds(9)))
        .isEqualTo(HeartbeatOutcome.RECORDED);
    assertThat(slot(A))
        .isEqualTo(new HeartbeatSlot(attempt(A, 2), 1, T0.plusSeconds(9), 0, null, true));
  }

  @Test
  void beatsAreJudgedOnCommitsOfOtherProcesses() {
    // A second store instance has its own caches, like another process.
    try (FileRunStore other = Runs.open(root)) {
      assertThat(store.recordHeartbeat(attempt(A, 1), T0)).isEqualTo(HeartbeatOutcome.RECORDED);
      other.update(ID, (s, hb) -> Update.commit(Runs.running(s, "a", 2), List.of()));
      assertThat(store.recordHeartbeat(attempt(A, 1), T0))
          .isEqualTo(HeartbeatOutcome.DROPPED_NOT_CURRENT);
      assertThat(store.recordHeartbeat(attempt(A, 2), T0)).isEqualTo(HeartbeatOutcome.RECORDED);
      for (int i = 0; i < 20; i++) {
        // many quick commits: each must be noticed (no stale view by a reused inode or equal mtime)
        int n = 3 + i;
        other.update(ID, (s, hb) -> Update.commit(Runs.running(s, "a", n), List.of()));
        assertThat(store.recordHeartbeat(attempt(A, n - 1), T0))
            .isEqualTo(HeartbeatOutcome.DROPPED_NOT_CURRENT);
        assertThat(store.recordHeartbeat(attempt(A, n), T0)).isEqualTo(HeartbeatOutcome.RECORDED);
      }
      other.update(ID, (s, hb) -> Update.commit(Runs.withStatus(s, RunStatus.FAILED), List.of()));
      assertThat(store.recordHeartbeat(attempt(A, 22), T0))
          .isEqualTo(HeartbeatOutcome.DROPPED_TERMINAL);
    }
  }

  @Test
  void updateHandsTheFunctionTheSlotsReadInsideTheLock() {
    store.recordHeartbeat(attempt(A, 1), T0);
    store.recordActivity(attempt(A, 1), T0.plusSeconds(5));
    AtomicReference<Map<TaskId, HeartbeatReading>> seen = new AtomicReference<>();
    store.update(
        ID,
        (s, hb) -> {
          seen.set(hb);
          return Update.unchanged();
        });
    assertThat(seen.get()).containsOnlyKeys(A, B);
    assertThat(seen.get().get(A).slot().activityAt()).isEqualTo(T0.plusSeconds(5));
    assertThat(seen.get().get(B).state()).isEqualTo(HeartbeatReading.State.MISSING);
  }

  @Test
  void tornOrDamagedSlotsReadCorruptAndTheNextBeatStartsOver() throws Exception {
    store.recordHeartbeat(attempt(A, 1), T0);
    store.recordHeartbeat(attempt(A, 1), T0);
    store.recordHeartbeat(attempt(B, 1), T0);
    Path file = root.resolve("runs/r1/heartbeats.bin");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {0x7f}), 20); // inside a's beat counter
    }
    assertThat(store.heartbeats(ID).get(A).state()).isEqualTo(HeartbeatReading.State.CORRUPT);
    assertThat(store.heartbeats(ID).get(B).state()).isEqualTo(HeartbeatReading.State.OK);
    store.recordHeartbeat(attempt(A, 1), T0.plusSeconds(1));
    assertThat(slot(A).beatCounter()).isEqualTo(1);
    // a slot cut short by the end of the file is corrupt; a zeroed one was never written
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(64 + 30);
      ch.write(ByteBuffer.allocate(64), 0);
    }
    assertThat(store.heartbeats(ID).get(A).state()).isEqualTo(HeartbeatReading.State.MISSING);
    assertThat(store.heartbeats(ID).get(B).state()).isEqualTo(HeartbeatReading.State.CORRUPT);
  }

  @Test
  void appendedTaskHasAMissingSlotUntilItBeats() {
    RunSnapshot s =
        store
            .update(
                ID,
                (cur, hb) -> {
                  List<TaskState> ts = new ArrayList<>(cur.tasks());
                  ts.add(TaskState.queued(TaskId.of("c")));
                  return Update.commit(Runs.running(cur.withTasks(ts), "c", 1), List.of());
                })
            .snapshot();
    assertThat(store.heartbeats(ID))
        .containsOnlyKeys(s.tasks().stream().map(TaskState::id).toArray(TaskId[]::new));
    assertThat(store.heartbeats(ID).get(TaskId.of("c")).state())
        .isEqualTo(HeartbeatReading.State.MISSING);
    assertThat(store.recordHeartbeat(AttemptId.of(ID, TaskId.of("c"), 1), T0))
        .isEqualTo(HeartbeatOutcome.RECORDED);
    assertThat(store.heartbeats(ID).get(TaskId.of("c")).state())
        .isEqualTo(HeartbeatReading.State.OK);
  }

  /**
   * A worker in another language writes the slot from docs/heartbeat-slot.md alone; this encoder
   * follows that document, not the store's code.
   */
  @Test
  void aSlotWrittenFromTheDocumentedLayoutIsRead() throws Exception {
    ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    b.put("CRHB".getBytes(StandardCharsets.US_ASCII));
    b.putShort((short) 1); // format version
    b.putShort((short) 0b11); // alive, activity present
    b.putInt(1); // attempt number
    CRC32C taskCrc = new CRC32C();
    taskCrc.update("b".getBytes(StandardCharsets.US_ASCII));
    b.putInt((int) taskCrc.getValue());
    b.putLong(41); // beat counter
    b.putLong(1_900_000_000L); // beat seconds
    b.putInt(5); // beat nanos
    b.putInt(7); // activity nanos
    b.putLong(3); // activity counter
    b.putLong(1_900_000_001L); // activity seconds
    b.putInt(0); // reserved
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, 60);
    b.putInt((int) crc.getValue());
    b.flip();
    try (FileChannel ch =
        FileChannel.open(root.resolve("runs/r1/heartbeats.bin"), StandardOpenOption.WRITE)) {
      ch.write(b, 64); // task b has index 1
    }
    assertThat(slot(B))
        .isEqualTo(
            new HeartbeatSlot(
                attempt(B, 1),
                41,
                Instant.ofEpochSecond(1_900_000_000L, 5),
                3,
                Instant.ofEpochSecond(1_900_000_001L, 7),
                true));
    // and the store continues its counters
    store.recordHeartbeat(attempt(B, 1), T0);
    assertThat(slot(B).beatCounter()).isEqualTo(42);
    assertThat(Files.size(root.resolve("runs/r1/heartbeats.bin"))).isEqualTo(128);
  }
}
