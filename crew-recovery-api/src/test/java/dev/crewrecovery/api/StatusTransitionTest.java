package dev.crewrecovery.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The transition tables of DESIGN section 3, checked triple by triple against a literal copy of the
 * tables written here independently of the enums' switch statements.
 */
class StatusTransitionTest {

  private static final String ANY = "ORDINARY RESUME RETRY REDRIVE";
  private static final String EXPLICIT = "RESUME RETRY REDRIVE";

  /** DESIGN section 3, run table: from, to, the reasons that may make the move. */
  private static final String[][] RUN_TABLE = {
    {"QUEUED", "PLANNING", ANY},
    {"QUEUED", "RUNNING", ANY},
    {"QUEUED", "CANCELLED", ANY},
    {"QUEUED", "FAILED", ANY},
    {"PLANNING", "RUNNING", ANY},
    {"PLANNING", "BLOCKED", ANY},
    {"PLANNING", "CANCELLED", ANY},
    {"PLANNING", "FAILED", ANY},
    {"RUNNING", "BLOCKED", ANY},
    {"RUNNING", "COMPLETED", ANY},
    {"RUNNING", "FAILED", ANY},
    {"RUNNING", "CANCELLED", ANY},
    {"BLOCKED", "RUNNING", ANY},
    {"BLOCKED", "CANCELLED", ANY},
    {"BLOCKED", "FAILED", ANY},
    {"COMPLETED", "RUNNING", EXPLICIT},
    {"COMPLETED", "CANCELLED", ANY},
    {"FAILED", "RUNNING", EXPLICIT},
    {"FAILED", "CANCELLED", ANY},
    {"CANCELLED", "RUNNING", EXPLICIT},
  };

  /** DESIGN section 3, task table: from, to, the reasons that may make the move. */
  private static final String[][] TASK_TABLE = {
    {"QUEUED", "RUNNING", ANY},
    {"QUEUED", "CANCELLED", ANY},
    {"QUEUED", "SKIPPED", ANY},
    {"QUEUED", "FAILED", ANY},
    {"RUNNING", "COMPLETED", ANY},
    {"RUNNING", "FAILED", ANY},
    {"RUNNING", "CANCELLED", ANY},
    {"RUNNING", "QUEUED", ANY},
    {"RUNNING", "WAITING", ANY},
    {"RUNNING", "NEEDS_ATTENTION", ANY},
    {"WAITING", "RUNNING", ANY},
    {"WAITING", "QUEUED", ANY},
    {"WAITING", "COMPLETED", ANY},
    {"WAITING", "FAILED", ANY},
    {"WAITING", "CANCELLED", ANY},
    {"WAITING", "NEEDS_ATTENTION", ANY},
    {"COMPLETED", "QUEUED", "RETRY REDRIVE"},
    {"FAILED", "QUEUED", EXPLICIT},
    {"FAILED", "CANCELLED", ANY},
    {"CANCELLED", "QUEUED", EXPLICIT},
    {"SKIPPED", "QUEUED", EXPLICIT},
    {"SKIPPED", "CANCELLED", ANY},
    {"NEEDS_ATTENTION", "QUEUED", EXPLICIT},
    {"NEEDS_ATTENTION", "RUNNING", EXPLICIT},
  };

  private static final Map<String, Set<TransitionReason>> RUN_ALLOWED = index(RUN_TABLE);
  private static final Map<String, Set<TransitionReason>> TASK_ALLOWED = index(TASK_TABLE);

  private static Map<String, Set<TransitionReason>> index(String[][] table) {
    Map<String, Set<TransitionReason>> out = new HashMap<>();
    for (String[] row : table) {
      Set<TransitionReason> reasons =
          Arrays.stream(row[2].split(" "))
              .map(TransitionReason::valueOf)
              .collect(Collectors.toCollection(() -> EnumSet.noneOf(TransitionReason.class)));
      if (out.put(row[0] + ">" + row[1], reasons) != null) {
        throw new IllegalStateException("row listed twice: " + row[0] + " > " + row[1]);
      }
    }
    return out;
  }

  private static boolean runTableAllows(RunStatus from, RunStatus to, TransitionReason reason) {
    return RUN_ALLOWED.getOrDefault(from + ">" + to, Set.of()).contains(reason);
  }

  private static boolean taskTableAllows(TaskStatus from, TaskStatus to, TransitionReason reason) {
    return TASK_ALLOWED.getOrDefault(from + ">" + to, Set.of()).contains(reason);
  }

  static Stream<Arguments> runTriples() {
    return Arrays.stream(RunStatus.values())
        .flatMap(
            from ->
                Arrays.stream(RunStatus.values())
                    .flatMap(
                        to ->
                            Arrays.stream(TransitionReason.values())
                                .map(reason -> Arguments.of(from, to, reason))));
  }

  static Stream<Arguments> taskTriples() {
    return Arrays.stream(TaskStatus.values())
        .flatMap(
            from ->
                Arrays.stream(TaskStatus.values())
                    .flatMap(
                        to ->
                            Arrays.stream(TransitionReason.values())
                                .map(reason -> Arguments.of(from, to, reason))));
  }

