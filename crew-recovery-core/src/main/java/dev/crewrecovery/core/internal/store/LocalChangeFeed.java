package dev.crewrecovery.core.internal.store;

import dev.crewrecovery.api.spi.ChangeFeed;
import dev.crewrecovery.api.spi.RunChange;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The change feed of one store instance: commits made through it, published on the committing
 * thread after the run's lock is released. Commits of other processes (or other store instances)
 * are not seen; consumers re-read the snapshot.
 */
final class LocalChangeFeed implements ChangeFeed {
  private static final System.Logger LOG = System.getLogger(LocalChangeFeed.class.getName());

  private final CopyOnWriteArrayList<Consumer<RunChange>> listeners = new CopyOnWriteArrayList<>();

  @Override
  public AutoCloseable subscribe(Consumer<RunChange> listener) {
    Objects.requireNonNull(listener, "listener");
    // A wrapper makes each subscription distinct, so close() removes exactly this one.
    Consumer<RunChange> entry =
        new Consumer<>() {
          @Override
          public void accept(RunChange change) {
            listener.accept(change);
          }
        };
    listeners.add(entry);
    return () -> listeners.remove(entry);
  }

  void publish(RunChange change) {
    for (Consumer<RunChange> l : listeners) {
      try {
        l.accept(change);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a change listener threw; ignored", e);
      }
    }
  }
}
