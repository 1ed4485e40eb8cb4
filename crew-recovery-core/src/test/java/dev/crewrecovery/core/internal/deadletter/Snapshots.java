package dev.crewrecovery.core.internal.deadletter;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.ResumeRecord;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Small builders of snapshots for the deadletter tests. */
final class Snapshots {
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  static final RunId RUN = RunId.of("run-1");
  static final TaskId TASK = TaskId.of("task-1");

  private Snapshots() {}

  static AttemptId attempt(int n) {
    return AttemptId.of(RUN, TASK, n);
  }

  /** A task with attempts 1..count. */
  static TaskState task(TaskStatus status, int count, boolean current) {
    List<Attempt> attempts = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      attempts.add(Attempt.started(attempt(i), T0, null));
    }
    return new TaskState(TASK, status, attempts, current, null, null, null, null);
  }

  static RunSnapshot run(RunStatus status, long epoch, TaskState... tasks) {
    Manifest m = Manifest.created(RUN, null, T0).toBuilder().status(status).epoch(epoch).build();
    return new RunSnapshot(1, m, List.of(tasks));
  }

  static RunSnapshot withResumeAt(RunSnapshot s, Instant at) {
    return s.withManifest(
        s.manifest().toBuilder()
            .resumeHistory(
                List.of(new ResumeRecord(at, SessionId.of("s"), 1, s.manifest().epoch())))
            .build());
  }
}
