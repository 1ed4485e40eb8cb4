package dev.crewrecovery.core.waiting;

import dev.crewrecovery.api.NewEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
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
 * The child JVM of the cross-process await test: opens the file store at {@code args[0]}, cancels
 * run {@code args[1]} and every task of it in one update (as another host process would), prints
 * {@code DONE <version>} and exits.
 */
public final class AwaitChild {
  private AwaitChild() {}

  public static void main(String[] args) {
    RunId run = RunId.of(args[1]);
    try (FileRunStore store = FileRunStore.open(Path.of(args[0]))) {
      RunSnapshot done =
          store
              .update(
                  run,
                  (s, hb) -> {
                    List<TaskState> tasks = new ArrayList<>();
                    for (TaskState t : s.tasks()) {
                      tasks.add(t.toBuilder().status(TaskStatus.CANCELLED).build());
                    }
                    Instant now = Instant.now();
                    RunSnapshot next =
                        s.withTasks(tasks)
                            .withManifest(
                                s.manifest().toBuilder()
                                    .status(RunStatus.CANCELLED)
                                    .updatedAt(now)
                                    .build());
                    return Update.commit(
                        next, List.of(NewEvent.of("run.finished", now, Map.of("by", "child"))));
                  })
              .snapshot();
      System.out.println("DONE " + done.version());
      System.out.flush();
    }
  }
}
