package dev.crewrecovery.core.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.crewrecovery.api.ApprovalMarker;
import dev.crewrecovery.api.ApprovalState;
import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.ExitClass;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.ResumeRecord;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskResult;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.api.WaitMarker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every damaged form of a golden run.json either reads as a complete valid snapshot or fails as bad
 * content (which the store quarantines): never another exception, never a half-filled object.
 */
class CodecCorruptionTest {
  private static final RunId RUN = RunId.of("golden-run");
  private static final Instant T = Instant.parse("2030-05-06T07:08:09.123456789Z");

  /** A snapshot that uses every field of every record. */
  static StoredRun golden() {
    SessionId s = SessionId.of("host-a");
    ProcessRef linux = ProcessRef.linux(4242, "host-a", "boot-1", 777);
    ProcessRef portable = ProcessRef.portable(99, "host-b", T);
    TaskId a = TaskId.of("a");
    TaskId b = TaskId.of("b.2");
    TaskId c = TaskId.of("c_3");
    Attempt a1 =
        new Attempt(
            AttemptId.of(RUN, a, 1),
            T,
            linux,
            s,
            "/var/log/a.log",
            null,
            new Failure(
                Failure.WORKER_LOST,
                "gone",
                ExitClass.SIGNAL_EXIT,
                VerdictKind.PROCESS_DEAD,
                Duration.ofSeconds(301),
                "tail \"quoted\"\nline",
                T),
            T.plusSeconds(5),
            false);
    Attempt a2 =
        new Attempt(
            AttemptId.of(RUN, a, 2),
            T.plusSeconds(6),
            portable,
            null,
            null,
            new TaskResult("s3://bucket/result.json", T.plusSeconds(9)),
            null,
            null,
            true);
    TaskState ta = new TaskState(a, TaskStatus.RUNNING, List.of(a1, a2), true, null, T, T, T);
    TaskState tb =
        new TaskState(
            b,
            TaskStatus.WAITING,
            List.of(Attempt.started(AttemptId.of(RUN, b, 1), T, null)),
            true,
            new WaitMarker(T, T.plusSeconds(3600), "continue?"),
            null,
            null,
            T);
    TaskState tc = TaskState.queued(c);
    Manifest m =
        new Manifest(
            RUN,
            RunStatus.BLOCKED,
            new Owner(s, 3),
            7,
            T,
            T.plusSeconds(60),
            linux,
            s,
            "/var/log/runner.log",
            new ApprovalMarker(T, ApprovalState.PENDING),
            List.of(new ResumeRecord(T, s, 2, 6)),
            "summary ✓",
            Map.of("k", "v", "empty", ""));
    RunSnapshot snap = new RunSnapshot(12, m, List.of(ta, tb, tc));
    return new StoredRun(
        snap,
        40,
        List.of(
            new RunEvent(RUN, 39, "run.reconciled", T, Map.of("verdict", "PROCESS_DEAD")),
            new RunEvent(RUN, 40, "task.started", T, Map.of())),
        List.of(
            DeadletterEntry.forAttempt(
                AttemptId.of(RUN, a, 1), DeadletterReason.MAX_RETRIES, "err", T, 7),
            DeadletterEntry.forRun(RUN, 7, DeadletterReason.CRASH_LOOP, null, T)));
  }

  private static void check(byte[] bytes, String what) {
    try {
      StoredRun r = Codec.decodeRun(bytes, RUN);
      // Valid: then it is a complete snapshot that encodes back to a readable document.
      assertThat(r.snapshot().runId()).isEqualTo(RUN);
      assertThat(Codec.decodeRun(Codec.encodeRun(r), RUN)).isEqualTo(r);
    } catch (BadContentException | NewerSchemaException expected) {
      // reported as corrupt (quarantined) or unsupported (left in place)
    } catch (Throwable t) {
      fail(what + " threw " + t, t);
    }
  }

  @Test
  void roundTripIsExact() throws Exception {
    StoredRun g = golden();
    assertThat(Codec.decodeRun(Codec.encodeRun(g), RUN)).isEqualTo(g);
  }

  @Test
  void everyPrefix() {
    byte[] g = Codec.encodeRun(golden());
    for (int len = 0; len < g.length; len++) {
      byte[] prefix = Arrays.copyOf(g, len);
      check(prefix, "prefix " + len);
    }
  }

  @Test
  void zeroAndGarbageTailsAndConcatenation() {
    byte[] g = Codec.encodeRun(golden());
    SplittableRandom rnd = new SplittableRandom(7);
    for (int cut = 0; cut < g.length; cut += 7) {
      byte[] zero = Arrays.copyOf(g, g.length);
      Arrays.fill(zero, cut, g.length, (byte) 0);
      check(zero, "zero tail from " + cut);
      byte[] garbage = Arrays.copyOf(g, g.length);
      for (int i = cut; i < g.length; i++) {
        garbage[i] = (byte) rnd.nextInt(256);
      }
      check(garbage, "garbage tail from " + cut);
    }
    byte[] twice = new byte[g.length * 2];
    System.arraycopy(g, 0, twice, 0, g.length);
    System.arraycopy(g, 0, twice, g.length, g.length);
    try {
      Codec.decodeRun(twice, RUN);
      fail("a second concatenated object must be refused");
    } catch (BadContentException expected) {
      assertThat(expected.getMessage()).contains("Trailing token");
    } catch (NewerSchemaException e) {
      fail("not a schema problem", e);
    }
  }

  @Test
  void thousandRandomBitFlips() {
    byte[] g = Codec.encodeRun(golden());
    SplittableRandom rnd = new SplittableRandom(20300506);
    int valid = 0;
    for (int i = 0; i < 1_000; i++) {
      byte[] flipped = Arrays.copyOf(g, g.length);
      int flips = 1 + rnd.nextInt(3);
      for (int f = 0; f < flips; f++) {
        int bit = rnd.nextInt(g.length * 8);
        flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      }
      check(flipped, "flip #" + i);
      try {
        Codec.decodeRun(flipped, RUN);
        valid++;
      } catch (BadContentException | NewerSchemaException e) {
        // counted as refused
      }
    }
    // Most flips must be caught; some (inside a string, say) legitimately leave valid JSON.
    assertThat(valid).isLessThan(500);
  }

  @Test
  void schemaVersionRules() {
    String g = new String(Codec.encodeRun(golden()), StandardCharsets.UTF_8);
    for (String v : List.of("0", "-1", "1.5", "\"1\"", "true", "null", "1e0")) {
      byte[] b =
          g.replace("\"schemaVersion\" : 1", "\"schemaVersion\" : " + v)
              .getBytes(StandardCharsets.UTF_8);
      try {
        Codec.decodeRun(b, RUN);
        fail("schemaVersion " + v + " must be refused");
      } catch (BadContentException expected) {
        assertThat(expected.getMessage()).contains("schemaVersion");
      } catch (NewerSchemaException e) {
        fail("schemaVersion " + v + " is not newer", e);
      }
    }
    for (String v : List.of("2", "99999999999999999999999")) {
      byte[] b =
          g.replace("\"schemaVersion\" : 1", "\"schemaVersion\" : " + v)
              .getBytes(StandardCharsets.UTF_8);
      try {
        Codec.decodeRun(b, RUN);
        fail("schemaVersion " + v + " is newer");
      } catch (NewerSchemaException expected) {
        assertThat(expected.found()).isGreaterThan(1);
      } catch (BadContentException e) {
        fail("schemaVersion " + v + " is newer, not corrupt", e);
      }
    }
  }
}
