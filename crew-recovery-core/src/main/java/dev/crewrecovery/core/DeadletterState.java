package dev.crewrecovery.core;

/**
 * The state of a deadletter entry, computed on read from its marks and its run (DESIGN section 10).
 * The first that applies wins, in declaration order.
 *
 * <p>How {@link #SUPERSEDED} is judged:
 *
 * <ul>
 *   <li>An entry naming an attempt {@code n} of a task: the task is COMPLETED; or it has an attempt
 *       newer than {@code n}; or it is not terminal (QUEUED, RUNNING, WAITING) and attempt {@code
 *       n} is no longer current (it was requeued). A task that stays FAILED, CANCELLED, SKIPPED or
 *       NEEDS_ATTENTION with attempt {@code n} as its last attempt keeps the entry OPEN; so does a
 *       run or task the store no longer holds, or a snapshot that does not know attempt {@code n}.
 *   <li>A run-level entry (no attempt, no delivery; a MANUAL entry naming a task that had no
 *       attempt is one too): the run was resumed, retried or redriven after it. The snapshot keeps
 *       no log of those, so the judgment uses what every one of them leaves behind: the run's epoch
 *       is greater than the entry's (each of them adopts the run, epoch + 1), or the manifest's
 *       resume history holds a resume dated after the entry. An adoption or fencing repair that is
 *       none of the three also raises the epoch and so also supersedes a run-level entry: after it
 *       someone else acted on the run. An entry of epoch 0 (epoch unknown) is judged by the resume
 *       history alone. Writers of run-level entries must therefore record the epoch the run has
 *       <em>after</em> the update that wrote the entry.
 *   <li>A {@code DELIVERY_FAILED} entry is never superseded.
 * </ul>
 */
public enum DeadletterState {
  /** A discard mark exists. Closed. */
  DISCARDED,
  /** A redrive mark exists. Closed. */
  REDRIVEN,
  /** The run or task moved past the entry (see the class comment). Closed. */
  SUPERSEDED,
  /** None of the above: the entry still asks for attention. */
  OPEN;

  /**
   * Returns whether the entry is closed (any state but OPEN); closed entries are pruned first.
   *
   * @return true unless OPEN
   */
  public boolean isClosed() {
    return this != OPEN;
  }
}
