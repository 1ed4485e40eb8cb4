package dev.crewrecovery.api.spi;

import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunStatus;
import java.util.Objects;

/**
 * A committed change of a run, as published by a store's change feed.
 *
 * @param runId the run
 * @param version the committed version
 * @param status the run's status at that version
 */
public record RunChange(RunId runId, long version, RunStatus status) {
  /** Validates the components. */
  public RunChange {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(status, "status");
  }
}
