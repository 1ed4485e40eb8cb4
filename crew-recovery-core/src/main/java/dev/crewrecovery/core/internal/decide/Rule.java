package dev.crewrecovery.core.internal.decide;

import dev.crewrecovery.api.VerdictKind;

/**
 * The rule of DESIGN section 7 that fired, with its step. Steps are tried 0 to 6, first match wins;
 * deferral inside a grace window is a rule of the step it defers.
 */
public enum Rule {
  /** Step 0: the run is terminal. */
  RUN_TERMINAL(0, VerdictKind.TERMINAL, "the run is terminal"),
  /** Step 1: BLOCKED with a PENDING approval marker, which never expires. */
  APPROVAL_PENDING(1, VerdictKind.AWAITING_APPROVAL, "the run is BLOCKED awaiting approval"),
  /** Step 1: a WAITING task's wait marker is within its age and its deadline. */
  WAIT_MARKER_FRESH(1, VerdictKind.WAITING_ANSWER, "a task waits for an answer"),
  /** Step 1, deferred: a wait marker would shield the run but for its age. */
  WAIT_MARKER_AGE_DEFERRED(
      1, VerdictKind.DEFERRED, "a wait marker would shield the run but for its age (grace window)"),
  /** Step 2: every task is terminal or holds a result of its current attempt. */
  RESULTS_COMPLETE(
      2, VerdictKind.RESULT_EXISTS, "every task is terminal or has a result of its attempt"),
  /** Step 2: as {@link #RESULTS_COMPLETE}, but the run is BLOCKED and would complete. */
  RESULTS_READY_BLOCKED(
      2, VerdictKind.RESULT_READY_BLOCKED, "the run is BLOCKED and its results would complete it"),
  /** Step 3: the runner probes DEAD or RECYCLED, or is remotely dead. */
  RUNNER_DEAD(3, VerdictKind.PROCESS_DEAD, "the runner is dead"),
  /** Step 3, deferred: the runner is remotely dead by its lease's age. */
  RUNNER_REMOTE_DEATH_DEFERRED(
      3, VerdictKind.DEFERRED, "the runner is remotely dead by lease age (grace window)"),
  /** Step 4: no runner, and a task is live. */
  LIVE_TASK(4, VerdictKind.ACTIVE, "a task is live"),
  /** Step 4, deferred: no live task, and a task's class rests on an age. */
  TASK_AGE_DEFERRED(
      4, VerdictKind.DEFERRED, "a task is stale or remotely dead by lease age (grace window)"),
  /** Step 4: no runner, no live task, and a task is dead. */
  DEAD_TASK(4, VerdictKind.PROCESS_DEAD, "a task's worker is dead"),
  /** Step 4: no runner, no live or dead task, and a task is stale. */
  STALE_TASK(4, VerdictKind.STALE_NO_PROCESS, "a task is stale and no process is alive"),
  /** Step 4: no runner, every task silent or settled, and the manifest is untouched too long. */
  MANIFEST_ABANDONED(4, VerdictKind.ABANDONED, "the run was untouched too long"),
  /** Step 4, deferred: as {@link #MANIFEST_ABANDONED} inside a grace window. */
  ABANDONMENT_DEFERRED(
      4, VerdictKind.DEFERRED, "the run was untouched too long, by age alone (grace window)"),
  /** Step 4: nothing to judge by. */
  NOTHING_TO_JUDGE(4, VerdictKind.NO_EVIDENCE, "there is no evidence either way"),
  /** Step 5: the runner is ALIVE or UNKNOWN but nothing moved for too long. */
  RUNNER_ALIVE_BUT_STALE(
      5, VerdictKind.ALIVE_BUT_STALE, "the runner lives but nothing moved for too long"),
  /** Step 5, deferred: as {@link #RUNNER_ALIVE_BUT_STALE} inside a grace window. */
  RUNNER_STALENESS_DEFERRED(
      5, VerdictKind.DEFERRED, "the runner lives but nothing moved, by age alone (grace window)"),
  /** Step 6: nothing calls for attention. */
  HEALTHY(6, VerdictKind.HEALTHY, "the runner is not dead and the run moves");

  private final int step;
  private final VerdictKind kind;
  private final String text;

  Rule(int step, VerdictKind kind, String text) {
    this.step = step;
    this.kind = kind;
    this.text = text;
  }

  /** Returns the step of DESIGN section 7 this rule belongs to, 0 to 6. */
  public int step() {
    return step;
  }

  /** Returns the verdict kind this rule yields. */
  public VerdictKind kind() {
    return kind;
  }

  /** Returns the rule in words. */
  public String text() {
    return text;
  }
}
