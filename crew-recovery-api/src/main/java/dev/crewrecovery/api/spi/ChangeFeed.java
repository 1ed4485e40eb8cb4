package dev.crewrecovery.api.spi;

import java.util.function.Consumer;

/**
 * An optional feed of committed run changes, so that waiters need not poll {@link RunStore#load}. A
 * feed may miss changes committed by other processes; consumers re-read the snapshot.
 */
public interface ChangeFeed {
  /**
   * Subscribes a listener. The listener is called after each commit, outside the run's exclusion,
   * on the committing thread or a store thread; it must not block and must not throw.
   *
   * @param listener the listener
   * @return a handle whose {@code close()} unsubscribes (idempotent)
   */
  AutoCloseable subscribe(Consumer<RunChange> listener);
}
