package dev.crewrecovery.api.spi;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.CorruptStateException;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterId;
import dev.crewrecovery.api.DeadletterMark;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.HeartbeatReading;
import dev.crewrecovery.api.Lease;
import dev.crewrecovery.api.LeaseLostException;
import dev.crewrecovery.api.LockTimeoutException;
import dev.crewrecovery.api.NewEvent;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunExistsException;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunNotFoundException;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.StoreIoException;
import dev.crewrecovery.api.StoredDeadletter;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskListChangedException;
import dev.crewrecovery.api.UnsupportedSchemaException;
import dev.crewrecovery.api.VersionConflictException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Persistence of runs, their events and heartbeats, session leases, deadletters and deliveries.
 *
 * <p><b>Threading.</b> Every method is safe to call from any thread. {@link #update} is exclusive
 * per run across threads <em>and</em> processes sharing the store.
 *
 * <p><b>Time.</b> A store never reads a clock for a decision: every time-sensitive call receives
 * {@code now} from core. The only clock read allowed is monotonic time to bound the wait for a
 * run's exclusion.
 *
 * <p><b>Durability.</b> Unless a method says otherwise, what it wrote is durable when it returns.
 * The heartbeat fast path is the exception: it is neither locked nor synced.
 *
 * <p><b>Errors.</b> All exceptions are unchecked subclasses of {@code CrewRecoveryException}:
 * {@link StoreIoException} for transient I/O (never quarantines, commits nothing), {@link
 * CorruptStateException} for unreadable state (moved aside, never half-parsed), {@link
 * UnsupportedSchemaException} for state of a newer schema (left in place), {@link
 * LockTimeoutException} when the exclusion cannot be had in time. {@code IllegalArgumentException}
 * and {@code IllegalStateException} signal programming errors only. A failed call commits nothing.
 *
 * <p><b>Nullness.</b> No argument may be null and no method returns null.
 *
 * <p>The testkit's {@code RunStoreContract} suite states this contract as tests.
 */
public interface RunStore extends AutoCloseable {

  /**
   * Creates a run.
   *
   * @param initial the first snapshot, at version 1
   * @param events events to append with it (for example {@code run.created})
   * @return the committed snapshot
   * @throws RunExistsException if the run exists (also when it is corrupt or quarantined)
   * @throws IllegalArgumentException if {@code initial.version() != 1}
   */
  RunSnapshot create(RunSnapshot initial, List<NewEvent> events);

  /**
   * Loads the committed snapshot of a run.
   *
   * @param runId the run
   * @return the snapshot, or empty when the store holds no such run
   * @throws CorruptStateException if the stored state is corrupt (it is quarantined first)
   * @throws UnsupportedSchemaException if it has a newer schema version (left in place)
   */
  Optional<RunSnapshot> load(RunId runId);

  /**
   * The only write path for manifests and tasks. Under the run's exclusion, reads the freshest
   * committed snapshot and the run's heartbeat slots, calls {@code fn}, and commits what it returns
   * atomically as {@code version + 1} together with its events and deadletter entries.
   *
   * <p>A returned snapshot must be at the version {@code fn} received and of the same run, else
   * {@link VersionConflictException}; it must keep every task of the received one (same ids, same
   * order; appending is allowed), else {@link TaskListChangedException}. In both cases nothing is
   * committed. {@link Update#unchanged()} commits nothing, keeps the version and appends no event.
   *
   * @param runId the run
   * @param fn the decision, called exactly once while the exclusion is held
   * @return the outcome
   * @throws RunNotFoundException if the store holds no such run
   * @throws LockTimeoutException if the exclusion could not be had within the store's bound
   * @throws IllegalStateException if called from inside {@code fn} on the same store
   */
  UpdateResult update(RunId runId, UpdateFunction fn);

  /**
   * Appends events without touching the snapshot or its version, under the run's exclusion. Allowed
   * on terminal runs.
   *
   * @param runId the run
   * @param events the events
   * @return the appended events with their sequence numbers
   * @throws RunNotFoundException if the store holds no such run
   */
  List<RunEvent> appendEvents(RunId runId, List<NewEvent> events);

  /**
   * Lists the non-terminal runs, at a cost proportional to their number (not to every run ever
   * stored). A marker whose snapshot is missing or quarantined is listed as {@link
   * ActiveRun.State#ORPHANED_MARKER} until an operator resolves it.
   *
   * @return the index entries, ordered by run id
   */
  List<ActiveRun> activeRuns();

  /**
   * Lists every run the store holds, terminal ones included. Its cost grows with the store's
   * history; it is meant for operator tools, never for loops.
   *
   * @return the run ids, ordered
   */
  List<RunId> allRuns();

  /**
   * Reads a run's event log.
   *
   * @param runId the run
   * @param afterSeq only events with {@code seq > afterSeq}
   * @param limit at most this many, at least 1
   * @return the events in increasing {@code seq}; empty for an unknown run
   */
  List<RunEvent> events(RunId runId, long afterSeq, int limit);

  /**
   * Records a heartbeat of an attempt on the fast path: no run lock, no sync. A beat of a
   * non-current attempt, of a terminal task or of an unknown run is dropped and counted.
   *
   * @param attempt the beating attempt
   * @param at the worker's instant
   * @return what happened to the beat
   */
  HeartbeatOutcome recordHeartbeat(AttemptId attempt, Instant at);

  /**
   * Records activity (progress) of an attempt on the fast path, with the same rules as {@link
   * #recordHeartbeat}.
   *
   * @param attempt the attempt
   * @param at the worker's instant
   * @return what happened
   */
  HeartbeatOutcome recordActivity(AttemptId attempt, Instant at);

  /**
   * Records that the attempt's worker announced its end ({@code alive = false}), with the same
   * rules as {@link #recordHeartbeat}.
   *
   * @param attempt the attempt
   * @param at the worker's instant
   * @return what happened
   */
  HeartbeatOutcome recordWorkerEnded(AttemptId attempt, Instant at);

  /**
   * Reads a run's heartbeat slots without the run lock.
   *
   * @param runId the run
   * @return one reading per task of the run's committed snapshot; empty for an unknown run
   */
  Map<TaskId, HeartbeatReading> heartbeats(RunId runId);

  /**
   * Acquires the session's lease with a new incarnation (previous + 1, or 1).
   *
   * @param session the session
   * @param now the acquisition instant
   * @return the new lease
   */
  Lease acquireLease(SessionId session, Instant now);

  /**
   * Renews a lease in place, even late, as long as the stored lease names this incarnation and is
   * not released.
   *
   * @param session the session
   * @param incarnation the renewing incarnation
   * @param now the renewal instant
   * @return the renewed lease
   * @throws LeaseLostException if the stored lease names another incarnation or was released
   */
  Lease renewLease(SessionId session, long incarnation, Instant now);

  /**
   * Releases a lease if it still names this incarnation; otherwise does nothing.
   *
   * @param session the session
   * @param incarnation the releasing incarnation
   */
  void releaseLease(SessionId session, long incarnation);

  /**
   * Reads a session's lease.
   *
   * @param session the session
   * @return the stored lease, or empty
   */
  Optional<Lease> lease(SessionId session);

  /**
   * Reads every stored lease.
   *
   * @return the leases, ordered by session
   */
  List<Lease> leases();

  /**
   * Appends a deadletter entry durably; idempotent by id.
   *
   * @param entry the entry
   * @return true when appended, false when an entry with that id already existed
   */
  boolean appendDeadletter(DeadletterEntry entry);

  /**
   * Lists deadletter entries with their marks.
   *
   * @param filter the selection
   * @return matching entries, oldest first
   */
  List<StoredDeadletter> deadletters(DeadletterFilter filter);

  /**
   * Records a mark (discard or redrive) against an entry, durably.
   *
   * @param mark the mark
   * @return false when no entry with that id exists (nothing written)
   */
  boolean markDeadletter(DeadletterMark mark);

  /**
   * Prunes closed entries: first those older than {@code retention} (strictly), then the oldest
   * closed ones while more than {@code capacity} entries remain. Entries not in {@code closed}
   * (open ones) are never removed.
   *
   * @param now the judgment instant
   * @param retention how long entries are kept
   * @param capacity the most entries kept, at least 1
   * @param closed the ids of entries core found closed (discarded, redriven or superseded)
   * @return what was pruned
   */
  PruneResult pruneDeadletters(
      Instant now, Duration retention, int capacity, Set<DeadletterId> closed);

  /**
   * Persists a pending delivery, or replaces the pending one with the same id (to record failed
   * attempts or a new owner).
   *
   * @param delivery the delivery
   * @return true when it was new, false when it replaced a pending one
   */
  boolean enqueueDelivery(Delivery delivery);

  /**
   * Lists pending deliveries in the order they were first enqueued.
   *
   * @return the pending deliveries
   */
  List<Delivery> pendingDeliveries();

  /**
   * Removes a pending delivery and records its id as delivered at {@code now}.
   *
   * @param id the delivery
   * @param now the delivery instant
   */
  void markDelivered(DeliveryId id, Instant now);

  /**
   * Removes a pending delivery without recording it as delivered (dropped or deadlettered).
   *
   * @param id the delivery
   * @return whether it was pending
   */
  boolean removeDelivery(DeliveryId id);

  /**
   * Tells whether an id was delivered at or after {@code since}.
   *
   * @param id the delivery
   * @param since the start of the window (inclusive)
   * @return true when delivered within the window
   */
  boolean deliveredSince(DeliveryId id, Instant since);

  /**
   * Returns the store's feed of committed changes, if it has one. Without a feed, waiters poll
   * {@link #load}.
   *
   * @return the feed, or empty
   */
  Optional<ChangeFeed> changes();

  /**
   * Returns the store's counters.
   *
   * @return the counters since the store was opened
   */
  StoreStats stats();

  /** Releases the store's resources; idempotent. Never leaves a half-written file. */
  @Override
  void close();
}
