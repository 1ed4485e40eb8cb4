package dev.crewrecovery.core;

import dev.crewrecovery.api.RunSnapshot;
import java.util.List;
import java.util.Objects;

/**
 * What a redrive of a deadletter entry did, or what its dry run would do (DESIGN section 10).
 *
 * <p>For a task entry the changes are, in order: the task requeued as a new attempt, the run moved
 * from its terminal status to RUNNING (only when it was terminal), the adoption by the redriving
 * session (owner and epoch + 1), and the redrive mark. For a {@code DELIVERY_FAILED} entry: the
 * delivery re-enqueued and the redrive mark; the run is not touched.
 *
 * @param entry the entry: after a written redrive, REDRIVEN with its new mark; after a dry run, as
 *     it is (OPEN)
 * @param changes the changes, one readable line each, in the order they are (or would be) made
 * @param snapshot the run's snapshot after the redrive: the committed one when written, the one
 *     that would be committed (version + 1 included) for a dry run, the unchanged current one for a
 *     delivery entry
 * @param written whether anything was written (false for a dry run)
 */
public record RedriveResult(
    DeadletterView entry, List<String> changes, RunSnapshot snapshot, boolean written) {

  /** Validates the components and copies the changes. */
  public RedriveResult {
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(snapshot, "snapshot");
    changes = List.copyOf(changes);
  }
}
