package dev.crewrecovery.core;

import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.VerdictKind;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link Recovery#apply} did with a plan. Immutable.
 *
 * @param runId the run
 * @param status APPLIED or SKIPPED
 * @param freshVerdict the verdict re-decided when applying, or null when none was reached
 * @param action the plan's action
 * @param detail why, in words
 * @param report for an applied DIAGNOSE, the report built (and where it was stored); else null
 */
public record ApplyResult(
    RunId runId,
    Status status,
    @Nullable VerdictKind freshVerdict,
    RecoveryAction action,
    String detail,
    @Nullable DiagnosisReport report) {

  /** Whether the plan was applied. */
  public enum Status {
    /**
     * The action was applied (for NO_OP: nothing to write; for DIAGNOSE: the report was built and
     * handed to the session's {@link ReportSink}, the snapshot untouched).
     */
    APPLIED,
    /**
     * Nothing was written: the fresh verdict or policy action differs from the plan's, a live
     * session owns the run and the plan is not forced, or this version does not apply the action.
     */
    SKIPPED
  }

  /** Validates the components. */
  public ApplyResult {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(detail, "detail");
  }

  /**
   * Creates a result without a report.
   *
   * @param runId the run
   * @param status APPLIED or SKIPPED
   * @param freshVerdict the verdict re-decided when applying, or null when none was reached
   * @param action the plan's action
   * @param detail why, in words
   */
  public ApplyResult(
      RunId runId,
      Status status,
      @Nullable VerdictKind freshVerdict,
      RecoveryAction action,
      String detail) {
    this(runId, status, freshVerdict, action, detail, null);
  }
}
