package dev.crewrecovery.core;

import dev.crewrecovery.api.RunId;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A DIAGNOSE report of one run (DESIGN section 8): a self-contained JSON document for a human or a
 * tool, built without changing the run. Immutable.
 *
 * <p>The document is one JSON object, {@code "format": "crew-recovery.diagnosis/1"}, with: {@code
 * runId}, {@code generatedAt}, {@code session}; {@code verdict} (kind, rule, step, why, the
 * deferred kind, the repair it calls for, the tasks that made the rule fire, ages, the evidence
 * about every task and the runner); {@code policyAction}; {@code time} (wall and monotonic time of
 * the report, whether a discontinuity's grace window is open, the last forward wall step and
 * whether 24 h-rule repairs are only proposed); {@code summary} (run status, owner, epoch, version,
 * task counts by status); {@code snapshot} (manifest and tasks with every attempt, failure and log
 * path); {@code heartbeats} (the slots read for the report); {@code observations}; {@code probes}
 * (worker and runner liveness, keyed as the decision used them); {@code leases} (of the vouching
 * sessions and the owner); {@code events} (the run's last 200); {@code deadletters} (the run's
 * entries and marks, or {@code deadlettersError} when the store could not list them). Instants are
 * ISO-8601 strings, durations ISO-8601 durations.
 *
 * @param runId the run
 * @param at the wall time of the report (also the {@code epochMillis} of its file name)
 * @param json the JSON document
 * @param location where the session's {@link ReportSink} stored it (a file path with the file
 *     store's default sink), or null when it was stored nowhere
 */
public record DiagnosisReport(RunId runId, Instant at, String json, @Nullable String location) {

  /** Validates the components. */
  public DiagnosisReport {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(json, "json");
  }
}
