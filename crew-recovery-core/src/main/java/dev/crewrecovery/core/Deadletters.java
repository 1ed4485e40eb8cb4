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
 * The read side of the deadletter (DESIGN section 10): listing with computed states, discard,
 * manual entries and pruning. Entries are evidence, not verdicts: each listed entry's {@link
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
 */
public interface Deadletters {

  /**
   * Creates the deadletter service over a store.
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
