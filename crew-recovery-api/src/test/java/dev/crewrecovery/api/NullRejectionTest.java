package dev.crewrecovery.api;

import static dev.crewrecovery.api.Fixtures.OWNER;
import static dev.crewrecovery.api.Fixtures.RUN;
import static dev.crewrecovery.api.Fixtures.SESSION;
import static dev.crewrecovery.api.Fixtures.T0;
import static dev.crewrecovery.api.Fixtures.TASK_A;
import static dev.crewrecovery.api.Fixtures.WORKER;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.spi.ActiveRun;
import dev.crewrecovery.api.spi.ProcessExit;
import dev.crewrecovery.api.spi.RunChange;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.api.spi.UpdateResult;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every required (not {@code @Nullable}) component of every record is rejected when null, with a
 * NullPointerException that names the component.
 */
class NullRejectionTest {

  /** A construction that passes null for exactly one required component, and that name. */
  record NullCase(String component, Runnable construction) {}

  private static final AttemptId ATTEMPT = AttemptId.of(RUN, TASK_A, 1);
  private static final Manifest MANIFEST = Manifest.created(RUN, OWNER, T0);
  private static final DeadletterId DL = DeadletterId.of("dl-1");

  static Stream<Named<NullCase>> requiredComponents() {
    return Stream.of(
        c("ProcessRef.host", "host", () -> new ProcessRef(1, null, null, null, null)),
        c("ProcessRef.linux bootId", "bootId", () -> ProcessRef.linux(1, "h", null, 1)),
        c(
            "ProcessRef.portable startInstant",
            "startInstant",
            () -> ProcessRef.portable(1, "h", null)),
        c("Owner.session", "session", () -> new Owner(null, 1)),
        c("ResumeRecord.instant", "instant", () -> new ResumeRecord(null, SESSION, 1, 1)),
        c("ResumeRecord.session", "session", () -> new ResumeRecord(T0, null, 1, 1)),
        c(
            "ApprovalMarker.askedAt",
            "askedAt",
            () -> new ApprovalMarker(null, ApprovalState.PENDING)),
        c("ApprovalMarker.state", "state", () -> new ApprovalMarker(T0, null)),
        c(
            "Manifest.runId",
            "runId",
            () -> manifest(null, RunStatus.QUEUED, T0, T0, List.of(), Map.of())),
        c("Manifest.status", "status", () -> manifest(RUN, null, T0, T0, List.of(), Map.of())),
        c(
            "Manifest.createdAt",
            "createdAt",
            () -> manifest(RUN, RunStatus.QUEUED, null, T0, List.of(), Map.of())),
        c(
            "Manifest.updatedAt",
            "updatedAt",
            () -> manifest(RUN, RunStatus.QUEUED, T0, null, List.of(), Map.of())),
        c(
            "Manifest.resumeHistory",
            "resumeHistory",
            () -> manifest(RUN, RunStatus.QUEUED, T0, T0, null, Map.of())),
        c(
            "Manifest.attributes",
            "attributes",
            () -> manifest(RUN, RunStatus.QUEUED, T0, T0, List.of(), null)),
        c("Manifest.created runId", "runId", () -> Manifest.created(null, null, T0)),
        c("Manifest.created now", "createdAt", () -> Manifest.created(RUN, null, null)),
        c(
            "Attempt.id",
            "id",
            () -> new Attempt(null, T0, null, null, null, null, null, null, false)),
        c("Attempt.startedAt", "startedAt", () -> Attempt.started(ATTEMPT, null, WORKER)),
        c("WaitMarker.askedAt", "askedAt", () -> new WaitMarker(null, null, "q")),
        c("WaitMarker.question", "question", () -> new WaitMarker(T0, null, null)),
        c("TaskResult.reference", "reference", () -> new TaskResult(null, T0)),
        c("TaskResult.recordedAt", "recordedAt", () -> new TaskResult("r", null)),
        c("Failure.code", "code", () -> Failure.of(null, "m", T0)),
        c("Failure.message", "message", () -> Failure.of("C", null, T0)),
        c("Failure.at", "at", () -> Failure.of("C", "m", null)),
        c(
            "TaskState.id",
            "id",
            () -> new TaskState(null, TaskStatus.QUEUED, List.of(), false, null, null, null, null)),
        c(
            "TaskState.status",
            "status",
            () -> new TaskState(TASK_A, null, List.of(), false, null, null, null, null)),
        c(
            "TaskState.attempts",
            "attempts",
            () -> new TaskState(TASK_A, TaskStatus.QUEUED, null, false, null, null, null, null)),
        c("RunSnapshot.manifest", "manifest", () -> new RunSnapshot(1, null, List.of())),
        c("RunSnapshot.tasks", "tasks", () -> new RunSnapshot(1, MANIFEST, null)),
        c("HeartbeatSlot.attempt", "attempt", () -> new HeartbeatSlot(null, 0, T0, 0, null, true)),
        c(
            "HeartbeatSlot.beatAt",
            "beatAt",
            () -> new HeartbeatSlot(ATTEMPT, 0, null, 0, null, true)),
        c("HeartbeatReading.task", "task", () -> HeartbeatReading.missing(null)),
        c("HeartbeatReading.state", "state", () -> new HeartbeatReading(TASK_A, null, null)),
        c("Lease.session", "session", () -> new Lease(null, 1, T0, T0, false)),
        c("Lease.acquiredAt", "acquiredAt", () -> new Lease(SESSION, 1, null, T0, false)),
        c("Lease.renewedAt", "renewedAt", () -> new Lease(SESSION, 1, T0, null, false)),
        c(
            "DeadletterEntry.id",
            "id",
            () ->
                new DeadletterEntry(
                    null, RUN, null, null, null, DeadletterReason.MANUAL, 0, null, T0, 1)),
        c(
            "DeadletterEntry.runId",
            "runId",
            () ->
                new DeadletterEntry(
                    DL, null, null, null, null, DeadletterReason.MANUAL, 0, null, T0, 1)),
        c(
            "DeadletterEntry.reason",
            "reason",
            () -> new DeadletterEntry(DL, RUN, null, null, null, null, 0, null, T0, 1)),
        c(
            "DeadletterEntry.at",
            "at",
            () ->
                new DeadletterEntry(
                    DL, RUN, null, null, null, DeadletterReason.MANUAL, 0, null, null, 1)),
        c(
            "DeadletterId.derived cause",
            "cause",
            () -> DeadletterId.derived(null, DeadletterReason.MANUAL)),
        c(
            "DeliveryId.forNotification runId",
            "runId",
            () -> DeliveryId.forNotification(null, 1, RunStatus.FAILED)),
        c(
            "DeadletterMark.entry",
            "entry",
            () -> new DeadletterMark(null, DeadletterMark.Kind.DISCARD, T0, "n")),
        c("DeadletterMark.kind", "kind", () -> new DeadletterMark(DL, null, T0, "n")),
        c(
            "DeadletterMark.at",
            "at",
            () -> new DeadletterMark(DL, DeadletterMark.Kind.DISCARD, null, "n")),
        c(
            "DeadletterMark.note",
            "note",
            () -> new DeadletterMark(DL, DeadletterMark.Kind.DISCARD, T0, null)),
        c("StoredDeadletter.entry", "entry", () -> new StoredDeadletter(null, List.of())),
        c(
            "StoredDeadletter.marks",
            "marks",
            () ->
                new StoredDeadletter(
                    DeadletterEntry.forRun(RUN, 1, DeadletterReason.MANUAL, null, T0), null)),
        c(
            "Delivery.id",
            "id",
            () -> new Delivery(null, DeliveryKind.STEER, RUN, null, "p", T0, 0, 0)),
        c(
            "Delivery.kind",
            "kind",
            () -> new Delivery(DeliveryId.of("d"), null, RUN, null, "p", T0, 0, 0)),
        c(
            "Delivery.runId",
            "runId",
            () -> new Delivery(DeliveryId.of("d"), DeliveryKind.STEER, null, null, "p", T0, 0, 0)),
        c(
            "Delivery.payload",
            "payload",
            () -> new Delivery(DeliveryId.of("d"), DeliveryKind.STEER, RUN, null, null, T0, 0, 0)),
        c(
            "Delivery.createdAt",
            "createdAt",
            () -> new Delivery(DeliveryId.of("d"), DeliveryKind.STEER, RUN, null, "p", null, 0, 0)),
        c("NewEvent.type", "type", () -> NewEvent.of(null, T0, Map.of())),
        c("NewEvent.at", "at", () -> NewEvent.of("a.b", null, Map.of())),
        c("NewEvent.data", "data", () -> NewEvent.of("a.b", T0, null)),
        c("RunEvent.runId", "runId", () -> new RunEvent(null, 1, "a.b", T0, Map.of())),
        c("RunEvent.type", "type", () -> new RunEvent(RUN, 1, null, T0, Map.of())),
        c("RunEvent.at", "at", () -> new RunEvent(RUN, 1, "a.b", null, Map.of())),
        c("RunEvent.data", "data", () -> new RunEvent(RUN, 1, "a.b", T0, null)),
        c("ActiveRun.runId", "runId", () -> new ActiveRun(null, ActiveRun.State.ACTIVE)),
        c("ActiveRun.state", "state", () -> new ActiveRun(RUN, null)),
        c("ProcessExit.ref", "ref", () -> new ProcessExit(null, 0)),
        c("RunChange.runId", "runId", () -> new RunChange(null, 1, RunStatus.RUNNING)),
        c("RunChange.status", "status", () -> new RunChange(RUN, 1, null)),
        c("Update.commit snapshot", "snapshot", () -> Update.commit(null, List.of())),
        c("UpdateResult.snapshot", "snapshot", () -> new UpdateResult(null, false, List.of())));
  }

