package dev.crewrecovery.testkit.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskResult;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.api.WaitMarker;
import dev.crewrecovery.core.RecoveryAction;
import dev.crewrecovery.core.internal.decide.Decider;
import dev.crewrecovery.core.internal.decide.DecisionPolicy;
import dev.crewrecovery.core.internal.decide.Evidence;
import dev.crewrecovery.core.internal.decide.TimeState;
import dev.crewrecovery.core.internal.decide.Verdict;
import dev.crewrecovery.core.internal.recovery.RunRepair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The repair of DESIGN section 7 over every two-task run of every non-terminal status: terminal
 * tasks are untouched, results win, QUEUED tasks are cancelled, the others fail with WORKER_LOST,
 * and every move passes the transition tables (an illegal one would throw).
 */
class RunRepairExhaustiveTest {
  private static final RunId RUN = RunId.of("r");
  private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
  private static final Instant NOW = T.plus(Duration.ofHours(30));
  private static final DecisionPolicy POLICY = DecisionPolicy.defaults(Host.HOST);

  /** One way a task can be: its status, and whether its current attempt holds a result. */
  private record Kind(TaskStatus status, boolean result) {}

  private static List<Kind> kinds() {
    List<Kind> out = new ArrayList<>();
    for (TaskStatus s : TaskStatus.values()) {
      out.add(new Kind(s, false));
      if (s == TaskStatus.RUNNING || s == TaskStatus.WAITING) {
        out.add(new Kind(s, true));
      }
    }
    return out;
  }

  private static TaskState task(String id, Kind k) {
    TaskId taskId = TaskId.of(id);
    if (k.status() == TaskStatus.QUEUED) {
      return TaskState.queued(taskId);
    }
    Attempt a = Attempt.started(AttemptId.of(RUN, taskId, 1), T, null);
    if (k.result()) {
      a = a.withResult(new TaskResult("r", T));
    }
    WaitMarker marker = k.status() == TaskStatus.WAITING ? new WaitMarker(T, null, "?") : null;
    return new TaskState(taskId, k.status(), List.of(a), true, marker, null, T, null);
  }

  @Test
  void everyTwoTaskRunOfEveryNonTerminalStatus() {
    int cases = 0;
    for (RunStatus runStatus : RunStatus.values()) {
      if (runStatus.isTerminal()) {
        continue;
      }
      for (Kind k1 : kinds()) {
        for (Kind k2 : kinds()) {
          Manifest m = Manifest.created(RUN, null, T).toBuilder().status(runStatus).build();
          RunSnapshot s = new RunSnapshot(7, m, List.of(task("a", k1), task("b", k2)));
          Verdict v = Decider.decide(Evidence.of(s), NOW, TimeState.calm(), POLICY);
          String name = runStatus + " " + k1 + " " + k2 + " " + v.kind();

          RunSnapshot out =
              RunRepair.repair(s, v, RecoveryAction.FAIL, NOW, null, 3, Map.of()).next();

          assertThat(out.version()).as(name).isEqualTo(7);
          assertThat(out.status()).as(name).isEqualTo(RunStatus.FAILED);
          assertThat(out.manifest().updatedAt()).as(name).isEqualTo(NOW);
          assertThat(out.manifest().epoch()).as(name).isEqualTo(3);
          assertThat(out.manifest().summary()).as(name).contains(v.kind().toString());
          for (int i = 0; i < 2; i++) {
            TaskState before = s.tasks().get(i);
            TaskState after = out.tasks().get(i);
            assertThat(after.status().isTerminal()).as(name).isTrue();
            assertThat(after.waitMarker()).as(name).isNull();
            if (before.status().isTerminal()) {
              assertThat(after).as(name + ": terminal untouched").isEqualTo(before);
            } else if (before.status() == TaskStatus.QUEUED) {
              assertThat(after.status()).as(name).isEqualTo(TaskStatus.CANCELLED);
            } else if (before.hasCurrentResult()) {
              assertThat(after.status()).as(name + ": result wins").isEqualTo(TaskStatus.COMPLETED);
              assertThat(after.currentAttempt().orElseThrow().failure()).as(name).isNull();
            } else {
              assertThat(after.status()).as(name).isEqualTo(TaskStatus.FAILED);
              Failure f = after.currentAttempt().orElseThrow().failure();
              assertThat(f).as(name).isNotNull();
              assertThat(f.code()).as(name).isEqualTo(Failure.WORKER_LOST);
              assertThat(f.verdict()).as(name).isEqualTo(v.kind());
            }
          }

          if (v.kind() == VerdictKind.RESULT_EXISTS) {
            RunSnapshot fin =
                RunRepair.repair(s, v, RecoveryAction.FINALIZE, NOW, null, 3, Map.of()).next();
            assertThat(fin.status()).as(name).isEqualTo(v.derivedStatus());
            for (int i = 0; i < 2; i++) {
              TaskState before = s.tasks().get(i);
              TaskState after = fin.tasks().get(i);
              if (before.status().isTerminal()) {
                assertThat(after).as(name).isEqualTo(before);
              } else {
                assertThat(after.status()).as(name).isEqualTo(TaskStatus.COMPLETED);
              }
            }
          }
          cases++;
        }
      }
    }
    assertThat(cases).isEqualTo(4 * 10 * 10);
  }
}
