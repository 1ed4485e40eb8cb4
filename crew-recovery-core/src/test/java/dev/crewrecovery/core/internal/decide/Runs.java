package dev.crewrecovery.core.internal.decide;

import dev.crewrecovery.api.ApprovalMarker;
import dev.crewrecovery.api.ApprovalState;
import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Lease;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskResult;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.WaitMarker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Small builders of runs and evidence for the decision tests (core tests never use the testkit).
 */
final class Runs {
  static final Instant NOW = Instant.parse("2030-06-01T12:00:00Z");
  static final String HOST = "host-a";
  static final String OTHER_HOST = "host-b";
  static final RunId RUN = RunId.of("run-1");
  static final DecisionPolicy POLICY = DecisionPolicy.defaults(HOST);
  static final SessionId REMOTE_SESSION = SessionId.of("remote-session");

  private Runs() {}

  static Instant ago(Duration d) {
    return NOW.minus(d);
  }

  static Instant ago(long amount, java.time.temporal.ChronoUnit unit) {
    return NOW.minus(Duration.of(amount, unit));
  }

  static ProcessRef localRef(long pid) {
    return ProcessRef.linux(pid, HOST, "boot-1", 1000 + pid);
  }

  static ProcessRef remoteRef(long pid) {
    return ProcessRef.linux(pid, OTHER_HOST, "boot-9", 1000 + pid);
  }

  static AttemptId attempt(String task, int n) {
    return AttemptId.of(RUN, TaskId.of(task), n);
  }

  static Lease leaseRenewed(Instant renewedAt) {
    return new Lease(REMOTE_SESSION, 3, renewedAt.minus(Duration.ofHours(1)), renewedAt, false);
  }

  static Lease releasedLease() {
    return new Lease(REMOTE_SESSION, 3, ago(Duration.ofHours(1)), NOW, true);
  }

  static RunBuilder run(RunStatus status) {
    return new RunBuilder(status);
  }

  static TaskBuilder task(String id, TaskStatus status) {
    return new TaskBuilder(id, status);
  }

  /** A run; its manifest was updated at NOW unless told otherwise. */
  static final class RunBuilder {
    private final RunStatus status;
    private Instant updatedAt = NOW;
    private long epoch = 1;
    private @Nullable ProcessRef runner;
    private @Nullable SessionId runnerVouchedBy;
    private @Nullable ApprovalMarker approval;
    private final List<TaskState> tasks = new ArrayList<>();

    RunBuilder(RunStatus status) {
      this.status = status;
    }

    RunBuilder updatedAt(Instant at) {
      this.updatedAt = at;
      return this;
    }

    RunBuilder epoch(long epoch) {
      this.epoch = epoch;
      return this;
    }

    RunBuilder runner(ProcessRef ref) {
      return runner(ref, null);
    }

    RunBuilder runner(ProcessRef ref, @Nullable SessionId vouchedBy) {
      this.runner = ref;
      this.runnerVouchedBy = vouchedBy;
      return this;
    }

    RunBuilder approval(ApprovalState state, Instant askedAt) {
      this.approval = new ApprovalMarker(askedAt, state);
      return this;
    }

    RunBuilder task(TaskBuilder task) {
      tasks.add(task.build());
      return this;
    }

    RunBuilder task(TaskState task) {
      tasks.add(task);
      return this;
    }

    RunSnapshot snapshot() {
      Manifest m =
          new Manifest(
              RUN,
              status,
              null,
              epoch,
              updatedAt.minus(Duration.ofDays(3)),
              updatedAt,
              runner,
              runnerVouchedBy,
              null,
              approval,
              List.of(),
              null,
              Map.of());
      return new RunSnapshot(7, m, tasks);
    }

    Evidence.Builder evidence() {
      return Evidence.builder(snapshot());
    }
  }

  /**
   * A task. RUNNING, WAITING and terminal tasks have one current attempt started two days ago (more
   * attempts with {@link #attempts(int)}); QUEUED tasks have none. No timestamps unless set.
   */
  static final class TaskBuilder {
    private final String id;
    private final TaskStatus status;
    private int attempts;
    private boolean current;
    private @Nullable ProcessRef worker;
    private @Nullable SessionId vouchedBy;
    private boolean result;
    private @Nullable Instant lastSeenAt;
    private @Nullable Instant lastActivityAt;
    private @Nullable WaitMarker marker;

    TaskBuilder(String id, TaskStatus status) {
      this.id = id;
      this.status = status;
      this.attempts = status == TaskStatus.QUEUED ? 0 : 1;
      this.current = status != TaskStatus.QUEUED;
    }

    TaskBuilder attempts(int n) {
      this.attempts = n;
      return this;
    }

    TaskBuilder notCurrent() {
      this.current = false;
      return this;
    }

    TaskBuilder worker(ProcessRef ref) {
      return worker(ref, null);
    }

    TaskBuilder worker(ProcessRef ref, @Nullable SessionId vouchedBy) {
      this.worker = ref;
      this.vouchedBy = vouchedBy;
      return this;
    }

    TaskBuilder result() {
      this.result = true;
      return this;
    }

    TaskBuilder seen(@Nullable Instant at) {
      this.lastSeenAt = at;
      return this;
    }

    TaskBuilder active(@Nullable Instant at) {
      this.lastActivityAt = at;
      return this;
    }

    TaskBuilder waitingSince(Instant askedAt) {
      return waitingSince(askedAt, null);
    }

    TaskBuilder waitingSince(Instant askedAt, @Nullable Instant deadline) {
      this.marker = new WaitMarker(askedAt, deadline, "which colour?");
      return this;
    }

    AttemptId currentAttempt() {
      return attempt(id, attempts);
    }

    TaskState build() {
      List<Attempt> list = new ArrayList<>();
      for (int n = 1; n <= attempts; n++) {
        Attempt a = Attempt.started(attempt(id, n), ago(Duration.ofDays(2)), null);
        if (n == attempts) {
          a = a.withWorker(worker, vouchedBy, null);
          if (result) {
            a = a.withResult(new TaskResult("out/" + id, ago(Duration.ofMinutes(1))));
          }
        }
        list.add(a);
      }
      return new TaskState(
          TaskId.of(id),
          status,
          list,
          current && attempts > 0,
          marker,
          null,
          lastSeenAt,
          lastActivityAt);
    }
  }
}