  private static Named<NullCase> c(String label, String component, Runnable construction) {
    return Named.of(label, new NullCase(component, construction));
  }

  private static Manifest manifest(
      RunId runId,
      RunStatus status,
      java.time.Instant createdAt,
      java.time.Instant updatedAt,
      List<ResumeRecord> history,
      Map<String, String> attributes) {
    return new Manifest(
        runId,
        status,
        null,
        1,
        createdAt,
        updatedAt,
        null,
        null,
        null,
        null,
        history,
        null,
        attributes);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requiredComponents")
  void nullIsRejectedNamingTheComponent(NullCase nullCase) {
    assertThatThrownBy(() -> nullCase.construction().run())
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining(nullCase.component());
  }

  @Test
  void nullableComponentsMayBeNull() {
    assertThatCode(
            () -> {
              new ProcessRef(1, "h", null, null, null);
              manifest(RUN, RunStatus.QUEUED, T0, T0, List.of(), Map.of());
              new Attempt(ATTEMPT, T0, null, null, null, null, null, null, false);
              new WaitMarker(T0, null, "");
              new Failure("C", "", null, null, null, null, T0);
              new TaskState(TASK_A, TaskStatus.QUEUED, List.of(), false, null, null, null, null);
              new HeartbeatSlot(ATTEMPT, 0, T0, 0, null, false);
              new DeadletterEntry(
                  DL, RUN, null, null, null, DeadletterReason.MANUAL, 0, null, T0, 0);
              new Delivery(DeliveryId.of("d"), DeliveryKind.STEER, RUN, null, "", T0, 0, 0);
              new ProcessExit(WORKER, null);
            })
        .doesNotThrowAnyException();
  }
}
