package dev.crewrecovery.testkit;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.CorruptStateException;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterId;
import dev.crewrecovery.api.DeadletterMark;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.HeartbeatReading;
import dev.crewrecovery.api.HeartbeatSlot;
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
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.UnsupportedSchemaException;
import dev.crewrecovery.api.VersionConflictException;
import dev.crewrecovery.api.spi.ActiveRun;
import dev.crewrecovery.api.spi.ChangeFeed;
import dev.crewrecovery.api.spi.Clock;
import dev.crewrecovery.api.spi.DeadletterFilter;
import dev.crewrecovery.api.spi.HeartbeatOutcome;
import dev.crewrecovery.api.spi.PruneResult;
import dev.crewrecovery.api.spi.RunChange;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.api.spi.StoreStats;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.api.spi.UpdateFunction;
import dev.crewrecovery.api.spi.UpdateResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RunStore} in memory that honours the whole store contract, for engine tests and as the
 * reference the {@link RunStoreContract} suite is checked against.
 *
 * <ul>
 *   <li>{@link #update} is exclusive per run (one lock per run). The wait for it is bounded by the
 *       store's lock timeout ({@link #DEFAULT_LOCK_TIMEOUT} unless {@linkplain Builder#lockTimeout
 *       configured}), measured with {@link Clock#monotonicNanos()} of the clock the store was
 *       opened with (its only clock read): the store waits in real slices of at most 10 ms and
 *       re-reads the clock after each, so a {@link FakeClock} with {@linkplain
 *       FakeClock#autoAdvanceMonotonic auto-advance} reaches the bound without anyone sleeping.
 *   <li>Calling {@code update} from inside an update function on the same store (or on a store
 *       {@linkplain #reopen() reopened} over the same data) throws {@link IllegalStateException} at
 *       once.
 *   <li>The heartbeat fast path takes no run lock; each task has one slot.
 *   <li>The change feed ({@link #changes()}) calls listeners on the committing thread after the
 *       run's exclusion is released.
 * </ul>
 *
 * <p>Nothing is written anywhere, so "durable" means "kept in this object". {@link #reopen()} opens
 * a second store over the same data, as a restarted process would find it; with the test-only hooks
 * {@link #simulateCorruptSnapshot}, {@link #simulateNewerSchema} and {@link #corruptSlot} it lets
 * the persistence and corruption parts of the contract run in memory.
 *
 * <p>Thread-safe. After {@link #close()} every {@code RunStore} method throws {@link
 * IllegalStateException}; {@code close()} itself is idempotent.
 */
public final class InMemoryRunStore implements RunStore {

  /** The default bound of the wait for a run's exclusion. */
  public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(10);

  /** The newest schema version this store "supports", for {@link #simulateNewerSchema}. */
  public static final long SUPPORTED_SCHEMA_VERSION = 1;

  private static final long LOCK_SLICE_MILLIS = 10;
  private static final System.Logger LOG = System.getLogger(InMemoryRunStore.class.getName());

  private final Data data;
  private final Clock clock;
  private final Duration lockTimeout;
  private final Feed feed = new Feed();
  private final AtomicLong droppedHeartbeats = new AtomicLong();
  private final AtomicLong quarantinedFiles = new AtomicLong();
  private volatile boolean closed;

  private InMemoryRunStore(Data data, Clock clock, Duration lockTimeout) {
    this.data = data;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lockTimeout = requirePositive(lockTimeout);
  }

  /**
   * Opens an empty store with the default lock timeout.
   *
   * @param clock the clock whose monotonic time bounds lock waits
   * @return the store
   */
  public static InMemoryRunStore open(Clock clock) {
    return builder(clock).build();
  }

  /**
   * Returns a builder of an empty store.
   *
   * @param clock the clock whose monotonic time bounds lock waits
   * @return the builder
   */
  public static Builder builder(Clock clock) {
    return new Builder(clock);
  }

  /** A builder of an {@link InMemoryRunStore}. Not thread-safe. */
  public static final class Builder {
    private final Clock clock;
    private Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;

    private Builder(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Sets the bound of the wait for a run's exclusion (default 10 s).
     *
     * @param lockTimeout the bound, positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder lockTimeout(Duration lockTimeout) {
      this.lockTimeout = requirePositive(lockTimeout);
      return this;
    }

    /**
     * Opens the store.
     *
     * @return a new, empty store
     */
    public InMemoryRunStore build() {
      return new InMemoryRunStore(new Data(), clock, lockTimeout);
    }
  }

  /**
   * Opens a new store over this store's data, with the same clock and lock timeout, as a restarted
   * process would find it: committed snapshots, events, heartbeat slots, leases, deadletters and
   * deliveries carry over; counters ({@link #stats()}) and change-feed subscriptions do not. May be
   * called after {@link #close()}.
   *
   * @return the new store
   */
  public InMemoryRunStore reopen() {
    return new InMemoryRunStore(data, clock, lockTimeout);
  }

  /**
   * Opens a new store over this store's data, as {@link #reopen()}, with another clock and lock
   * timeout.
   *
   * @param newClock the clock of the new store
   * @param newLockTimeout its lock timeout, positive
   * @return the new store
   */
  public InMemoryRunStore reopen(Clock newClock, Duration newLockTimeout) {
    return new InMemoryRunStore(data, newClock, newLockTimeout);
  }

  /** Returns the bound of the wait for a run's exclusion. */
  public Duration lockTimeout() {
    return lockTimeout;
  }

  // ---------------------------------------------------------------------------------------------
  // Runs

  @Override
  public RunSnapshot create(RunSnapshot initial, List<NewEvent> events) {
    checkOpen();
    Objects.requireNonNull(initial, "initial");
    List<NewEvent> toAppend = List.copyOf(events);
    if (initial.version() != 1) {
      throw new IllegalArgumentException(
          "create of run "
              + initial.runId()
              + " needs a snapshot at version 1, was "
              + initial.version());
    }
    RunRecord rec = new RunRecord(initial.runId(), initial);
    rec.appendLocked(toAppend);
    synchronized (data.index) {
      if (data.runs.putIfAbsent(initial.runId(), rec) != null) {
        throw new RunExistsException(initial.runId());
      }
      indexLocked(initial);
    }
    feed.publish(new RunChange(initial.runId(), initial.version(), initial.status()));
    return initial;
  }

  @Override
  public Optional<RunSnapshot> load(RunId runId) {
    checkOpen();
    Objects.requireNonNull(runId, "runId");
    RunRecord rec = data.runs.get(runId);
    if (rec == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(readable(rec));
  }

  @Override
  public UpdateResult update(RunId runId, UpdateFunction fn) {
    checkOpen();
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(fn, "fn");
    RunId enclosing = InsideUpdate.runOf(data);
    if (enclosing != null) {
      throw new IllegalStateException(
          "update of run "
              + runId
              + " called from inside the update function of run "
              + enclosing
              + " on the same store; an update function must not call update");
    }
    RunRecord rec = existing(runId);
    RunSnapshot committed;
    List<RunEvent> appended;
    lock(rec);
    try {
      RunSnapshot current = readable(rec);
      if (current == null) {
        throw new RunNotFoundException(runId);
      }
      Map<TaskId, HeartbeatReading> heartbeats = readings(rec, current);
      Update decision;
      InsideUpdate outer = InsideUpdate.CURRENT.get();
      InsideUpdate.CURRENT.set(new InsideUpdate(data, runId, outer));
      try {
        decision = fn.apply(current, heartbeats);
      } finally {
        if (outer == null) {
          InsideUpdate.CURRENT.remove();
        } else {
          InsideUpdate.CURRENT.set(outer);
        }
      }
      if (decision == null) {
        throw new IllegalStateException(
            "the update function of run " + runId + " returned null; return Update.unchanged()");
      }
      RunSnapshot proposed = decision.snapshot();
      if (proposed == null) {
        return new UpdateResult(current, false, List.of());
      }
      if (!proposed.runId().equals(runId) || proposed.version() != current.version()) {
        throw new VersionConflictException(runId, current.version(), proposed.version());
      }
      checkTaskList(runId, current.tasks(), proposed.tasks());
      committed = proposed.withVersion(current.version() + 1);
      appended = rec.appendLocked(decision.events());
      rec.snapshot = committed;
      synchronized (data.index) {
        indexLocked(committed);
      }
      for (DeadletterEntry entry : decision.deadletters()) {
        appendDeadletterInternal(entry);
      }
    } finally {
      rec.lock.unlock();
    }
    feed.publish(new RunChange(runId, committed.version(), committed.status()));
    return new UpdateResult(committed, true, appended);
  }

  @Override
  public List<RunEvent> appendEvents(RunId runId, List<NewEvent> events) {
    checkOpen();
    Objects.requireNonNull(runId, "runId");
    List<NewEvent> toAppend = List.copyOf(events);
    RunRecord rec = existing(runId);
    lock(rec);
    try {
      if (rec.snapshot == null) {
        throw new RunNotFoundException(runId);
      }
      return rec.appendLocked(toAppend);
    } finally {
      rec.lock.unlock();
    }
  }

  /** Lists the indexed runs: ACTIVE, or ORPHANED_MARKER once a simulated corruption moved it. */
  @Override
  public List<ActiveRun> activeRuns() {
    checkOpen();
    List<ActiveRun> out = new ArrayList<>();
    for (RunId id : data.active) {
      RunRecord rec = data.runs.get(id);
      boolean orphaned = rec == null || rec.quarantined;
      out.add(
          new ActiveRun(id, orphaned ? ActiveRun.State.ORPHANED_MARKER : ActiveRun.State.ACTIVE));
    }
    return List.copyOf(out);
  }

  @Override
  public List<RunId> allRuns() {
    checkOpen();
    return List.copyOf(data.runs.keySet());
  }

  @Override
  public List<RunEvent> events(RunId runId, long afterSeq, int limit) {
    checkOpen();
    Objects.requireNonNull(runId, "runId");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    RunRecord rec = data.runs.get(runId);
    if (rec == null) {
      return List.of();
    }
    List<RunEvent> out = new ArrayList<>();
    synchronized (rec.events) {
      for (RunEvent e : rec.events) {
        if (e.seq() > afterSeq) {
          out.add(e);
          if (out.size() == limit) {
            break;
          }
        }
      }
    }
    return List.copyOf(out);
  }

  // ---------------------------------------------------------------------------------------------
  // Heartbeats

  @Override
  public HeartbeatOutcome recordHeartbeat(AttemptId attempt, Instant at) {
    return recordSlot(attempt, at, Mark.BEAT);
  }

  @Override
  public HeartbeatOutcome recordActivity(AttemptId attempt, Instant at) {
    return recordSlot(attempt, at, Mark.ACTIVITY);
  }

  @Override
  public HeartbeatOutcome recordWorkerEnded(AttemptId attempt, Instant at) {
    return recordSlot(attempt, at, Mark.ENDED);
  }

  @Override
  public Map<TaskId, HeartbeatReading> heartbeats(RunId runId) {
    checkOpen();
    Objects.requireNonNull(runId, "runId");
    RunRecord rec = data.runs.get(runId);
    RunSnapshot snapshot = rec == null ? null : rec.snapshot;
    if (rec == null || snapshot == null || rec.newerSchema != 0 || rec.corrupt) {
      return Map.of();
    }
    return readings(rec, snapshot);
  }

  // ---------------------------------------------------------------------------------------------
  // Leases

  @Override
  public Lease acquireLease(SessionId session, Instant now) {
    checkOpen();
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(now, "now");
    synchronized (data.leases) {
      Lease previous = data.leases.get(session);
      long incarnation = previous == null ? 1 : previous.incarnation() + 1;
      Lease lease = new Lease(session, incarnation, now, now, false);
      data.leases.put(session, lease);
      return lease;
    }
  }

  @Override
  public Lease renewLease(SessionId session, long incarnation, Instant now) {
    checkOpen();
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(now, "now");
    synchronized (data.leases) {
      Lease stored = data.leases.get(session);
      if (stored == null || stored.incarnation() != incarnation || stored.released()) {
        throw new LeaseLostException(session, incarnation, stored);
      }
      Lease renewed = new Lease(session, incarnation, stored.acquiredAt(), now, false);
      data.leases.put(session, renewed);
      return renewed;
    }
  }

  @Override
  public void releaseLease(SessionId session, long incarnation) {
    checkOpen();
    Objects.requireNonNull(session, "session");
    synchronized (data.leases) {
      Lease stored = data.leases.get(session);
      if (stored != null && stored.incarnation() == incarnation && !stored.released()) {
        data.leases.put(
            session,
            new Lease(session, incarnation, stored.acquiredAt(), stored.renewedAt(), true));
      }
    }
  }

  @Override
  public Optional<Lease> lease(SessionId session) {
    checkOpen();
    Objects.requireNonNull(session, "session");
    synchronized (data.leases) {
      return Optional.ofNullable(data.leases.get(session));
    }
  }

  @Override
  public List<Lease> leases() {
    checkOpen();
    synchronized (data.leases) {
      return List.copyOf(data.leases.values());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Deadletters

  @Override
  public boolean appendDeadletter(DeadletterEntry entry) {
    checkOpen();
    Objects.requireNonNull(entry, "entry");
    return appendDeadletterInternal(entry);
  }

  /** Lists matching entries ordered by their instant, then by append order. */
  @Override
  public List<StoredDeadletter> deadletters(DeadletterFilter filter) {
    checkOpen();
    Objects.requireNonNull(filter, "filter");
    synchronized (data.deadletters) {
      return data.deadletters.values().stream()
          .filter(r -> filter.matches(r.entry))
          .sorted(DlRecord.OLDEST_FIRST)
          .map(r -> new StoredDeadletter(r.entry, r.marks))
          .toList();
    }
  }

  @Override
  public boolean markDeadletter(DeadletterMark mark) {
    checkOpen();
    Objects.requireNonNull(mark, "mark");
    synchronized (data.deadletters) {
      DlRecord rec = data.deadletters.get(mark.entry());
      if (rec == null) {
        return false;
      }
      rec.marks.add(mark);
      return true;
    }
  }

  @Override
  public PruneResult pruneDeadletters(
      Instant now, Duration retention, int capacity, Set<DeadletterId> closed) {
    checkOpen();
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(retention, "retention");
    Set<DeadletterId> closedIds = Set.copyOf(closed);
    if (retention.isNegative()) {
      throw new IllegalArgumentException("retention must not be negative, was " + retention);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    synchronized (data.deadletters) {
      int removed = 0;
      List<DlRecord> closedOldestFirst =
          data.deadletters.values().stream()
              .filter(r -> closedIds.contains(r.entry.id()))
              .sorted(DlRecord.OLDEST_FIRST)
              .toList();
      List<DlRecord> keptClosed = new ArrayList<>();
      for (DlRecord r : closedOldestFirst) {
        if (Duration.between(r.entry.at(), now).compareTo(retention) > 0) {
          data.deadletters.remove(r.entry.id());
          removed++;
        } else {
          keptClosed.add(r);
        }
      }
      for (DlRecord r : keptClosed) {
        if (data.deadletters.size() <= capacity) {
          break;
        }
        data.deadletters.remove(r.entry.id());
        removed++;
      }
      int remaining = data.deadletters.size();
      return new PruneResult(removed, remaining, remaining > capacity);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Deliveries

  @Override
  public boolean enqueueDelivery(Delivery delivery) {
    checkOpen();
    Objects.requireNonNull(delivery, "delivery");
    synchronized (data.deliveries) {
      // LinkedHashMap keeps the first insertion's position when a key is replaced.
      return data.deliveries.put(delivery.id(), delivery) == null;
    }
  }

  @Override
  public List<Delivery> pendingDeliveries() {
    checkOpen();
    synchronized (data.deliveries) {
      return List.copyOf(data.deliveries.values());
    }
  }

  @Override
  public void markDelivered(DeliveryId id, Instant now) {
    checkOpen();
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(now, "now");
    synchronized (data.deliveries) {
      data.deliveries.remove(id);
      data.delivered.merge(id, now, (a, b) -> a.isAfter(b) ? a : b);
    }
  }

  @Override
  public boolean removeDelivery(DeliveryId id) {
    checkOpen();
    Objects.requireNonNull(id, "id");
    synchronized (data.deliveries) {
      return data.deliveries.remove(id) != null;
    }
  }

  @Override
  public boolean deliveredSince(DeliveryId id, Instant since) {
    checkOpen();
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(since, "since");
    synchronized (data.deliveries) {
      Instant at = data.delivered.get(id);
      return at != null && !at.isBefore(since);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Feed, stats, close

  @Override
  public Optional<ChangeFeed> changes() {
    checkOpen();
    return Optional.of(feed);
  }

  /** Returns the counters since this store was opened; no event line is ever malformed here. */
  @Override
  public StoreStats stats() {
    checkOpen();
    return new StoreStats(droppedHeartbeats.get(), 0, quarantinedFiles.get());
  }

  @Override
  public void close() {
    closed = true;
    feed.listeners.clear();
  }

  // ---------------------------------------------------------------------------------------------
  // Test-only hooks

  /**
   * Test-only: makes the run's stored snapshot unreadable, as a file that is not valid JSON. The
   * next {@link #load} or {@link #update} of the run moves it to a simulated quarantine (counted in
   * {@link StoreStats#quarantinedFiles()}) and throws {@link CorruptStateException}; afterwards the
   * run loads as empty, {@link #create} still refuses its id, and {@link #activeRuns()} lists it as
   * {@link ActiveRun.State#ORPHANED_MARKER} if it was active. Works on a closed store.
   *
   * @param runId an existing run
   * @throws IllegalArgumentException if the store holds no such run
   */
  public void simulateCorruptSnapshot(RunId runId) {
    hookRecord(runId).corrupt = true;
  }

  /**
   * Test-only: makes the run's stored snapshot declare a newer schema version. {@link #load} and
   * {@link #update} then throw {@link UnsupportedSchemaException} every time, leaving it in place
   * and never overwriting it; {@link #create} still refuses its id. Works on a closed store.
   *
   * @param runId an existing run
   * @param schemaVersion the declared version, above {@link #SUPPORTED_SCHEMA_VERSION}
   * @throws IllegalArgumentException if the store holds no such run or the version is supported
   */
  public void simulateNewerSchema(RunId runId, long schemaVersion) {
    if (schemaVersion <= SUPPORTED_SCHEMA_VERSION) {
      throw new IllegalArgumentException(
          "schemaVersion "
              + schemaVersion
              + " is supported; a newer one is above "
              + SUPPORTED_SCHEMA_VERSION);
    }
    hookRecord(runId).newerSchema = schemaVersion;
  }

  /**
   * Test-only: makes a task's heartbeat slot fail its checksum: it reads as {@link
   * HeartbeatReading.State#CORRUPT} until the next beat of a current attempt rewrites it. Works on
   * a closed store.
   *
   * @param runId an existing run
   * @param taskId the task
   * @throws IllegalArgumentException if the store holds no such run
   */
  public void corruptSlot(RunId runId, TaskId taskId) {
    hookRecord(runId).slots.put(Objects.requireNonNull(taskId, "taskId"), Slot.CORRUPT);
  }

  private RunRecord hookRecord(RunId runId) {
    Objects.requireNonNull(runId, "runId");
    RunRecord rec = data.runs.get(runId);
    if (rec == null) {
      throw new IllegalArgumentException("the store holds no run " + runId);
    }
    return rec;
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the store is closed; open a new one");
    }
  }

  private RunRecord existing(RunId runId) {
    RunRecord rec = data.runs.get(runId);
    if (rec == null) {
      throw new RunNotFoundException(runId);
    }
    return rec;
  }

  /**
   * Returns the committed snapshot, null after a simulated quarantine, or throws for a simulated
   * corruption or newer schema.
   */
  private @Nullable RunSnapshot readable(RunRecord rec) {
    if (rec.newerSchema != 0) {
      throw new UnsupportedSchemaException(
          location(rec.id), rec.newerSchema, SUPPORTED_SCHEMA_VERSION);
    }
    synchronized (rec) {
      if (rec.corrupt) {
        rec.corrupt = false;
        rec.quarantined = true;
        rec.snapshot = null;
        quarantinedFiles.incrementAndGet();
        throw new CorruptStateException(
            location(rec.id),
            "memory:quarantine/" + rec.id + "-run.json",
            "simulated corruption: not valid JSON",
            null);
      }
    }
    return rec.snapshot;
  }

  private static String location(RunId runId) {
    return "memory:runs/" + runId + "/run.json";
  }

  private void indexLocked(RunSnapshot s) {
    if (s.status().isTerminal()) {
      data.active.remove(s.runId());
    } else {
      data.active.add(s.runId());
    }
  }

  private void lock(RunRecord rec) {
    ReentrantLock lock = rec.lock;
    if (lock.tryLock()) {
      return;
    }
    long bound = lockTimeout.toNanos();
    long start = clock.monotonicNanos();
    try {
      while (!lock.tryLock(LOCK_SLICE_MILLIS, TimeUnit.MILLISECONDS)) {
        long elapsed = clock.monotonicNanos() - start;
        if (elapsed > bound) {
          throw new LockTimeoutException(rec.id, Duration.ofNanos(elapsed));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreIoException(
          "interrupted while waiting for the exclusion of run " + rec.id + "; nothing written", e);
    }
  }

  private static void checkTaskList(RunId runId, List<TaskState> before, List<TaskState> after) {
    for (int i = 0; i < before.size(); i++) {
      TaskId expected = before.get(i).id();
      if (i >= after.size()) {
        throw new TaskListChangedException(
            runId, "task " + expected + " at position " + i + " was dropped");
      }
      TaskId found = after.get(i).id();
      if (!found.equals(expected)) {
        throw new TaskListChangedException(
            runId, "position " + i + " holds task " + found + " but held " + expected + " before");
      }
    }
  }

  private boolean appendDeadletterInternal(DeadletterEntry entry) {
    synchronized (data.deadletters) {
      if (data.deadletters.containsKey(entry.id())) {
        return false;
      }
      data.deadletters.put(entry.id(), new DlRecord(entry, data.nextDeadletterOrder++));
      return true;
    }
  }

  private Map<TaskId, HeartbeatReading> readings(RunRecord rec, RunSnapshot snapshot) {
    Map<TaskId, HeartbeatReading> out = new LinkedHashMap<>();
    for (TaskState t : snapshot.tasks()) {
      Slot slot = rec.slots.get(t.id());
      HeartbeatReading reading;
      if (slot == null) {
        reading = HeartbeatReading.missing(t.id());
      } else if (slot.slot == null) {
        reading = HeartbeatReading.corrupt(t.id());
      } else {
        reading = HeartbeatReading.ok(t.id(), slot.slot);
      }
      out.put(t.id(), reading);
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  private HeartbeatOutcome recordSlot(AttemptId attempt, Instant at, Mark mark) {
    checkOpen();
    Objects.requireNonNull(attempt, "attempt");
    Objects.requireNonNull(at, "at");
    HeartbeatOutcome outcome = judge(attempt);
    if (outcome != HeartbeatOutcome.RECORDED) {
      droppedHeartbeats.incrementAndGet();
      return outcome;
    }
    RunRecord rec = data.runs.get(attempt.runId());
    if (rec == null) {
      droppedHeartbeats.incrementAndGet();
      return HeartbeatOutcome.DROPPED_UNKNOWN;
    }
    rec.slots.compute(attempt.taskId(), (task, old) -> Slot.next(old, attempt, at, mark));
    return HeartbeatOutcome.RECORDED;
  }

  private HeartbeatOutcome judge(AttemptId attempt) {
    RunRecord rec = data.runs.get(attempt.runId());
    RunSnapshot snapshot = rec == null ? null : rec.snapshot;
    if (rec == null || snapshot == null || rec.newerSchema != 0 || rec.corrupt) {
      return HeartbeatOutcome.DROPPED_UNKNOWN;
    }
    Optional<TaskState> task = snapshot.task(attempt.taskId());
    if (task.isEmpty()) {
      return HeartbeatOutcome.DROPPED_UNKNOWN;
    }
    if (snapshot.status().isTerminal() || task.get().status().isTerminal()) {
      return HeartbeatOutcome.DROPPED_TERMINAL;
    }
    boolean current = task.get().currentAttempt().map(a -> a.id().equals(attempt)).orElse(false);
    return current ? HeartbeatOutcome.RECORDED : HeartbeatOutcome.DROPPED_NOT_CURRENT;
  }

  private static Duration requirePositive(Duration d) {
    Objects.requireNonNull(d, "lockTimeout");
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("lockTimeout must be positive, was " + d);
    }
    return d;
  }

  /** What a fast-path call writes into a slot. */
  private enum Mark {
    BEAT,
    ACTIVITY,
    ENDED
  }

  /** A task's heartbeat slot; {@code slot == null} means it fails its checksum. */
  private static final class Slot {
    static final Slot CORRUPT = new Slot(null);

    final @Nullable HeartbeatSlot slot;

    Slot(@Nullable HeartbeatSlot slot) {
      this.slot = slot;
    }

    /** Writes a mark; a slot of another attempt (or a corrupt one) starts again from zero. */
    static Slot next(@Nullable Slot old, AttemptId attempt, Instant at, Mark mark) {
      HeartbeatSlot prev = old == null ? null : old.slot;
      long beats = 0;
      Instant beatAt = at;
      long activities = 0;
      Instant activityAt = null;
      boolean alive = true;
      if (prev != null && prev.attempt().equals(attempt)) {
        beats = prev.beatCounter();
        beatAt = prev.beatAt();
        activities = prev.activityCounter();
        activityAt = prev.activityAt();
        // An announced end is final for its attempt: a later beat is never life evidence.
        alive = prev.alive();
      }
      switch (mark) {
        case BEAT -> {
          beats++;
          beatAt = at;
        }
        case ACTIVITY -> {
          activities++;
          activityAt = at;
        }
        case ENDED -> {
          alive = false;
          beatAt = at;
        }
      }
      return new Slot(new HeartbeatSlot(attempt, beats, beatAt, activities, activityAt, alive));
    }
  }

  /** A deadletter entry with its marks and its append order. */
  private static final class DlRecord {
    static final Comparator<DlRecord> OLDEST_FIRST =
        Comparator.<DlRecord, Instant>comparing(r -> r.entry.at()).thenComparingLong(r -> r.order);

    final DeadletterEntry entry;
    final long order;
    final List<DeadletterMark> marks = new ArrayList<>();

    DlRecord(DeadletterEntry entry, long order) {
      this.entry = entry;
      this.order = order;
    }
  }

  /** One run: its committed snapshot, lock, event log and heartbeat slots. */
  private static final class RunRecord {
    final RunId id;
    final ReentrantLock lock = new ReentrantLock();
    final List<RunEvent> events = new ArrayList<>();
    final ConcurrentHashMap<TaskId, Slot> slots = new ConcurrentHashMap<>();
    volatile @Nullable RunSnapshot snapshot;
    long lastSeq;
    volatile long newerSchema;
    volatile boolean corrupt;
    volatile boolean quarantined;

    RunRecord(RunId id, RunSnapshot snapshot) {
      this.id = id;
      this.snapshot = snapshot;
    }

    /** Appends events with the next sequence numbers; the caller holds the run's exclusion. */
    List<RunEvent> appendLocked(List<NewEvent> newEvents) {
      List<RunEvent> out = new ArrayList<>(newEvents.size());
      synchronized (events) {
        for (NewEvent e : newEvents) {
          RunEvent event = new RunEvent(id, ++lastSeq, e.type(), e.at(), e.data());
          events.add(event);
          out.add(event);
        }
      }
      return List.copyOf(out);
    }
  }

  /** Everything a store holds; shared by stores {@linkplain #reopen() reopened} over it. */
  private static final class Data {
    final Object index = new Object();
    final ConcurrentSkipListMap<RunId, RunRecord> runs = new ConcurrentSkipListMap<>();
    final ConcurrentSkipListSet<RunId> active = new ConcurrentSkipListSet<>();
    final Map<SessionId, Lease> leases = new TreeMap<>();
    final Map<DeadletterId, DlRecord> deadletters = new LinkedHashMap<>();
    long nextDeadletterOrder;
    final Map<DeliveryId, Delivery> deliveries = new LinkedHashMap<>();
    final Map<DeliveryId, Instant> delivered = new HashMap<>();
  }

  /**
   * The update functions running on a thread, innermost first: an update function may update
   * another store, so this is a stack, and re-entrance is judged per store data.
   */
  private static final class InsideUpdate {
    static final ThreadLocal<@Nullable InsideUpdate> CURRENT = new ThreadLocal<>();

    final Data data;
    final RunId runId;
    final @Nullable InsideUpdate outer;

    InsideUpdate(Data data, RunId runId, @Nullable InsideUpdate outer) {
      this.data = data;
      this.runId = runId;
      this.outer = outer;
    }

    /** Returns the run whose update function runs on this thread over {@code data}, if any. */
    static @Nullable RunId runOf(Data data) {
      for (InsideUpdate u = CURRENT.get(); u != null; u = u.outer) {
        if (u.data == data) {
          return u.runId;
        }
      }
      return null;
    }
  }

  /** One subscription of a listener; compared by identity. */
  private static final class Subscription {
    final Consumer<RunChange> listener;

    Subscription(Consumer<RunChange> listener) {
      this.listener = listener;
    }
  }

  /** The change feed: listeners called on the committing thread, after the exclusion. */
  private final class Feed implements ChangeFeed {
    final List<Subscription> listeners = new CopyOnWriteArrayList<>();

    @Override
    public AutoCloseable subscribe(Consumer<RunChange> listener) {
      checkOpen();
      Subscription s = new Subscription(Objects.requireNonNull(listener, "listener"));
      listeners.add(s);
      // Removal by identity of the subscription, so closing twice cannot remove another one.
      return () -> listeners.remove(s);
    }

    void publish(RunChange change) {
      for (Subscription s : listeners) {
        try {
          s.listener.accept(change);
        } catch (RuntimeException e) {
          // A listener must not throw; one that does must not break the commit that was made.
          LOG.log(System.Logger.Level.WARNING, "change listener threw on " + change, e);
        }
      }
    }
  }
}
