package dev.crewrecovery.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.HeartbeatReading;
import dev.crewrecovery.api.HeartbeatSlot;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.TaskId;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HeartbeatSlotsTest {
  private static final TaskId TASK = TaskId.of("task-1");
  private static final int CHECK = HeartbeatSlots.taskCheck(TASK);

  private static HeartbeatReading decode(ByteBuffer b) {
    return HeartbeatSlots.decode(b, 0, TASK, CHECK, n -> AttemptId.of(RunId.of("r"), TASK, n));
  }

  private static HeartbeatSlot sample() {
    return new HeartbeatSlot(
        AttemptId.of(RunId.of("r"), TASK, 3),
        17,
        Instant.parse("2030-01-01T00:00:00.000000001Z"),
        4,
        Instant.parse("2029-12-31T23:59:59.999999999Z"),
        true);
  }

  @Test
  void roundTrip() {
    HeartbeatSlot s = sample();
    assertThat(decode(HeartbeatSlots.encode(s, CHECK))).isEqualTo(HeartbeatReading.ok(TASK, s));
    HeartbeatSlot noActivity = new HeartbeatSlot(s.attempt(), 0, Instant.EPOCH, 0, null, false);
    assertThat(decode(HeartbeatSlots.encode(noActivity, CHECK)).slot()).isEqualTo(noActivity);
    HeartbeatSlot negative =
        new HeartbeatSlot(s.attempt(), 1, Instant.parse("1900-01-01T00:00:00.5Z"), 0, null, true);
    assertThat(decode(HeartbeatSlots.encode(negative, CHECK)).slot()).isEqualTo(negative);
  }

  @Test
  void layoutIsLittleEndianAsDocumented() {
    ByteBuffer b = HeartbeatSlots.encode(sample(), CHECK);
    assertThat(b.remaining()).isEqualTo(64);
    assertThat(new String(b.array(), 0, 4, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("CRHB");
    assertThat(b.get(4)).isEqualTo((byte) 1); // version, low byte first
    assertThat(b.get(5)).isEqualTo((byte) 0);
    assertThat(b.get(6)).isEqualTo((byte) 0b11); // alive + activity
    assertThat(b.get(8)).isEqualTo((byte) 3); // attempt
    assertThat(b.get(16)).isEqualTo((byte) 17); // beat counter
    assertThat(b.get(24)).isEqualTo((byte) 0x80); // 1893456000 = 0x70DBD880
    assertThat(b.get(32)).isEqualTo((byte) 1); // beat nanos
    assertThat(b.get(40)).isEqualTo((byte) 4); // activity counter
  }

  /** Every single-bit flip of a slot is detected (CRC32C catches all of them). */
  @Test
  void everySingleBitFlipReadsCorrupt() {
    byte[] good = HeartbeatSlots.encode(sample(), CHECK).array();
    for (int bit = 0; bit < 64 * 8; bit++) {
      byte[] b = good.clone();
      b[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThat(decode(ByteBuffer.wrap(b)).state())
          .as("bit %d", bit)
          .isEqualTo(HeartbeatReading.State.CORRUPT);
    }
  }

  @Test
  void zeroSlotIsMissingAndTornSlotCorrupt() {
    assertThat(decode(ByteBuffer.allocate(64)).state()).isEqualTo(HeartbeatReading.State.MISSING);
    byte[] torn = HeartbeatSlots.encode(sample(), CHECK).array();
    java.util.Arrays.fill(torn, 32, 64, (byte) 0); // second half never reached the file
    assertThat(decode(ByteBuffer.wrap(torn)).state()).isEqualTo(HeartbeatReading.State.CORRUPT);
  }

  @Test
  void slotOfAnotherTaskIsCorrupt() {
    ByteBuffer b = HeartbeatSlots.encode(sample(), HeartbeatSlots.taskCheck(TaskId.of("other")));
    assertThat(decode(b).state()).isEqualTo(HeartbeatReading.State.CORRUPT);
  }
}
