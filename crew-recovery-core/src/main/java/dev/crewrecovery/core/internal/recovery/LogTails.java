package dev.crewrecovery.core.internal.recovery;

import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.core.internal.decide.Verdict;
import dev.crewrecovery.core.internal.logs.LogEvidence;

/**
 * Puts the log tails gathered before an update into the repair planned inside it (issue 9): the
 * {@code WORKER_LOST} failures it records on process evidence carry their log's tail, and its event
 * carries the dead runner's ({@code runnerLogTail}). Pure; called inside {@code RunStore.update},
 * where nothing is read from disk.
 */
final class LogTails {
  /** The event key of a dead runner's log tail. */
  static final String RUNNER_LOG_TAIL = "runnerLogTail";

  private LogTails() {}

  /**
   * Returns the repair with the tails that concern it.
   *
   * @param planned the planned repair
   * @param before the fresh snapshot it started from
   * @param fresh the fresh verdict it rests on
   * @param logs what was gathered before the update
   * @return the repair, with tails where known
   */
  static RunRepair.Result attach(
      RunRepair.Result planned, RunSnapshot before, Verdict fresh, LogEvidence.Gathered logs) {
    RunSnapshot next = logs.withTails(before, planned.next(), fresh);
    RunRepair.Result out =
        next.equals(planned.next()) ? planned : new RunRepair.Result(next, planned.event());
    String runnerTail = logs.runnerTailIfDead(before, fresh);
    return runnerTail == null ? out : RunRepair.marked(out, RUNNER_LOG_TAIL, runnerTail);
  }
}
