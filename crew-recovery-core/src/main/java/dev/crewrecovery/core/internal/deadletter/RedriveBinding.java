package dev.crewrecovery.core.internal.deadletter;

import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.RedriveRefusedException;
import dev.crewrecovery.api.RunSnapshot;
import org.jspecify.annotations.Nullable;

/**
 * What a redrive needs from the session that makes it: who adopts the run, the lease check before
 * writing, the bookkeeping after an adoption, and the delivery coordinator for {@code
 * DELIVERY_FAILED} entries. A {@link DefaultDeadletters} without one refuses to redrive.
 * Implementations are thread-safe.
 */
public interface RedriveBinding {

  /**
   * Returns the incarnation a redrive would adopt runs for, without writing anything (dry run).
   *
   * @return the owner
   * @throws IllegalStateException before the session started
   */
  Owner redriver();

  /**
   * Checks that the session may write (started, lease held) and returns the owner it writes as.
   *
   * @return the owner
   * @throws IllegalStateException before start or after close
   * @throws dev.crewrecovery.api.LeaseLostException when a newer incarnation holds the lease
   */
  Owner writer();

  /**
   * Called after a redrive's update committed an adoption, outside the update.
   *
   * @param committed the committed snapshot (the adopter owns it at its epoch)
   * @param previous its previous owner, or null
   */
  void adopted(RunSnapshot committed, @Nullable Owner previous);

  /**
   * Re-enqueues the delivery of a {@code DELIVERY_FAILED} entry, or tells what re-enqueueing would
   * do.
   *
   * @param entry the entry
   * @param run the run's current snapshot
   * @param dryRun whether to only describe
   * @return the readable change
   * @throws RedriveRefusedException when the delivery cannot be rebuilt or re-enqueued
   */
  String redeliver(DeadletterEntry entry, RunSnapshot run, boolean dryRun);
}
