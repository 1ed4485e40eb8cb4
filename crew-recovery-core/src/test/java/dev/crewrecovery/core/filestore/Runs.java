package dev.crewrecovery.core.filestore;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.NewEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.core.FileRunStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Snapshot and store fixtures for the file store's tests. */
final class Runs {
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  private Runs() {}

  static FileRunStore open(Path root) {
    return FileRunStore.open(root, options().build());
  }

  static FileRunStore.Options.Builder options() {
    return FileRunStore.Options.builder()
        .clock(new TestClock(T0, Duration.ofMillis(20)))
        .lockTimeout(Duration.ofSeconds(2));
  }

  /** A QUEUED run with QUEUED tasks. */
  static RunSnapshot queued(String runId, String... tasks) {
    RunId id = RunId.of(runId);
    List<TaskState> ts = new ArrayList<>();
    for (String t : tasks) {
      ts.add(TaskState.queued(TaskId.of(t)));
    }
    return RunSnapshot.initial(Manifest.created(id, null, T0), ts);
  }

  static NewEvent event(String type) {
    return NewEvent.of(type, T0, Map.of("k", "v"));
  }

  /** Moves the run to RUNNING and starts attempt {@code n} of a task (attempts 1..n-1 ended). */
  static RunSnapshot running(RunSnapshot s, String task, int n) {
    TaskId tid = TaskId.of(task);
    TaskState t = s.task(tid).orElseThrow();
    List<Attempt> attempts = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      Attempt a = Attempt.started(AttemptId.of(s.runId(), tid, i), T0, null);
      attempts.add(i < n ? a.withEndedAt(T0) : a);
    }
    TaskState running =
        t.toBuilder().status(TaskStatus.RUNNING).attempts(attempts).attemptCurrent(true).build();
    return s.withManifest(s.manifest().toBuilder().status(RunStatus.RUNNING).build())
        .withTask(running);
  }

  static RunSnapshot withStatus(RunSnapshot s, RunStatus status) {
    return s.withManifest(s.manifest().toBuilder().status(status).build());
  }

  static RunSnapshot withTaskStatus(RunSnapshot s, String task, TaskStatus status) {
    TaskState t = s.task(TaskId.of(task)).orElseThrow();
    return s.withTask(t.toBuilder().status(status).waitMarker(null).build());
  }

  /** Increments the attribute "n" of the manifest. */
  static Update increment(RunSnapshot s) {
    int n = Integer.parseInt(s.manifest().attributes().getOrDefault("n", "0"));
    Map<String, String> attrs = new java.util.LinkedHashMap<>(s.manifest().attributes());
    attrs.put("n", Integer.toString(n + 1));
    return Update.commit(
        s.withManifest(s.manifest().toBuilder().attributes(attrs).build()),
        List.of(NewEvent.of("run.counted", T0, Map.of("n", Integer.toString(n + 1)))));
  }

  static int counter(RunSnapshot s) {
    return Integer.parseInt(s.manifest().attributes().getOrDefault("n", "0"));
  }
}
