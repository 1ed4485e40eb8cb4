package dev.crewrecovery.core.internal.store;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.HeartbeatReading;
import dev.crewrecovery.api.HeartbeatSlot;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.jspecify.annotations.Nullable;

/**
 * The format of {@code heartbeats.bin}: one 64-byte slot per task, at offset {@code 64 × index}
 * where index is the task's position in the run's task list. All integers little-endian. The format
 * is documented in {@code docs/heartbeat-slot.md} so that workers in other languages can beat; keep
 * the two in step.
 *
 * <pre>
 * off len field
 *   0   4 magic, the ASCII bytes "CRHB"
 *   4   2 format version, 1
 *   6   2 flags: bit 0 alive, bit 1 activity present; other bits 0
 *   8   4 attempt number (int32, at least 1)
 *  12   4 task id check: CRC32C of the task id's ASCII bytes (uint32)
 *  16   8 beat counter (int64, at least 0)
 *  24   8 beat instant, seconds since the epoch (int64)
 *  32   4 beat instant, nanosecond of second (int32, 0..999999999)
 *  36   4 activity instant, nanosecond of second (int32; 0 without activity)
 *  40   8 activity counter (int64, at least 0)
 *  48   8 activity instant, seconds since the epoch (int64; 0 without activity)
 *  56   4 reserved, 0
 *  60   4 CRC32C of bytes 0..59 (uint32)
 * </pre>
 *
 * A slot of 64 zero bytes, or beyond the end of the file, was never written (MISSING); anything
 * else that does not verify is CORRUPT.
 */
final class HeartbeatSlots {
  static final int SLOT_BYTES = 64;
  static final int FORMAT_VERSION = 1;
  private static final byte[] MAGIC = {'C', 'R', 'H', 'B'};
  private static final int FLAG_ALIVE = 1;
  private static final int FLAG_ACTIVITY = 2;

  private HeartbeatSlots() {}

  /** CRC32C of the task id, stored in each slot so a slot is never read for the wrong task. */
  static int taskCheck(TaskId task) {
    CRC32C crc = new CRC32C();
    crc.update(task.value().getBytes(StandardCharsets.US_ASCII));
    return (int) crc.getValue();
  }

