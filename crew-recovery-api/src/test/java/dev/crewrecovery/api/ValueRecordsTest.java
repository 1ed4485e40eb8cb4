package dev.crewrecovery.api;

import static dev.crewrecovery.api.Fixtures.OWNER;
import static dev.crewrecovery.api.Fixtures.RUN;
import static dev.crewrecovery.api.Fixtures.SESSION;
import static dev.crewrecovery.api.Fixtures.T0;
import static dev.crewrecovery.api.Fixtures.TASK_A;
import static dev.crewrecovery.api.Fixtures.TASK_B;
import static dev.crewrecovery.api.Fixtures.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The small records: their validation, factories and copies. */
class ValueRecordsTest {

  @Nested
  class ProcessRefs {
    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void pidNotPositiveIsAProgrammingError(long pid) {
      assertThatThrownBy(() -> new ProcessRef(pid, "h", null, null, null))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("pid")
          .hasMessageContaining(String.valueOf(pid));
      assertThatThrownBy(() -> ProcessRef.linux(pid, "h", "boot", 1))
          .isExactlyInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> ProcessRef.portable(pid, "h", T0))
          .isExactlyInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pidOneAndTheLargestPidAreAccepted() {
      assertThat(new ProcessRef(1, "h", null, null, null).pid()).isEqualTo(1);
      assertThat(new ProcessRef(Long.MAX_VALUE, "h", null, null, null).pid())
          .isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t", "\n"})
    void blankHostIsRejected(String host) {
      assertThatThrownBy(() -> new ProcessRef(1, host, null, null, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("host");
    }

    @Test
    void negativeStartTicksAreRejected() {
      assertThatThrownBy(() -> ProcessRef.linux(1, "h", "b", -1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("startTicks");
      assertThat(ProcessRef.linux(1, "h", "b", 0).startTicks()).isZero();
    }

    @Test
    void factoriesFillTheirIdentity() {
      ProcessRef linux = ProcessRef.linux(10, "h", "boot", 99);
      assertThat(linux).isEqualTo(new ProcessRef(10, "h", "boot", 99L, null));
      ProcessRef portable = ProcessRef.portable(10, "h", T0);
      assertThat(portable).isEqualTo(new ProcessRef(10, "h", null, null, T0));
      ProcessRef recycled = linux.withStartTicks(100);
      assertThat(recycled).isEqualTo(new ProcessRef(10, "h", "boot", 100L, null));
      assertThat(recycled).isNotEqualTo(linux);
      assertThatThrownBy(() -> linux.withStartTicks(-5))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class OwnersAndLeases {
    @ParameterizedTest
    @ValueSource(longs = {0, -1})
    void incarnationBelowOneIsRejected(long incarnation) {
      assertThatThrownBy(() -> new Owner(SESSION, incarnation))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("incarnation");
      assertThatThrownBy(() -> new Lease(SESSION, incarnation, T0, T0, false))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("incarnation");
    }

    @Test
    void ownerPrintsSessionAndIncarnation() {
      assertThat(new Owner(SESSION, 7)).hasToString("host-session#7");
      assertThat(new Lease(SESSION, 7, T0, T0, false).owner()).isEqualTo(new Owner(SESSION, 7));
    }

    private final Duration thirty = Duration.ofSeconds(30);
    private final Lease lease = new Lease(SESSION, 2, at(-100), T0, false);

    @Test
    void leaseExpiresStrictlyAfterItsDuration() {
      assertThat(lease.isExpiredAt(T0, thirty)).isFalse();
      assertThat(lease.isExpiredAt(T0.plusSeconds(29), thirty)).isFalse();
      assertThat(lease.isExpiredAt(T0.plus(thirty), thirty)).as("exactly 30 s").isFalse();
      assertThat(lease.isExpiredAt(T0.plus(thirty).plusNanos(1), thirty)).isTrue();
      assertThat(lease.isExpiredAt(T0.plus(thirty).plusMillis(1), thirty))
          .as("30 s + 1 ms")
          .isTrue();
      assertThat(lease.isExpiredAt(T0.plus(Duration.ofDays(365)), thirty)).isTrue();
    }

    @Test
    void leaseIsNotExpiredWhenNowIsBeforeTheRenewal() {
      assertThat(lease.isExpiredAt(T0.minusSeconds(3600), thirty)).isFalse();
    }

    @Test
    void releasedLeaseIsAlwaysExpired() {
      Lease released = new Lease(SESSION, 2, at(-100), T0, true);
      assertThat(released.isExpiredAt(T0, thirty)).isTrue();
      assertThat(released.isExpiredAt(T0.minusSeconds(3600), thirty)).isTrue();
      assertThat(released.isExpiredAt(T0.plusSeconds(1), Duration.ofDays(1))).isTrue();
    }

    @Test
    void durationIsTheCallersChoice() {
      assertThat(lease.isExpiredAt(T0.plusSeconds(10), Duration.ofSeconds(10))).isFalse();
      assertThat(lease.isExpiredAt(T0.plusSeconds(11), Duration.ofSeconds(10))).isTrue();
      assertThat(lease.isExpiredAt(T0.plusNanos(1), Duration.ZERO)).isTrue();
    }
  }

  @Nested
  class Heartbeats {
    private final HeartbeatSlot slot =
        new HeartbeatSlot(AttemptId.of(RUN, TASK_A, 1), 3, T0, 1, at(1), true);

    @ParameterizedTest
    @EnumSource(HeartbeatReading.State.class)
    void slotIsPresentExactlyWhenTheStateIsOk(HeartbeatReading.State state) {
      if (state == HeartbeatReading.State.OK) {
        assertThat(new HeartbeatReading(TASK_A, state, slot).slot()).isEqualTo(slot);
        assertThatThrownBy(() -> new HeartbeatReading(TASK_A, state, null))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("OK");
      } else {
        assertThat(new HeartbeatReading(TASK_A, state, null).slot()).isNull();
        assertThatThrownBy(() -> new HeartbeatReading(TASK_A, state, slot))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("OK");
      }
    }

    @Test
    void factoriesSetTheState() {
      assertThat(HeartbeatReading.ok(TASK_A, slot))
          .isEqualTo(new HeartbeatReading(TASK_A, HeartbeatReading.State.OK, slot));
      assertThat(HeartbeatReading.missing(TASK_A).state())
          .isEqualTo(HeartbeatReading.State.MISSING);
      assertThat(HeartbeatReading.corrupt(TASK_A).state())
          .isEqualTo(HeartbeatReading.State.CORRUPT);
      assertThatThrownBy(() -> HeartbeatReading.ok(TASK_A, null))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void negativeCountersAreRejected() {
      AttemptId a = AttemptId.of(RUN, TASK_A, 1);
      assertThatThrownBy(() -> new HeartbeatSlot(a, -1, T0, 0, null, true))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new HeartbeatSlot(a, 0, T0, -1, null, true))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatCode(() -> new HeartbeatSlot(a, 0, T0, 0, null, false)).doesNotThrowAnyException();
    }
  }

  @Nested
  class Deadletters {
    private final AttemptId attempt = AttemptId.of(RUN, TASK_A, 3);
    private final DeliveryId delivery = DeliveryId.forResult(attempt);

    private DeadletterEntry entry(
        TaskId task, AttemptId att, DeliveryId del, DeadletterReason reason) {
      return new DeadletterEntry(
          DeadletterId.of("dl-x"), RUN, task, att, del, reason, 0, null, T0, 1);
    }

    @Test
    void deliveryFailedNeedsADeliveryAndNoAttempt() {
      assertThatThrownBy(() -> entry(null, null, null, DeadletterReason.DELIVERY_FAILED))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("DELIVERY_FAILED");
      assertThatThrownBy(() -> entry(TASK_A, attempt, delivery, DeadletterReason.DELIVERY_FAILED))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("DELIVERY_FAILED");
      assertThat(entry(null, null, delivery, DeadletterReason.DELIVERY_FAILED).deliveryId())
          .isEqualTo(delivery);
    }

    @ParameterizedTest
    @EnumSource(
        value = DeadletterReason.class,
        names = "DELIVERY_FAILED",
        mode = EnumSource.Mode.EXCLUDE)
    void onlyDeliveryFailedEntriesNameADelivery(DeadletterReason reason) {
      assertThatThrownBy(() -> entry(null, null, delivery, reason))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(reason.name())
          .hasMessageContaining(delivery.value());
      assertThat(entry(TASK_A, attempt, null, reason).isRunLevel()).isFalse();
      assertThat(entry(null, null, null, reason).isRunLevel()).isTrue();
    }

    @Test
    void theAttemptMustBelongToTheRunAndTask() {
      assertThatThrownBy(
              () -> entry(TASK_B, AttemptId.of(RUN, TASK_A, 1), null, DeadletterReason.MAX_RETRIES))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(TASK_B.value());
      assertThatThrownBy(
              () ->
                  entry(
                      TASK_A,
                      AttemptId.of(RunId.of("elsewhere"), TASK_A, 1),
                      null,
                      DeadletterReason.MAX_RETRIES))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("elsewhere");
      assertThatThrownBy(() -> entry(null, attempt, null, DeadletterReason.MAX_RETRIES))
          .as("an attempt without its task")
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void negativeAttemptsOrEpochAreRejected() {
      assertThatThrownBy(
              () ->
                  new DeadletterEntry(
                      DeadletterId.of("d"),
                      RUN,
                      null,
                      null,
                      null,
                      DeadletterReason.MANUAL,
                      -1,
                      null,
                      T0,
                      1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("attempts");
      assertThatThrownBy(
              () ->
                  new DeadletterEntry(
                      DeadletterId.of("d"),
                      RUN,
                      null,
                      null,
                      null,
                      DeadletterReason.MANUAL,
                      0,
                      null,
                      T0,
                      -1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("epoch");
    }

    @Test
    void factoriesDeriveTheirIds() {
      DeadletterEntry forAttempt =
          DeadletterEntry.forAttempt(attempt, DeadletterReason.MAX_RETRIES, "boom", T0, 4);
      assertThat(forAttempt.id())
          .isEqualTo(DeadletterId.derived(attempt.toString(), DeadletterReason.MAX_RETRIES));
      assertThat(forAttempt.runId()).isEqualTo(RUN);
      assertThat(forAttempt.taskId()).isEqualTo(TASK_A);
      assertThat(forAttempt.attemptId()).isEqualTo(attempt);
      assertThat(forAttempt.attempts()).isEqualTo(3);
      assertThat(forAttempt.lastError()).isEqualTo("boom");
      assertThat(forAttempt.epoch()).isEqualTo(4);
      assertThat(forAttempt.isRunLevel()).isFalse();

      DeadletterEntry forRun =
          DeadletterEntry.forRun(RUN, 4, DeadletterReason.CRASH_LOOP, null, T0);
      assertThat(forRun.id())
          .isEqualTo(DeadletterId.derived(RUN + "@4", DeadletterReason.CRASH_LOOP));
      assertThat(forRun.isRunLevel()).isTrue();
      assertThat(forRun.attempts()).isZero();

      DeadletterEntry forDelivery = DeadletterEntry.forDelivery(RUN, delivery, "503", T0, 0);
      assertThat(forDelivery.id())
          .isEqualTo(DeadletterId.derived(delivery.value(), DeadletterReason.DELIVERY_FAILED));
      assertThat(forDelivery.reason()).isEqualTo(DeadletterReason.DELIVERY_FAILED);
      assertThat(forDelivery.isRunLevel()).isFalse();

      // Same cause twice: same id, so a second append is a no-op.
      assertThat(
              DeadletterEntry.forAttempt(attempt, DeadletterReason.MAX_RETRIES, "x", at(9), 5).id())
          .isEqualTo(forAttempt.id());
      assertThat(DeadletterEntry.forRun(RUN, 5, DeadletterReason.CRASH_LOOP, null, T0).id())
          .isNotEqualTo(forRun.id());
    }

    @Test
    void storedDeadletterCopiesItsMarks() {
      DeadletterEntry e = DeadletterEntry.forRun(RUN, 1, DeadletterReason.MANUAL, null, T0);
      DeadletterMark discard =
          new DeadletterMark(e.id(), DeadletterMark.Kind.DISCARD, at(1), "dup");
      List<DeadletterMark> marks = new ArrayList<>(List.of(discard));
      StoredDeadletter stored = new StoredDeadletter(e, marks);
      marks.add(new DeadletterMark(e.id(), DeadletterMark.Kind.REDRIVE, at(2), "op"));
      assertThat(stored.marks()).containsExactly(discard);
      assertThat(stored.hasMark(DeadletterMark.Kind.DISCARD)).isTrue();
      assertThat(stored.hasMark(DeadletterMark.Kind.REDRIVE)).isFalse();
      assertThatThrownBy(() -> stored.marks().add(discard))
          .isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Nested
  class Deliveries {
    private final Delivery d =
        new Delivery(DeliveryId.of("d-1"), DeliveryKind.RESULT, RUN, SESSION, "ref", T0, 2, 0);

    @Test
    void negativeGenerationOrFailuresAreRejected() {
      assertThatThrownBy(
              () -> new Delivery(DeliveryId.of("d"), DeliveryKind.STEER, RUN, null, "", T0, -1, 0))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(
              () -> new Delivery(DeliveryId.of("d"), DeliveryKind.STEER, RUN, null, "", T0, 0, -1))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void copiesChangeOneComponent() {
      assertThat(d.withOwner(null))
          .isEqualTo(new Delivery(d.id(), d.kind(), RUN, null, "ref", T0, 2, 0));
      assertThat(d.withFailure().withFailure().failedAttempts()).isEqualTo(2);
      assertThat(d.withFailure().id()).isEqualTo(d.id());
      Delivery worn = new Delivery(d.id(), d.kind(), RUN, null, "", T0, 0, Integer.MAX_VALUE);
      assertThatThrownBy(worn::withFailure).isInstanceOf(ArithmeticException.class);
    }
  }

  @Nested
  class Others {
    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\n"})
    void blankFailureCodeIsRejected(String code) {
      assertThatThrownBy(() -> Failure.of(code, "m", T0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("code");
    }

    @Test
    void failureOfHasOnlyCodeMessageAndInstant() {
      assertThat(Failure.of(Failure.WORKER_LOST, "gone", T0))
          .isEqualTo(new Failure("WORKER_LOST", "gone", null, null, null, null, T0));
    }

    @Test
    void livenessDeathEvidence() {
      assertThat(Liveness.DEAD.isDead()).isTrue();
      assertThat(Liveness.RECYCLED.isDead()).isTrue();
      assertThat(Liveness.ALIVE.isDead()).isFalse();
      assertThat(Liveness.UNKNOWN.isDead()).as("UNKNOWN is never evidence of death").isFalse();
    }

    @Test
    void recordsAreValues() {
      Instant i = Instant.parse("2024-01-01T00:00:00Z");
      assertThat(new TaskResult("r", i)).isEqualTo(new TaskResult("r", i));
      assertThat(new WaitMarker(i, null, "q")).isEqualTo(new WaitMarker(i, null, "q"));
      assertThat(new ResumeRecord(i, SESSION, 1, 1)).isEqualTo(new ResumeRecord(i, SESSION, 1, 1));
      assertThat(OWNER).isEqualTo(new Owner(SESSION, 3));
    }
  }
}