  @Test
  void everyTableRowNamesRealStatuses() {
    for (String[] row : RUN_TABLE) {
      assertThat(RunStatus.valueOf(row[0])).isNotNull();
      assertThat(RunStatus.valueOf(row[1])).isNotNull();
    }
    for (String[] row : TASK_TABLE) {
      assertThat(TaskStatus.valueOf(row[0])).isNotNull();
      assertThat(TaskStatus.valueOf(row[1])).isNotNull();
    }
    assertThat(runTriples()).hasSize(7 * 7 * 4);
    assertThat(taskTriples()).hasSize(8 * 8 * 4);
  }

  @ParameterizedTest(name = "run {0} -> {1} ({2})")
  @MethodSource("runTriples")
  void runMoveIsAllowedExactlyWhenTheTableSaysSo(
      RunStatus from, RunStatus to, TransitionReason reason) {
    boolean expected = runTableAllows(from, to, reason);
    assertThat(from.canMoveTo(to, reason)).isEqualTo(expected);
    assertThat(from.allowedTargets(reason).contains(to)).isEqualTo(expected);
    RunId run = RunId.of("run-42");
    if (expected) {
      assertThatCode(() -> from.checkMoveTo(run, to, reason)).doesNotThrowAnyException();
    } else {
      assertThatThrownBy(() -> from.checkMoveTo(run, to, reason))
          .isExactlyInstanceOf(IllegalTransitionException.class)
          .hasMessageContaining("run-42")
          .hasMessageContaining(from + " -> " + to)
          .satisfies(
              e -> {
                IllegalTransitionException ite = (IllegalTransitionException) e;
                assertThat(ite.from()).isEqualTo(from);
                assertThat(ite.to()).isEqualTo(to);
                assertThat(ite.runStatus()).isNull();
              });
    }
  }

  @ParameterizedTest(name = "task {0} -> {1} ({2})")
  @MethodSource("taskTriples")
  void taskMoveIsAllowedExactlyWhenTheTableSaysSo(
      TaskStatus from, TaskStatus to, TransitionReason reason) {
    boolean expected = taskTableAllows(from, to, reason);
    assertThat(from.canMoveTo(to, reason)).isEqualTo(expected);
    assertThat(from.allowedTargets(reason).contains(to)).isEqualTo(expected);
    TaskId task = TaskId.of("task-42");
    // In a run that is not terminal, only the task table decides.
    for (RunStatus run : EnumSet.of(RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.BLOCKED)) {
      if (expected) {
        assertThatCode(() -> from.checkMoveTo(run, task, to, reason)).doesNotThrowAnyException();
      } else {
        assertThatThrownBy(() -> from.checkMoveTo(run, task, to, reason))
            .isExactlyInstanceOf(IllegalTransitionException.class)
            .hasMessageContaining("task-42")
            .hasMessageContaining(from + " -> " + to)
            .satisfies(
                e -> {
                  IllegalTransitionException ite = (IllegalTransitionException) e;
                  assertThat(ite.from()).isEqualTo(from);
                  assertThat(ite.to()).isEqualTo(to);
                  assertThat(ite.runStatus()).isNull();
                });
      }
    }
  }

