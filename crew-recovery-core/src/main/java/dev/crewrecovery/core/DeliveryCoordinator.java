package dev.crewrecovery.core;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.DeliveryQueueFullException;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.spi.Clock;
import dev.crewrecovery.api.spi.DeliverySink;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.core.internal.delivery.DefaultDeliveryCoordinator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Hands results, notifications and steers to a {@link DeliverySink} for the session that is active,
 * in order, at least once (DESIGN section 11).
 *
 * <h2>Items and owners</h2>
 *
 * <p>A result's id is {@link DeliveryId#forResult}, a notification's {@link
 * DeliveryId#forNotification}, a steer's the caller's id or else {@code s-} plus a random UUID. An
 * item's owner is the {@code owner} argument when given, else the {@link SessionId} of its run's
 * owner (read through {@link RunStore#load}) when the item is created, else none. Ownership uses
 * the session id only: incarnations are ignored, so a restarted host owns its earlier incarnations'
 * items. An ownerless item goes to whichever session is active; an owned item only to its owner.
 * {@link #reown} moves a run's queued items to the session that adopted the run.
 *
 * <h2>Activation and order</h2>
 *
 * <p>All items wait in one FIFO queue, ordered by creation. {@link #activate} makes a session the
 * active one and flushes; activating while another session is active first {@link #deactivate()}s.
 * A <em>flush</em> hands the active session's items (owned by it or ownerless) to the sink in FIFO
 * order and stops at the first refusal: the refused item stays at the head, so per-run order is
 * never broken. Items owned by another session stay queued, in order, until it is active. While a
 * session is active, a new item of it is delivered directly, by the calling thread, only when no
 * item of that session is queued and no flush is running; otherwise it is queued behind the items
 * already queued (and a running flush delivers it in turn). The head is retried at {@link
 * #activate} and on each {@link #tick()} while active with a non-empty queue; nothing else retries
 * it, so a new item never causes a retry.
 *
 * <h2>Generations</h2>
 *
 * <p>The generation starts at 0 and {@link #deactivate()} increments it (so does {@link #activate}
 * while another session is active, by deactivating). Each item records the generation it was
 * created in. A steer of an older generation is dropped, counted ({@link
 * DeliveryDropReason#STALE_GENERATION}) and logged; the queued ones when the generation changes, an
 * in-flight one when its attempt is refused. Results and notifications are never dropped for
 * generation reasons.
 *
 * <h2>Failures</h2>
 *
 * <p>Every refused attempt counts, direct or in a flush, and is recorded on the item ({@link
 * Delivery#failedAttempts()}; persisted results are re-persisted with the count). The attempt that
 * reaches {@link DeliveryConfig#maxFailures()} (5) moves the item out of the queue to a {@code
 * DELIVERY_FAILED} deadletter entry ({@link dev.crewrecovery.api.DeadletterEntry#forDelivery}), a
 * {@code delivery.failed} event of its run and a {@link DeliveryListener#deadlettered} call.
 *
 * <h2>De-duplication, TTL and bound</h2>
 *
 * <p>An item whose id equals a pending (queued or in-flight) item's id, or an id delivered within
 * the TTL ({@link RunStore#deliveredSince} at {@code now - ttl}, inclusive), is ignored ({@link
 * DeliveryOutcome#DUPLICATE}). Every item the sink accepts is recorded through {@link
 * RunStore#markDelivered}, so de-duplication survives a restart.
 *
 * <p>An item is expired when it is strictly older than the TTL (24 h), judged when it reaches the
 * head of a flush and on every {@link #tick()}: an expired notification or steer is dropped,
 * counted ({@link DeliveryDropReason#EXPIRED}), evented ({@code delivery.dropped}) and heard by the
 * listener; an expired result becomes a {@code DELIVERY_FAILED} entry. While {@link
 * #deferExpiry(boolean) expiry is deferred} (a time-discontinuity grace window, DESIGN section 9)
 * nothing expires.
 *
 * <p>The bound (10 000) limits the in-memory items: notifications, steers and unpersisted results.
 * When a new item would exceed it, the oldest queued notification or steer that is not in flight is
 * dropped ({@link DeliveryDropReason#OVERFLOW}); when there is none, a new notification or steer is
 * itself dropped ({@link DeliveryOutcome#DROPPED}) and a new result is refused with {@link
 * DeliveryQueueFullException}. Persisted results (the default, {@link
 * DeliveryConfig#persistResults()}) do not count against the bound and never raise it.
 *
 * <h2>Persistence and crashes</h2>
 *
 * <p>With persisted results, a result is written with {@link RunStore#enqueueDelivery} before it is
 * queued, re-written when an attempt fails or its owner changes, removed with {@link
 * RunStore#removeDelivery} after its deadletter entry is written, and marked with {@link
 * RunStore#markDelivered} only after the sink accepted it. A coordinator created on the same store
 * queues the pending persisted items at construction, in their stored order, with their failure
 * counts (a pending steer from before the restart is of an older generation and is dropped). A
 * crash between the sink's acceptance and the mark therefore yields at most one duplicate, never a
 * loss.
 *
 * <h2>Threading</h2>
 *
 * <p>Every method is thread-safe. The coordinator has one lock. The sink is never called while it
 * is held, nor by the coordinator from inside {@link RunStore#update} (callers must not call {@code
 * deliver*} from inside an update function); at most one thread calls the sink at a time (a
 * <em>flushing</em> flag keeps FIFO order): the thread whose call started the flush, which also
 * delivers the items queued while it runs. A call that finds a flush running returns at once and
 * leaves its work to that flush; a sink may therefore call {@code deliver*} itself. The store's
 * delivery and deadletter methods, and the {@link RunStore#load} that reads a deadlettered item's
 * epoch, are called while the lock is held (so a store must never call back into the coordinator);
 * the owner lookup of {@code deliver*} reads the run before taking it; events ({@link
 * RunStore#appendEvents}) and listener calls are made after it is released. A {@link
 * dev.crewrecovery.api.CrewRecoveryException} from the store propagates to the caller (a new item
 * is then not queued, a queued one stays queued), except from the mark after a successful delivery,
 * from the epoch read and from event appends, which are logged. An {@link Error} thrown by the sink
 * propagates too; the item stays queued and the attempt is not counted.
 */
public interface DeliveryCoordinator {

  /**
   * Creates a coordinator and queues the pending persisted items of {@code store}.
   *
   * @param store where results are persisted, delivered ids recorded and entries written
   * @param sink the consumer
   * @param clock the only source of time
   * @param config the settings
   * @param listener hears drops, failures and deadletters
   * @param logger where warnings go
   * @return the coordinator, inactive, at generation 0
   */
  static DeliveryCoordinator create(
      RunStore store,
      DeliverySink sink,
      Clock clock,
      DeliveryConfig config,
      DeliveryListener listener,
      System.Logger logger) {
    return new DefaultDeliveryCoordinator(store, sink, clock, config, listener, logger);
  }

  /**
   * Delivers or queues the result of an attempt, with id {@link DeliveryId#forResult(AttemptId)}.
   *
   * @param runId the run; must be the attempt's run
   * @param attempt the attempt whose result this is
   * @param payload the payload (for example a result reference)
   * @param owner the owning session, or null to take the run's owner
   * @return what was done
   * @throws DeliveryQueueFullException if results are not persisted and the queue is full of them
   * @throws IllegalArgumentException if the attempt belongs to another run
   */
  DeliveryOutcome deliverResult(
      RunId runId, AttemptId attempt, String payload, @Nullable SessionId owner);

  /**
   * Delivers or queues the notification of a run's terminal transition, with id {@link
   * DeliveryId#forNotification}.
   *
   * @param runId the run
   * @param epoch the run's epoch at the transition
   * @param status the terminal status
   * @param payload the payload
   * @param owner the owning session, or null to take the run's owner
   * @return what was done
   * @throws IllegalArgumentException if {@code status} is not terminal
   */
  DeliveryOutcome deliverNotification(
      RunId runId, long epoch, RunStatus status, String payload, @Nullable SessionId owner);

  /**
   * Delivers or queues a steer.
   *
   * @param runId the run it steers
   * @param payload the steer text
   * @param owner the owning session, or null to take the run's owner
   * @param id the delivery id, or null for {@code s-} plus a random UUID
   * @return what was done
   */
  DeliveryOutcome deliverSteer(
      RunId runId, String payload, @Nullable SessionId owner, @Nullable DeliveryId id);

  /**
   * Makes {@code session} the active one and flushes its items. If another session is active it is
   * deactivated first (the generation increases); activating the active session again only retries
   * the head. Returns after the flush, or at once when another thread's flush is running (that
   * flush then serves this session and retries its head).
   *
   * @param session the session
   */
  void activate(SessionId session);

  /**
   * Deactivates the active session, if any, and increments the generation: queued steers (of the
   * older generation) are dropped. Items stay queued. An attempt in flight completes; the flush
   * that made it then stops.
   */
  void deactivate();

  /**
   * One watcher tick: expires items older than the TTL (unless deferred), then, while a session is
   * active and none of its items is in flight, retries the head and flushes.
   */
  void tick();

  /**
   * Re-owns a run's queued items owned by {@code from} to {@code to}, keeping their order (called
   * when {@code to} adopts the run). Ownerless items and items of other sessions are untouched. It
   * delivers nothing itself: the next {@link #tick()} or {@link #activate} does.
   *
   * @param runId the adopted run
   * @param from the previous owner
   * @param to the adopter
   * @return how many items were re-owned
   */
  int reown(RunId runId, SessionId from, SessionId to);

  /**
   * Suspends or resumes the TTL: while {@code deferred} is true no item expires. The watcher sets
   * it while a time-discontinuity grace window is open (DESIGN section 9).
   *
   * @param deferred whether expiry is deferred
   */
  void deferExpiry(boolean deferred);

  /**
   * Returns the active session.
   *
   * @return the active session, or null when inactive
   */
  @Nullable SessionId activeSession();

  /**
   * Returns the current generation.
   *
   * @return the number of deactivations so far
   */
  long generation();

  /**
   * Returns the queued items (in-flight one included) in FIFO order, with their current owners and
   * failure counts.
   *
   * @return a copy of the queue
   */
  List<Delivery> queued();

  /**
   * Returns the counters.
   *
   * @return the counters at this instant
   */
  DeliveryStats stats();
}
