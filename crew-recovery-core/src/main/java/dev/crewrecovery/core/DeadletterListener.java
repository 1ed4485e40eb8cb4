package dev.crewrecovery.core;

import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.spi.PruneResult;

/**
 * Hears what {@link Deadletters} wrote. Every method has a no-op default. Calls are made from the
 * calling thread after the store returned; a listener that throws is logged and otherwise ignored.
 */
public interface DeadletterListener {

  /** A listener that does nothing. */
  DeadletterListener NONE = new DeadletterListener() {};

  /**
   * A MANUAL entry was appended.
   *
   * @param entry the entry
   */
  default void appended(DeadletterEntry entry) {}

  /**
   * An entry was discarded.
   *
   * @param view the entry, now DISCARDED
   */
  default void discarded(DeadletterView view) {}

  /**
   * An entry was redriven (not called for a dry run).
   *
   * @param result what the redrive did
   */
  default void redriven(RedriveResult result) {}

  /**
   * Pruning closed entries could not bring the store under its capacity: only open entries are left
   * beyond it, and those are never dropped. Heard on every prune that ends over capacity.
   *
   * @param result what the prune did
   */
  default void overCapacity(PruneResult result) {}
}
