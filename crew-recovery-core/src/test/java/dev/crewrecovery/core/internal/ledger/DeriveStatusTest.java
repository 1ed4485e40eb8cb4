package dev.crewrecovery.core.internal.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeriveStatusTest {
  private static final List<TaskStatus> TERMINAL =
      List.copyOf(
          EnumSet.of(
              TaskStatus.COMPLETED,
              TaskStatus.FAILED,
              TaskStatus.CANCELLED,
              TaskStatus.SKIPPED,
              TaskStatus.NEEDS_ATTENTION));

  private static List<TaskState> tasks(List<TaskStatus> statuses) {
    List<TaskState> out = new ArrayList<>();
    for (int i = 0; i < statuses.size(); i++) {
      out.add(TaskState.queued(TaskId.of("t" + i)).toBuilder().status(statuses.get(i)).build());
    }
    return out;
  }

  /** Every run of up to three terminal tasks, against the rule of DESIGN section 7 step 2. */
  @Test
  void exhaustiveOverRunsOfUpToThreeTerminalTasks() {
    List<List<TaskStatus>> runs = new ArrayList<>();
    runs.add(List.of());
    for (int size = 1; size <= 3; size++) {
      List<List<TaskStatus>> next = new ArrayList<>();
      for (List<TaskStatus> r : runs) {
        if (r.size() == size - 1) {
          for (TaskStatus s : TERMINAL) {
            List<TaskStatus> longer = new ArrayList<>(r);
            longer.add(s);
            next.add(longer);
          }
        }
      }
      runs.addAll(next);
    }
    for (List<TaskStatus> r : runs) {
      RunStatus expected;
      if (r.contains(TaskStatus.FAILED) || r.contains(TaskStatus.NEEDS_ATTENTION)) {
        expected = RunStatus.FAILED;
      } else if (r.stream().allMatch(s -> s == TaskStatus.CANCELLED || s == TaskStatus.SKIPPED)) {
        expected = RunStatus.CANCELLED;
      } else {
        expected = RunStatus.COMPLETED;
      }
      assertThat(Ledger.derive(tasks(r))).as("%s", r).isEqualTo(expected);
    }
    assertThat(runs).hasSize(1 + 5 + 25 + 125);
  }
}
