package dev.crewrecovery.core;

/**
 * The handle of a run listener registered with {@link RunLedger#subscribe}. Closing it unsubscribes
 * the listener; no call to the listener starts after {@link #close()} returns on the thread that
 * closed it, though a call already in flight on another thread may finish.
 */
public interface RunSubscription extends AutoCloseable {

  /** Unsubscribes the listener. Idempotent and thread-safe; never throws. */
  @Override
  void close();
}
