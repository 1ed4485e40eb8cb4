package dev.crewrecovery.core.waiting;

import dev.crewrecovery.api.NewEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.core.FileRunStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The child JVM of {@link AwaitLatencyMeasurement}: cancels runs {@code m0 .. m<n-1>} of the store
 * at {@code args[0]} one by one, {@code args[2]} ms apart, printing {@code T <runId> <nanoTime>}
 * after each commit returned (System.nanoTime is CLOCK_MONOTONIC on Linux, shared by processes).
 */
public final class LatencyChild {
  private LatencyChild() {}

  public static void main(String[] args) throws InterruptedException {
    int n = Integer.parseInt(args[1]);
    long gapMs = Long.parseLong(args[2]);
    try (FileRunStore store = FileRunStore.open(Path.of(args[0]))) {
      for (int i = 0; i < n; i++) {
        RunId run = RunId.of("m" + i);
        store.update(
            run,
            (s, hb) -> {
              List<TaskState> tasks = new ArrayList<>();
              for (TaskState t : s.tasks()) {
                tasks.add(t.toBuilder().status(TaskStatus.CANCELLED).build());
              }
              Instant now = Instant.now();
              return Update.commit(
                  s.withTasks(tasks)
                      .withManifest(
                          s.manifest().toBuilder()
                              .status(RunStatus.CANCELLED)
                              .updatedAt(now)
                              .build()),
                  List.of(NewEvent.of("run.finished", now, Map.of("by", "child"))));
            });
        System.out.println("T " + run + " " + System.nanoTime());
        System.out.flush();
        Thread.sleep(gapMs); // spacing of a workload, not synchronisation
      }
    }
  }
}
