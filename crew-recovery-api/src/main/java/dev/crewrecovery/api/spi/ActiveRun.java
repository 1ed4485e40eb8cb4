package dev.crewrecovery.api.spi;

import dev.crewrecovery.api.RunId;
import java.util.Objects;

/**
 * An entry of a store's active-run index.
 *
 * @param runId the run
 * @param state ACTIVE, or ORPHANED_MARKER when the index names a run whose snapshot is missing or
 *     quarantined
 */
public record ActiveRun(RunId runId, State state) {

  /** The state of an index entry. */
  public enum State {
    /** A non-terminal run with a readable snapshot. */
    ACTIVE,
    /**
     * The marker exists but the snapshot is missing or quarantined; an operator must resolve it.
     */
    ORPHANED_MARKER
  }

  /** Validates the components. */
  public ActiveRun {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(state, "state");
  }
}
