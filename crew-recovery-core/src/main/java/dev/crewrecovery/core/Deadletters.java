package dev.crewrecovery.core;

import dev.crewrecovery.api.DeadletterId;
import dev.crewrecovery.api.DeadletterNotFoundException;
import dev.crewrecovery.api.DeadletterNotOpenException;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunNotFoundException;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.spi.PruneResult;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.core.internal.deadletter.DefaultDeadletters;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The deadletter (DESIGN section 10): listing with computed states, discard, redrive, manual
 * entries and pruning. Entries are evidence, not verdicts: each listed entry's {@link
 * DeadletterState} is computed on read from its marks and the current snapshot of its run (see
 * {@link DeadletterState} for the exact rule). A run that cannot be read (missing, corrupt) leaves
 * its entries OPEN: nothing is closed, and so nothing is pruned, on uncertainty.
 *
 * <p>Time comes in as {@code now} arguments; the implementation reads no clock.
 *
 * <p><b>Threading.</b> Thread-safe; every call goes to the store. A state is computed from what the
 * store holds at the call, so two concurrent {@link #discard}s of one entry may both succeed (the
 * entry then has two discard marks and is DISCARDED either way).
 *
 * <p><b>Errors.</b> The store's exceptions propagate, except {@link
 * dev.crewrecovery.api.CorruptStateException} from reading a run, which leaves its entries OPEN.
 * Event appends that fail are logged.
 *
 * <p><b>Redrive and sessions.</b> A redrive adopts the run for the redriving session (epoch + 1),
 * so it needs a session: use the session-bound instance from {@link Recovery#deadletters()} of a
 * started {@link CrewRecovery}. The instance made by {@link #create} is not bound to a session and
 * refuses {@link #redrive} and {@link #previewRedrive} with {@link
 * dev.crewrecovery.api.RedriveRefusedException}; everything else works the same on both.
 */
public interface Deadletters {

  /**
   * Creates the deadletter service over a store, not bound to a session: it lists, discards,
   * appends and prunes, and refuses to redrive (see the class comment).
   *
   * @param store the store holding the entries and the runs
   * @param config retention and capacity
   * @param listener hears appends, discards and over-capacity
   * @param logger where warnings go
   * @return the service
   */
  static Deadletters create(
      RunStore store, DeadletterConfig config, DeadletterListener listener, System.Logger logger) {
    return new DefaultDeadletters(store, config, listener, logger);
  }

  /**
   * Lists the entries a query selects, oldest first, each with its computed state.
   *
   * @param query the selection (stored fields and computed state)
   * @return the matching entries
   */
  List<DeadletterView> list(DeadletterQuery query);

  /**
   * Finds one entry.
   *
   * @param id the entry id
   * @return the entry with its computed state, or empty when the store holds no such entry
   */
  Optional<DeadletterView> find(DeadletterId id);

  /**
   * Discards an OPEN entry: records a discard mark with the reason, durably. The entry is DISCARDED
   * from then on and pruned first. Appends a {@code deadletter.discarded} event to its run.
   *
   * @param id the entry
   * @param reason why it is discarded; not blank
   * @param now the instant of the mark
   * @return the entry, now DISCARDED
   * @throws DeadletterNotFoundException if the store holds no such entry
   * @throws DeadletterNotOpenException if its computed state is not OPEN (the message names it)
   * @throws IllegalArgumentException if {@code reason} is blank
   */
  DeadletterView discard(DeadletterId id, String reason, Instant now);

  /**
   * Redrives an OPEN entry (DESIGN section 10). For a task entry whose task is FAILED or CANCELLED,
   * in one update of its run: requeues the task as a new attempt (its next start creates attempt n
   * + 1), moves a terminal run to RUNNING, adopts the run for this session (owner := this
   * incarnation, epoch + 1) and appends one {@code run.redriven} event; then writes a redrive mark.
   * For a {@code DELIVERY_FAILED} entry it re-enqueues the delivery in this session's delivery
   * coordinator, without touching the run, then writes the mark. The checks are made again on the
   * fresh snapshot inside the update, so of two concurrent redrives of one entry exactly one
   * writes.
   *
   * <p>A crash between the run's update and the mark leaves the entry SUPERSEDED (its task was
   * requeued), which is closed too; it is never redriven twice.
   *
   * @param id the entry
   * @param now the instant of the redrive
   * @return what was done: the entry (REDRIVEN), the changes, the committed snapshot, written
   * @throws DeadletterNotFoundException if the store holds no such entry
   * @throws DeadletterNotOpenException if the entry is not OPEN: discarded, redriven, or its run or
   *     task moved on (the message says to what)
   * @throws dev.crewrecovery.api.RedriveRefusedException if redrive does not apply to the entry (a
   *     run-level entry, a task that is neither FAILED nor CANCELLED, a delivery that cannot be
   *     rebuilt) or this instance is not bound to a session
   * @throws RunNotFoundException if the store no longer holds the entry's run
   * @throws IllegalStateException if the session is not started or closed
   * @throws dev.crewrecovery.api.LeaseLostException if the session lost its lease
   */
  RedriveResult redrive(DeadletterId id, Instant now);

  /**
   * The dry run of {@link #redrive}: computes, on the run's current snapshot, exactly the changes a
   * redrive at {@code now} would make, and writes nothing (no update, no mark, no event, no lease
   * renewal). It refuses exactly when {@link #redrive} on the same snapshot would.
   *
   * @param id the entry
   * @param now the instant the redrive would be made at
   * @return what would be done: the entry as it is, the changes, the snapshot that would be
   *     committed (version + 1), not written
   * @throws DeadletterNotFoundException if the store holds no such entry
   * @throws DeadletterNotOpenException if the entry is not OPEN
   * @throws dev.crewrecovery.api.RedriveRefusedException if redrive does not apply to the entry or
   *     this instance is not bound to a session
   * @throws RunNotFoundException if the store no longer holds the entry's run
   * @throws IllegalStateException if the session is not started
   */
  RedriveResult previewRedrive(DeadletterId id, Instant now);

  /**
   * Appends a MANUAL entry. A task entry names the task's latest attempt when it has one, so it is
   * superseded like any task entry once the task moves past that attempt; its id is derived from
   * run, task, instant and message, so repeating the same call is a no-op. Appends a {@code
   * deadletter.appended} event to the run.
   *
   * @param runId the run
   * @param task the task, or null for a run-level entry
   * @param message what needs attention; not blank (kept as the entry's last error)
   * @param now the instant of the entry
   * @return the entry with its computed state
   * @throws RunNotFoundException if the store holds no such run
   * @throws IllegalArgumentException if the run has no such task, or {@code message} is blank
   */
  DeadletterView appendManual(RunId runId, @Nullable TaskId task, String message, Instant now);

  /**
   * Prunes: closed entries (any state but OPEN) strictly older than the retention, then the oldest
   * closed ones while more than the capacity remain ({@link RunStore#pruneDeadletters} with the ids
   * computed closed). Open entries are never dropped. When the store is still over capacity, the
   * listener hears {@link DeadletterListener#overCapacity} on every such prune, and the first prune
   * that finds it so (after one that did not) appends a {@code deadletter.over_capacity} event to
   * the runs of the newest open entries beyond the capacity (at most 100 runs).
   *
   * @param now the judgment instant
   * @return what was pruned; {@link PruneResult#overCapacity()} is the over-capacity signal
   */
  PruneResult prune(Instant now);
}
