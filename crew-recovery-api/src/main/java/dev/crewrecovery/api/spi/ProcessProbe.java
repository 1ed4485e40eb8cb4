package dev.crewrecovery.api.spi;

import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.ProcessRef;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Tells whether a process identified by a {@link ProcessRef} is alive, and watches and terminates
 * processes safely across pid reuse.
 *
 * <p>Rules every implementation follows:
 *
 * <ul>
 *   <li>{@link Liveness#UNKNOWN} is never evidence of death: answer it for no permission, an
 *       unsupported platform, or a ref of another host.
 *   <li>A ref of this host with another boot id is {@link Liveness#DEAD} without probing. A zombie
 *       is DEAD. A pid whose start identity differs from the ref's is {@link Liveness#RECYCLED}.
 *   <li>No signal is ever sent unless the identity check answers ALIVE with a matching identity,
 *       re-checked before each signal.
 * </ul>
 *
 * <p>Implementations are thread-safe. {@code probe} and {@code identify} do not block on the
 * process (they read its state).
 */
public interface ProcessProbe {
  /**
   * Probes a process.
   *
   * @param ref the process identity
   * @return ALIVE, DEAD, RECYCLED or UNKNOWN; never null, never throws for an unreadable process
   */
  Liveness probe(ProcessRef ref);

  /**
   * Captures the identity of a running process of this host.
   *
   * @param pid the pid
   * @return the ref, or empty when no such process runs
   * @throws IllegalArgumentException if {@code pid ≤ 0}
   */
  Optional<ProcessRef> identify(long pid);

  /**
   * Returns a future completed when the process exits. Event-driven for children of this JVM; other
   * processes are checked by one shared poller. A ref that is already not ALIVE (DEAD or RECYCLED)
   * completes at once. Cancelling the future unregisters it.
   *
   * @param ref the process identity
   * @return a future of the exit; completed exceptionally only when watching is impossible
   */
  CompletableFuture<ProcessExit> onExit(ProcessRef ref);

  /**
   * Terminates a process: SIGTERM, then SIGKILL when it still runs after {@code grace}, each sent
   * only while the identity check answers ALIVE with a matching identity. Blocks up to about {@code
   * grace}; never call it inside a run's exclusive update.
   *
   * @param ref the process identity
   * @param grace how long to wait between TERM and KILL
   * @return what was done
   */
  TerminationOutcome terminate(ProcessRef ref, Duration grace);
}