  @Test
  void terminalSetsAreExact() {
    assertThat(
            Arrays.stream(RunStatus.values())
                .filter(RunStatus::isTerminal)
                .collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED);
    assertThat(
            Arrays.stream(TaskStatus.values())
                .filter(TaskStatus::isTerminal)
                .collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(
            TaskStatus.COMPLETED,
            TaskStatus.FAILED,
            TaskStatus.CANCELLED,
            TaskStatus.SKIPPED,
            TaskStatus.NEEDS_ATTENTION);
    assertThat(RunStatus.BLOCKED.isTerminal()).isFalse();
    assertThat(TaskStatus.WAITING.isTerminal()).isFalse();
  }

  @Test
  void enumsHoldExactlyTheStatusesOfTheDesign() {
    assertThat(RunStatus.values())
        .extracting(Enum::name)
        .containsExactly(
            "QUEUED", "PLANNING", "RUNNING", "BLOCKED", "COMPLETED", "FAILED", "CANCELLED");
    assertThat(TaskStatus.values())
        .extracting(Enum::name)
        .containsExactly(
            "QUEUED",
            "RUNNING",
            "WAITING",
            "COMPLETED",
            "FAILED",
            "CANCELLED",
            "SKIPPED",
            "NEEDS_ATTENTION");
    assertThat(TransitionReason.values())
        .extracting(Enum::name)
        .containsExactly("ORDINARY", "RESUME", "RETRY", "REDRIVE");
    assertThat(TransitionReason.ORDINARY.isExplicit()).isFalse();
    assertThat(EnumSet.complementOf(EnumSet.of(TransitionReason.ORDINARY)))
        .allMatch(TransitionReason::isExplicit);
  }

  @Test
  void completedTaskIsRequeuedOnlyByRetryOrRedrive() {
    assertThat(TaskStatus.COMPLETED.canMoveTo(TaskStatus.QUEUED, TransitionReason.RETRY)).isTrue();
    assertThat(TaskStatus.COMPLETED.canMoveTo(TaskStatus.QUEUED, TransitionReason.REDRIVE))
        .isTrue();
    assertThat(TaskStatus.COMPLETED.canMoveTo(TaskStatus.QUEUED, TransitionReason.RESUME))
        .isFalse();
    assertThat(TaskStatus.COMPLETED.canMoveTo(TaskStatus.QUEUED, TransitionReason.ORDINARY))
        .isFalse();
    for (TransitionReason reason : TransitionReason.values()) {
      assertThat(TaskStatus.COMPLETED.allowedTargets(reason))
          .isSubsetOf(EnumSet.of(TaskStatus.QUEUED));
    }
  }

  @Test
  void noTransitionLeadsIntoRunQueued() {
    for (RunStatus from : RunStatus.values()) {
      for (TransitionReason reason : TransitionReason.values()) {
        assertThat(from.canMoveTo(RunStatus.QUEUED, reason)).as("%s (%s)", from, reason).isFalse();
      }
    }
  }

  @Test
  void noStatusMovesToItself() {
    for (TransitionReason reason : TransitionReason.values()) {
      for (RunStatus s : RunStatus.values()) {
        assertThat(s.canMoveTo(s, reason)).isFalse();
      }
      for (TaskStatus s : TaskStatus.values()) {
        assertThat(s.canMoveTo(s, reason)).isFalse();
      }
    }
  }

  @Test
  void terminalStatesAreAbsorbingForOrdinaryWritesExceptIntoCancelled() {
    for (RunStatus from : RunStatus.values()) {
      if (from.isTerminal()) {
        assertThat(from.allowedTargets(TransitionReason.ORDINARY))
            .isSubsetOf(EnumSet.of(RunStatus.CANCELLED));
      }
    }
    for (TaskStatus from : TaskStatus.values()) {
      if (from.isTerminal()) {
        assertThat(from.allowedTargets(TransitionReason.ORDINARY))
            .isSubsetOf(EnumSet.of(TaskStatus.CANCELLED));
      }
    }
  }

  @Test
  void nullArgumentsAreRejected() {
    assertThatThrownBy(() -> RunStatus.RUNNING.canMoveTo(null, TransitionReason.ORDINARY))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> RunStatus.RUNNING.canMoveTo(RunStatus.FAILED, null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> TaskStatus.RUNNING.canMoveTo(null, TransitionReason.ORDINARY))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(
            () ->
                TaskStatus.RUNNING.checkMoveTo(
                    null, TaskId.of("t"), TaskStatus.FAILED, TransitionReason.ORDINARY))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void runRejectionNamesWhatIsAllowed() {
    assertThatThrownBy(
            () ->
                RunStatus.COMPLETED.checkMoveTo(
                    RunId.of("r"), RunStatus.RUNNING, TransitionReason.ORDINARY))
        .hasMessageContaining("COMPLETED -> RUNNING")
        .hasMessageContaining("[CANCELLED]")
        .hasMessageContaining("resume, retry or redrive: [RUNNING, CANCELLED]");
  }

  // ---- tasks of a terminal run ----

  static Stream<Arguments> terminalRunsAndReasons() {
    return Arrays.stream(RunStatus.values())
        .filter(RunStatus::isTerminal)
        .flatMap(run -> Arrays.stream(TransitionReason.values()).map(r -> Arguments.of(run, r)));
  }

  @ParameterizedTest(name = "run {0}, reason {1}")
  @MethodSource("terminalRunsAndReasons")
  void taskWritesToATerminalRunNeedAnExplicitReason(RunStatus run, TransitionReason reason) {
    TaskId task = TaskId.of("t-1");
    SoftAssertions softly = new SoftAssertions();
    for (TaskStatus from : TaskStatus.values()) {
      for (TaskStatus to : TaskStatus.values()) {
        Throwable thrown = catchThrowable(() -> from.checkMoveTo(run, task, to, reason));
        String what = from + " -> " + to + " in " + run + " run (" + reason + ")";
        if (reason == TransitionReason.ORDINARY) {
          softly.assertThat(thrown).as(what).isExactlyInstanceOf(IllegalTransitionException.class);
          if (thrown instanceof IllegalTransitionException ite) {
            softly.assertThat(ite.runStatus()).as(what).isEqualTo(run);
            softly.assertThat(ite.from()).as(what).isEqualTo(from);
            softly.assertThat(ite.to()).as(what).isEqualTo(to);
            softly
                .assertThat(ite.getMessage())
                .as(what)
                .contains(from.name(), to.name(), run.name(), "t-1");
          }
        } else if (taskTableAllows(from, to, reason)) {
          softly.assertThat(thrown).as(what).isNull();
        } else {
          softly.assertThat(thrown).as(what).isExactlyInstanceOf(IllegalTransitionException.class);
          if (thrown instanceof IllegalTransitionException ite) {
            softly.assertThat(ite.runStatus()).as(what).isNull();
          }
        }
      }
    }
    softly.assertAll();
  }

  private static Throwable catchThrowable(Runnable r) {
    try {
      r.run();
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }
}
