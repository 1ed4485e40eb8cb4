package dev.crewrecovery.api.spi;

import dev.crewrecovery.api.HeartbeatReading;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.TaskId;
import java.util.Map;

/**
 * The body of an exclusive {@link RunStore#update}. It runs while the store holds the run's
 * exclusion (across threads and processes) and receives state read inside it, so a decision made
 * here is made on the freshest committed state.
 *
 * <p>It must be quick and free of side effects other than computing the result: no signals, no
 * listener calls, no call to {@code update} on the same store (which throws {@link
 * IllegalStateException} at once). If it throws, nothing is committed and the exception propagates
 * from {@code update}.
 */
@FunctionalInterface
public interface UpdateFunction {
  /**
   * Decides the change.
   *
   * @param current the freshest committed snapshot
   * @param heartbeats the run's heartbeat slots read inside the exclusion, one per task of {@code
   *     current} (MISSING where none was written)
   * @return {@link Update#unchanged()} or {@link Update#commit}
   */
  Update apply(RunSnapshot current, Map<TaskId, HeartbeatReading> heartbeats);
}
