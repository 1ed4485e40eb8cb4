package dev.crewrecovery.api.spi;

import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.TaskId;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Selects deadletter entries by their stored fields; every null component matches everything. The
 * time range is inclusive at both ends. (An entry's computed state is filtered by core, which knows
 * the runs.)
 *
 * @param runId only entries of this run
 * @param taskId only entries of this task
 * @param reason only entries with this reason
 * @param from only entries written at or after this instant
 * @param to only entries written at or before this instant
 */
public record DeadletterFilter(
    @Nullable RunId runId,
    @Nullable TaskId taskId,
    @Nullable DeadletterReason reason,
    @Nullable Instant from,
    @Nullable Instant to) {

  /** Returns the filter that matches every entry. */
  public static DeadletterFilter all() {
    return new DeadletterFilter(null, null, null, null, null);
  }

  /** Returns the filter of one run's entries. */
  public static DeadletterFilter ofRun(RunId runId) {
    return new DeadletterFilter(runId, null, null, null, null);
  }

  /**
   * Returns whether an entry matches.
   *
   * @param e the entry
   * @return true when every non-null component matches
   */
  public boolean matches(DeadletterEntry e) {
    return (runId == null || runId.equals(e.runId()))
        && (taskId == null || taskId.equals(e.taskId()))
        && (reason == null || reason == e.reason())
        && (from == null || !e.at().isBefore(from))
        && (to == null || !e.at().isAfter(to));
  }
}
