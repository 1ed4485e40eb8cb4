package dev.crewrecovery.core;

import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.VerdictKind;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What one recovery pass concluded, run by run, in the order the store listed them. Immutable.
 *
 * @param at the wall time at which the pass started
 * @param runs one entry per active run the pass listed
 */
public record ReconcileReport(Instant at, List<RunReport> runs) {

  /** What came of one run. */
  public enum Outcome {
    /**
     * The run was repaired (FAIL, or task-level repair of dead workers) and committed; a FAIL that
     * replaced a RESUME the crash-loop budget refused says {@code CRASH_LOOP} in its detail.
     */
    REPAIRED,
    /** The run was resumed (RESUME): adopted, its unfinished tasks requeued. */
    RESUMED,
    /** The run was finalized ({@code RESULT_EXISTS}) and committed. */
    FINALIZED,
    /** The run, owned by an older incarnation of this session, was adopted. */
    ADOPTED,
    /**
     * The verdict calls for attention that is not applied automatically (an age-only verdict of an
     * owned run, DIAGNOSE, a proposal, or an action this version does not apply): reported only.
     */
    REPORTED,
    /** Nothing to do: the verdict calls for no action. */
    NOTHING_TO_DO,
    /** A live session other than this one owns the run: not touched. */
    LIVE_OWNER,
    /**
     * The run changed between listing and locking (finished, became shielded, adopted by another
     * session, or its verdict moved): nothing was written.
     */
    CHANGED,
    /** The run could not be read or written (lock timeout, corrupt, unsupported, I/O). */
    ERROR,
    /** The store lists the run's marker but its snapshot is missing or quarantined. */
    ORPHANED_MARKER
  }

  /**
   * What came of one run.
   *
   * @param runId the run
   * @param verdict the verdict the pass reached on the listed state, or null when none was reached
   * @param action the action chosen for it, or null when none applies
   * @param outcome what came of it
   * @param detail why, in words (the verdict's reason, or the error)
   * @param report the DIAGNOSE report the pass built for the run, or null: a pass builds one when
   *     the policy's action is DIAGNOSE and the verdict differs from the last one recorded for the
   *     run (so once per verdict, not at every pass)
   */
  public record RunReport(
      RunId runId,
      @Nullable VerdictKind verdict,
      @Nullable RecoveryAction action,
      Outcome outcome,
      String detail,
      @Nullable DiagnosisReport report) {
    /** Validates the components. */
    public RunReport {
      Objects.requireNonNull(runId, "runId");
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(detail, "detail");
    }

    /**
     * Creates the report of a run without a DIAGNOSE report.
     *
     * @param runId the run
     * @param verdict the verdict, or null when none was reached
     * @param action the action, or null when none applies
     * @param outcome what came of it
     * @param detail why, in words
     */
    public RunReport(
        RunId runId,
        @Nullable VerdictKind verdict,
        @Nullable RecoveryAction action,
        Outcome outcome,
        String detail) {
      this(runId, verdict, action, outcome, detail, null);
    }
  }

  /** Validates the components and copies the list. */
  public ReconcileReport {
    Objects.requireNonNull(at, "at");
    runs = List.copyOf(runs);
  }

  /**
   * Returns the report of one run, if the pass listed it.
   *
   * @param runId the run
   * @return its report
   */
  public Optional<RunReport> run(RunId runId) {
    for (RunReport r : runs) {
      if (r.runId().equals(runId)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