  // An instant is stored as epoch seconds plus the nano adjustment, which getNano() is.
  @SuppressWarnings("JavaInstantGetSecondsGetNano")
  static ByteBuffer encode(HeartbeatSlot slot, int taskCheck) {
    ByteBuffer b = ByteBuffer.allocate(SLOT_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC);
    b.putShort((short) FORMAT_VERSION);
    int flags = (slot.alive() ? FLAG_ALIVE : 0) | (slot.activityAt() != null ? FLAG_ACTIVITY : 0);
    b.putShort((short) flags);
    b.putInt(slot.attempt().number());
    b.putInt(taskCheck);
    b.putLong(slot.beatCounter());
    b.putLong(slot.beatAt().getEpochSecond());
    b.putInt(slot.beatAt().getNano());
    Instant act = slot.activityAt();
    b.putInt(act == null ? 0 : act.getNano());
    b.putLong(slot.activityCounter());
    b.putLong(act == null ? 0 : act.getEpochSecond());
    b.putInt(0);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, 60);
    b.putInt((int) crc.getValue());
    b.flip();
    return b;
  }

  /**
   * Decodes one slot.
   *
   * @param b the buffer holding the slot
   * @param base the index of the slot's first byte in {@code b}
   * @param task the task the slot belongs to
   * @param taskCheck the task id check the slot must carry
   * @param ids gives the attempt id of a number (run and task are not stored in the slot)
   * @return the reading: OK, MISSING (all zero) or CORRUPT
   */
  static HeartbeatReading decode(
      ByteBuffer b, int base, TaskId task, int taskCheck, AttemptIds ids) {
    boolean zero = true;
    for (int i = 0; i < SLOT_BYTES; i++) {
      if (b.get(base + i) != 0) {
        zero = false;
        break;
      }
    }
    if (zero) {
      return HeartbeatReading.missing(task);
    }
    HeartbeatSlot slot = verify(b, base, taskCheck, ids);
    return slot == null ? HeartbeatReading.corrupt(task) : HeartbeatReading.ok(task, slot);
  }

  /** Supplies the attempt id of a number for the task being decoded. */
  interface AttemptIds {
    AttemptId of(int number);
  }

  private static @Nullable HeartbeatSlot verify(
      ByteBuffer b, int base, int taskCheck, AttemptIds ids) {
    ByteBuffer s = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 4; i++) {
      if (s.get(base + i) != MAGIC[i]) {
        return null;
      }
    }
    CRC32C crc = new CRC32C();
    byte[] raw = new byte[60];
    s.get(base, raw);
    crc.update(raw);
    if ((int) crc.getValue() != s.getInt(base + 60)) {
      return null;
    }
    int version = Short.toUnsignedInt(s.getShort(base + 4));
    int flags = Short.toUnsignedInt(s.getShort(base + 6));
    int attempt = s.getInt(base + 8);
    int check = s.getInt(base + 12);
    long beats = s.getLong(base + 16);
    long beatSec = s.getLong(base + 24);
    int beatNano = s.getInt(base + 32);
    int actNano = s.getInt(base + 36);
    long acts = s.getLong(base + 40);
    long actSec = s.getLong(base + 48);
    int reserved = s.getInt(base + 56);
    if (version != FORMAT_VERSION
        || (flags & ~(FLAG_ALIVE | FLAG_ACTIVITY)) != 0
        || attempt < 1
        || check != taskCheck
        || beats < 0
        || acts < 0
        || reserved != 0
        || beatNano < 0
        || beatNano > 999_999_999
        || actNano < 0
        || actNano > 999_999_999) {
      return null;
    }
    boolean hasActivity = (flags & FLAG_ACTIVITY) != 0;
    if (!hasActivity && (actSec != 0 || actNano != 0)) {
      return null;
    }
    try {
      Instant beatAt = Instant.ofEpochSecond(beatSec, beatNano);
      Instant actAt = hasActivity ? Instant.ofEpochSecond(actSec, actNano) : null;
      return new HeartbeatSlot(
          ids.of(attempt), beats, beatAt, acts, actAt, (flags & FLAG_ALIVE) != 0);
    } catch (DateTimeException | IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Reads the slots of every task of a snapshot from {@code heartbeats.bin}.
   *
   * @return one reading per task, in task order
   */
  static Map<TaskId, HeartbeatReading> readAll(Path file, RunSnapshot snapshot) throws IOException {
    List<TaskState> tasks = snapshot.tasks();
    ByteBuffer buf = ByteBuffer.allocate(tasks.size() * SLOT_BYTES);
    int read = 0;
    if (!tasks.isEmpty()) {
      try (FileChannel ch =
          FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
        while (buf.hasRemaining()) {
          int n = ch.read(buf, buf.position());
          if (n < 0) {
            break;
          }
        }
        read = buf.position();
      } catch (NoSuchFileException e) {
        read = 0;
      }
    }
    Map<TaskId, HeartbeatReading> out = new LinkedHashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      TaskId id = tasks.get(i).id();
      out.put(id, readSlot(buf, read, i, snapshot, id));
    }
    return Collections.unmodifiableMap(out);
  }

  private static HeartbeatReading readSlot(
      ByteBuffer buf, int available, int index, RunSnapshot snapshot, TaskId id) {
    int base = index * SLOT_BYTES;
    if (available <= base) {
      return HeartbeatReading.missing(id);
    }
    if (available < base + SLOT_BYTES) {
      for (int i = base; i < available; i++) {
        if (buf.get(i) != 0) {
          return HeartbeatReading.corrupt(id);
        }
      }
      return HeartbeatReading.missing(id);
    }
    return decode(buf, base, id, taskCheck(id), n -> AttemptId.of(snapshot.runId(), id, n));
  }
}
