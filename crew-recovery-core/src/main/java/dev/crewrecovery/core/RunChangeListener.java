package dev.crewrecovery.core;

import dev.crewrecovery.api.CorruptStateException;
import dev.crewrecovery.api.CrewRecoveryException;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunNotFoundException;
import dev.crewrecovery.api.RunSnapshot;

/**
 * Receives the state changes of one run, registered with {@link RunLedger#subscribe}.
 *
 * <p><b>Order and completeness.</b> The first call carries the run's snapshot at subscription; then
 * each call carries a newer committed snapshot than the previous one (versions strictly increase).
 * Changes committed in this JVM through the session's store are passed on inside the committing
 * call (unless another thread is passing on a change of the same run at that moment: then that
 * thread makes the call); changes committed by another process are seen through the file watch or
 * the periodic re-read ({@link RecoveryConfig#awaitRescanInterval()}), so several quick changes may
 * arrive as their latest snapshot only.
 *
 * <p><b>Threading.</b> Calls for one run never overlap. They run on the committing thread or on the
 * session's watcher thread, outside every run lock; a listener must be quick and must not block. A
 * listener that throws is logged and stays subscribed.
 */
@FunctionalInterface
public interface RunChangeListener {

  /**
   * Called with a snapshot of the run newer than the last one passed to this listener.
   *
   * @param snapshot the committed snapshot
   */
  void onChange(RunSnapshot snapshot);

  /**
   * Called once when the run cannot be read any more: {@link RunNotFoundException} when it was
   * deleted (or never existed), {@link CorruptStateException} when it was quarantined. The
   * subscription stays; should the run come back, {@link #onChange} is called again. Does nothing
   * by default.
   *
   * @param runId the run
   * @param why what the store answered
   */
  default void onUnavailable(RunId runId, CrewRecoveryException why) {}
}
