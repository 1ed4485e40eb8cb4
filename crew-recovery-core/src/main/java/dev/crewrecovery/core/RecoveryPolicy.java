package dev.crewrecovery.core;

import dev.crewrecovery.api.VerdictKind;
import java.util.Objects;

/**
 * Chooses the {@link RecoveryAction} for a verdict that calls for attention (DESIGN section 8).
 *
 * <p>Implementations must be pure and quick: the engine asks on its recovery thread and again
 * inside a run's exclusive update, where the action is re-checked on fresh evidence.
 */
@FunctionalInterface
public interface RecoveryPolicy {

  /**
   * What the policy is asked about.
   *
   * @param verdict the verdict of the run
   * @param workerAliveOrUnknown whether the worker of any RUNNING or WAITING task probes ALIVE or
   *     UNKNOWN
   * @param resumeBudgetAllows whether the crash-loop budget allows another RESUME
   */
  record Situation(VerdictKind verdict, boolean workerAliveOrUnknown, boolean resumeBudgetAllows) {
    /** Validates the components. */
    public Situation {
      Objects.requireNonNull(verdict, "verdict");
    }
  }

  /**
   * Chooses the action.
   *
   * @param situation the verdict and what the policy may weigh
   * @return the action, never null
   */
  RecoveryAction action(Situation situation);

  /**
   * Returns the default policy with RESUME and KILL_STALE off (the table of DESIGN section 8).
   *
   * @return the default policy
   */
  static RecoveryPolicy defaults() {
    return table(false, false);
  }

  /**
   * Returns the table of DESIGN section 8: {@code PROCESS_DEAD}, {@code STALE_NO_PROCESS} and
   * {@code ABANDONED} get RESUME when enabled and the budget allows, else FAIL; {@code
   * ALIVE_BUT_STALE} gets KILL_STALE when enabled, else FAIL when no worker is ALIVE or UNKNOWN,
   * else NO_OP; {@code RESULT_EXISTS} gets FINALIZE; {@code RESULT_READY_BLOCKED} gets DIAGNOSE;
   * every other verdict NO_OP.
   *
   * @param resume whether RESUME is enabled
   * @param killStale whether KILL_STALE is enabled
   * @return the policy
   */
  static RecoveryPolicy table(boolean resume, boolean killStale) {
    return s ->
        switch (s.verdict()) {
          case PROCESS_DEAD, STALE_NO_PROCESS, ABANDONED ->
              resume && s.resumeBudgetAllows() ? RecoveryAction.RESUME : RecoveryAction.FAIL;
          case ALIVE_BUT_STALE -> {
            if (killStale) {
              yield RecoveryAction.KILL_STALE;
            }
            yield s.workerAliveOrUnknown() ? RecoveryAction.NO_OP : RecoveryAction.FAIL;
          }
          case RESULT_EXISTS -> RecoveryAction.FINALIZE;
          case RESULT_READY_BLOCKED -> RecoveryAction.DIAGNOSE;
          default -> RecoveryAction.NO_OP;
        };
  }
}
