package dev.crewrecovery.core.internal.delivery;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.DeliveryKind;
import dev.crewrecovery.api.DeliveryQueueFullException;
import dev.crewrecovery.api.NewEvent;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunNotFoundException;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskResult;
import dev.crewrecovery.api.spi.Clock;
import dev.crewrecovery.api.spi.DeliverySink;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.core.DeliveryConfig;
import dev.crewrecovery.core.DeliveryCoordinator;
import dev.crewrecovery.core.DeliveryDropReason;
import dev.crewrecovery.core.DeliveryListener;
import dev.crewrecovery.core.DeliveryOutcome;
import dev.crewrecovery.core.DeliveryStats;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link DeliveryCoordinator}; its interface documents the semantics.
 *
 * <p>Structure: every queued item is an {@link Entry} with a sequence number taken at creation. The
 * entries are indexed four ways, all guarded by {@link #lock}: by id (de-duplication), in global
 * order ({@link #all}, for listing and expiry), per owner ({@link #ownerless} and {@link #owned},
 * so the head of a session's flush is the smaller of two first keys rather than a scan past other
 * sessions' parked items) and, for notifications and steers, in {@link #droppable} (the overflow
 * victim is its first entry not in flight).
 *
 * <p>As a {@link DeliverySource} it turns what the ledger reports after a commit into a result
 * (payload: the result's reference) or a notification (payload: the status name), owned by the
 * session of the run's owner at the commit.
 *
 * <p>The sink is called with the lock released. The {@link #flushing} flag makes the thread that
 * set it the only one calling the sink until it clears it, which keeps FIFO order without holding
 * the lock across a call that may block or call back.
 */
public final class DefaultDeliveryCoordinator implements DeliveryCoordinator, DeliverySource {

  private static final String EVENT_DROPPED = "delivery.dropped";
  private static final String EVENT_FAILED = "delivery.failed";

  private final RunStore store;
  private final DeliverySink sink;
  private final Clock clock;
  private final DeliveryConfig config;
  private final DeliveryListener listener;
  private final System.Logger logger;

  private final Object lock = new Object();

  // Everything below is guarded by lock.
  private final Map<DeliveryId, Entry> byId = new HashMap<>();
  private final TreeMap<Long, Entry> all = new TreeMap<>();
  private final TreeMap<Long, Entry> ownerless = new TreeMap<>();
  private final Map<SessionId, TreeMap<Long, Entry>> owned = new HashMap<>();
  private final TreeMap<Long, Entry> droppable = new TreeMap<>();
  private int counted;
  private int persistedCount;
  private long nextSeq;
  private @Nullable SessionId active;
  private long generation;
  private long activations;
  private boolean flushing;
  private boolean expiryDeferred;

  private long delivered;
  private long failedAttempts;
  private long deadlettered;
  private long duplicates;
  private final EnumMap<DeliveryDropReason, Long> dropped = new EnumMap<>(DeliveryDropReason.class);

  /** One queued item. Mutable fields are guarded by the coordinator's lock. */
  private static final class Entry {
    final long seq;
    final boolean persisted;
    Delivery delivery;
    boolean inFlight;

    Entry(long seq, Delivery delivery, boolean persisted) {
      this.seq = seq;
      this.delivery = delivery;
      this.persisted = persisted;
    }
  }

  /**
   * Work to do after the lock is released: event appends and listener calls. Collected under the
   * lock so that their order follows the queue's.
   */
  private final class Effects {
    private final List<Runnable> actions = new ArrayList<>();

    void event(RunId runId, String type, Instant at, Map<String, String> data) {
      actions.add(() -> appendEvent(runId, type, at, data));
    }

    void listen(Runnable call) {
      actions.add(
          () -> {
            try {
              call.run();
            } catch (RuntimeException e) {
              logger.log(Level.WARNING, "delivery listener threw; ignored", e);
            }
          });
    }

    void run() {
      for (Runnable r : actions) {
        r.run();
      }
      actions.clear();
    }
  }

  /**
   * Creates a coordinator, inactive at generation 0, and queues the pending persisted items of the
   * store.
   *
   * @param store the store
   * @param sink the consumer
   * @param clock the only source of time
   * @param config the settings
   * @param listener hears drops, failures and deadletters
   * @param logger where warnings go
   */
  public DefaultDeliveryCoordinator(
      RunStore store,
      DeliverySink sink,
      Clock clock,
      DeliveryConfig config,
      DeliveryListener listener,
      System.Logger logger) {
    this.store = Objects.requireNonNull(store, "store");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.config = Objects.requireNonNull(config, "config");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.logger = Objects.requireNonNull(logger, "logger");
    Effects fx = new Effects();
    synchronized (lock) {
      reloadLocked(fx);
    }
    fx.run();
  }

  private void reloadLocked(Effects fx) {
    Instant now = clock.now();
    Instant windowStart = now.minus(config.ttl());
    for (Delivery d : store.pendingDeliveries()) {
      if (store.deliveredSince(d.id(), windowStart)) {
        // The sink accepted it and the mark recorded the id, but the pending copy survived.
        store.removeDelivery(d.id());
        duplicates++;
        continue;
      }
      // Generations are per coordinator: a stored number means nothing to this one.
      Delivery reloaded =
          new Delivery(
              d.id(),
              d.kind(),
              d.runId(),
              d.owner(),
              d.payload(),
              d.createdAt(),
              0,
              d.failedAttempts());
      Entry e = addLocked(reloaded, true);
      if (d.kind() == DeliveryKind.STEER) {
        // A steer from before the restart belongs to an older generation.
        dropLocked(e, DeliveryDropReason.STALE_GENERATION, now, fx);
      }
    }
  }

  // ---------------------------------------------------------------- deliver

  @Override
  public DeliveryOutcome deliverResult(
      RunId runId, AttemptId attempt, String payload, @Nullable SessionId owner) {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(attempt, "attempt");
    if (!attempt.runId().equals(runId)) {
      throw new IllegalArgumentException(
          "attempt " + attempt + " belongs to run " + attempt.runId() + ", not to run " + runId);
    }
    return submit(DeliveryKind.RESULT, DeliveryId.forResult(attempt), runId, payload, owner);
  }

  @Override
  public DeliveryOutcome deliverNotification(
      RunId runId, long epoch, RunStatus status, String payload, @Nullable SessionId owner) {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(status, "status");
    if (!status.isTerminal()) {
      throw new IllegalArgumentException(
          "a notification announces a terminal status (COMPLETED, FAILED, CANCELLED), not "
              + status);
    }
    if (epoch < 1) {
      throw new IllegalArgumentException("epoch must be at least 1, was " + epoch);
    }
    return submit(
        DeliveryKind.NOTIFICATION,
        DeliveryId.forNotification(runId, epoch, status),
        runId,
        payload,
        owner);
  }

  @Override
  public DeliveryOutcome deliverSteer(
      RunId runId, String payload, @Nullable SessionId owner, @Nullable DeliveryId id) {
    Objects.requireNonNull(runId, "runId");
    DeliveryId steerId = id != null ? id : DeliveryId.of("s-" + UUID.randomUUID());
    return submit(DeliveryKind.STEER, steerId, runId, payload, owner);
  }

  /**
   * Queues or delivers the result of an attempt the ledger recorded; payload: the result's
   * reference.
   *
   * @throws DeliveryQueueFullException as {@link #deliverResult}, when results are not persisted
   */
  @Override
  public void resultRecorded(
      AttemptId attempt, TaskResult result, @Nullable Owner owner, long epoch) {
    deliverResult(
        attempt.runId(), attempt, result.reference(), owner == null ? null : owner.session());
  }

  /** Queues or delivers the notification of a run's terminal transition; payload: the status. */
  @Override
  public void runTerminated(
      RunId runId, RunStatus status, @Nullable Owner owner, long epoch, Instant at) {
    deliverNotification(
        runId, epoch, status, status.name(), owner == null ? null : owner.session());
  }

  /** Re-owns the run's queued items from the previous owner's session to the new owner's. */
  @Override
  public void runAdopted(RunId runId, @Nullable Owner previous, @Nullable Owner owner) {
    if (previous != null && owner != null) {
      reown(runId, previous.session(), owner.session());
    }
  }

  private DeliveryOutcome submit(
      DeliveryKind kind,
      DeliveryId id,
      RunId runId,
      String payload,
      @Nullable SessionId ownerArgument) {
    Objects.requireNonNull(payload, "payload");
    // Read before taking the lock: a load is I/O and the owner is fixed at creation anyway.
    SessionId owner = ownerArgument != null ? ownerArgument : ownerOf(runId);
    Effects fx = new Effects();
    Entry mine;
    DeliveryOutcome outcome;
    boolean direct = false;
    synchronized (lock) {
      Instant now = clock.now();
      if (byId.containsKey(id) || store.deliveredSince(id, now.minus(config.ttl()))) {
        duplicates++;
        logger.log(Level.DEBUG, "delivery {0} ({1}) ignored: a duplicate", id, kind);
        return DeliveryOutcome.DUPLICATE;
      }
      Delivery d = new Delivery(id, kind, runId, owner, payload, now, generation, 0);
      boolean persisted = kind == DeliveryKind.RESULT && config.persistResults();
      if (!persisted && !makeRoomLocked(now, fx)) {
        if (kind == DeliveryKind.RESULT) {
          throw new DeliveryQueueFullException(config.bound());
        }
        countDropLocked(d, DeliveryDropReason.OVERFLOW, now, fx);
        mine = null;
        outcome = DeliveryOutcome.DROPPED;
      } else {
        if (persisted) {
          store.enqueueDelivery(d);
        }
        // Direct only when nothing of the active session is queued and nobody is flushing.
        boolean eligible = active != null && isFor(owner, active);
        direct = eligible && !flushing && headLocked() == null;
        mine = addLocked(d, persisted);
        outcome = DeliveryOutcome.QUEUED;
        if (direct) {
          flushing = true;
        }
      }
    }
    fx.run();
    if (!direct) {
      return outcome;
    }
    return drain(mine);
  }

  private @Nullable SessionId ownerOf(RunId runId) {
    Optional<RunSnapshot> run = store.load(runId);
    if (run.isEmpty()) {
      return null;
    }
    Owner o = run.get().manifest().owner();
    return o == null ? null : o.session();
  }

  // ---------------------------------------------------------------- activation

  @Override
  public void activate(SessionId session) {
    Objects.requireNonNull(session, "session");
    Effects fx = new Effects();
    boolean start;
    synchronized (lock) {
      if (active != null && !active.equals(session)) {
        deactivateLocked(fx);
      }
      active = session;
      activations++;
      start = !flushing && headLocked() != null;
      if (start) {
        flushing = true;
      }
    }
    fx.run();
    if (start) {
      drain(null);
    }
  }

  @Override
  public void deactivate() {
    Effects fx = new Effects();
    synchronized (lock) {
      deactivateLocked(fx);
    }
    fx.run();
  }

  private void deactivateLocked(Effects fx) {
    active = null;
    generation++;
    Instant now = clock.now();
    List<Entry> stale = new ArrayList<>();
    // Every queued steer was created before this increment, so all are of an older generation.
    for (Entry e : droppable.values()) {
      if (e.delivery.kind() == DeliveryKind.STEER && !e.inFlight) {
        stale.add(e);
      }
    }
    for (Entry e : stale) {
      dropLocked(e, DeliveryDropReason.STALE_GENERATION, now, fx);
    }
  }

  @Override
  public void tick() {
    Effects fx = new Effects();
    boolean start;
    synchronized (lock) {
      Instant now = clock.now();
      if (!expiryDeferred) {
        List<Entry> expired = new ArrayList<>();
        for (Entry e : all.values()) {
          if (!e.inFlight && isExpired(e, now)) {
            expired.add(e);
          }
        }
        for (Entry e : expired) {
          expireLocked(e, now, fx);
        }
      }
      start = active != null && !flushing && headLocked() != null;
      if (start) {
        flushing = true;
      }
    }
    fx.run();
    if (start) {
      drain(null);
    }
  }

  @Override
  public int reown(RunId runId, SessionId from, SessionId to) {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (from.equals(to)) {
      return 0;
    }
    synchronized (lock) {
      TreeMap<Long, Entry> source = owned.get(from);
      if (source == null) {
        return 0;
      }
      List<Entry> moving = new ArrayList<>();
      for (Entry e : source.values()) {
        if (e.delivery.runId().equals(runId)) {
          moving.add(e);
        }
      }
      for (Entry e : moving) {
        Delivery reowned = e.delivery.withOwner(to);
        if (e.persisted) {
          store.enqueueDelivery(reowned);
        }
        source.remove(e.seq);
        e.delivery = reowned;
        owned.computeIfAbsent(to, k -> new TreeMap<>()).put(e.seq, e);
      }
      if (source.isEmpty()) {
        owned.remove(from);
      }
      if (!moving.isEmpty()) {
        logger.log(
            Level.DEBUG,
            "re-owned {0} queued deliveries of run {1} from {2} to {3}",
            moving.size(),
            runId,
            from,
            to);
      }
      return moving.size();
    }
  }

  @Override
  public void deferExpiry(boolean deferred) {
    synchronized (lock) {
      expiryDeferred = deferred;
    }
  }

  // ---------------------------------------------------------------- flush

  /**
   * Delivers the active session's items until none is left, a refusal stops the flush or the
   * session is deactivated. The caller must have set {@link #flushing}; this clears it.
   *
   * @param mine the item whose direct delivery started this flush, or null
   * @return what happened to {@code mine} ({@code QUEUED} when it was not delivered)
   */
  private DeliveryOutcome drain(@Nullable Entry mine) {
    DeliveryOutcome mineOutcome = DeliveryOutcome.QUEUED;
    boolean cleared = false;
    @Nullable Entry current = null;
    try {
      while (true) {
        Effects fx = new Effects();
        long activationsAtPick;
        synchronized (lock) {
          current = nextLocked(clock.now(), fx);
          if (current == null) {
            flushing = false;
            cleared = true;
          } else {
            current.inFlight = true;
          }
          activationsAtPick = activations;
        }
        fx.run();
        if (current == null) {
          return mineOutcome;
        }
        Entry e = current;
        Exception refusal = null;
        try {
          sink.deliver(e.delivery);
        } catch (Exception ex) {
          // Any exception is a refusal, including checked ones thrown sneakily.
          refusal = ex;
        }
        boolean stop = false;
        synchronized (lock) {
          e.inFlight = false;
          current = null;
          Instant now = clock.now();
          if (refusal == null) {
            acceptedLocked(e, now);
            if (e == mine) {
              mineOutcome = DeliveryOutcome.DELIVERED;
            }
          } else {
            boolean left = refusedLocked(e, refusal, now, fx);
            if (left && e == mine) {
              mineOutcome = DeliveryOutcome.DEADLETTERED;
            }
            // An activate during the attempt asked for a retry: honour it by going on.
            if (activations == activationsAtPick) {
              flushing = false;
              cleared = true;
              stop = true;
            }
          }
        }
        fx.run();
        if (stop) {
          return mineOutcome;
        }
      }
    } finally {
      if (!cleared) {
        // An Error from the sink or a store failure: leave the item queued and let others flush.
        synchronized (lock) {
          if (current != null) {
            current.inFlight = false;
          }
          flushing = false;
        }
      }
    }
  }

  /** Returns the next item of the active session to hand to the sink, expiring stale heads. */
  private @Nullable Entry nextLocked(Instant now, Effects fx) {
    while (true) {
      Entry head = headLocked();
      if (head == null) {
        return null;
      }
      if (isExpired(head, now)) {
        expireLocked(head, now, fx);
        continue;
      }
      return head;
    }
  }

  private void acceptedLocked(Entry e, Instant now) {
    removeLocked(e);
    delivered++;
    try {
      store.markDelivered(e.delivery.id(), now);
    } catch (RuntimeException ex) {
      // The sink has it: keeping it queued would deliver it twice in this process. A persisted copy
      // left pending is delivered once more after a restart, which at-least-once allows.
      logger.log(
          Level.WARNING,
          "delivery " + e.delivery.id() + " was accepted but could not be marked delivered",
          ex);
    }
  }

  /**
   * Records a refused attempt.
   *
   * @return true when the item left the queue (deadlettered or dropped)
   */
  private boolean refusedLocked(Entry e, Exception refusal, Instant now, Effects fx) {
    failedAttempts++;
    Delivery failed = e.delivery.withFailure();
    e.delivery = failed;
    fx.listen(() -> listener.failed(failed, refusal));
    logger.log(
        Level.DEBUG,
        "delivery {0} refused (attempt {1}): {2}",
        failed.id(),
        failed.failedAttempts(),
        String.valueOf(refusal));
    if (failed.failedAttempts() >= config.maxFailures()) {
      deadletterLocked(
          e,
          "refused "
              + failed.failedAttempts()
              + " times; last error: "
              + refusal.getClass().getName()
              + ": "
              + refusal.getMessage(),
          now,
          fx);
      return true;
    }
    if (failed.kind() == DeliveryKind.STEER && failed.generation() < generation) {
      // It was in flight when the generation changed, so the deactivation could not drop it.
      dropLocked(e, DeliveryDropReason.STALE_GENERATION, now, fx);
      return true;
    }
    if (e.persisted) {
      store.enqueueDelivery(failed);
    }
    return false;
  }

  // ---------------------------------------------------------------- expiry, drops, deadletters

  private boolean isExpired(Entry e, Instant now) {
    return !expiryDeferred && e.delivery.createdAt().plus(config.ttl()).isBefore(now);
  }

  private void expireLocked(Entry e, Instant now, Effects fx) {
    if (e.delivery.kind() == DeliveryKind.RESULT) {
      deadletterLocked(e, "expired: not delivered within the TTL of " + config.ttl(), now, fx);
    } else {
      dropLocked(e, DeliveryDropReason.EXPIRED, now, fx);
    }
  }

  private void deadletterLocked(Entry e, String lastError, Instant now, Effects fx) {
    Delivery d = e.delivery;
    DeadletterEntry entry =
        DeadletterEntry.forDelivery(d.runId(), d.id(), lastError, now, epochOf(d.runId()));
    // The entry first: a crash before the removal leaves the item pending, never lost.
    store.appendDeadletter(entry);
    if (e.persisted) {
      store.removeDelivery(d.id());
    }
    removeLocked(e);
    deadlettered++;
    logger.log(
        Level.WARNING,
        "delivery {0} ({1} of run {2}) moved to deadletter entry {3}: {4}",
        d.id(),
        d.kind(),
        d.runId(),
        entry.id(),
        lastError);
    Map<String, String> data = new LinkedHashMap<>();
    data.put("delivery", d.id().value());
    data.put("kind", d.kind().name());
    data.put("failedAttempts", Integer.toString(d.failedAttempts()));
    data.put("deadletter", entry.id().value());
    data.put("error", lastError);
    fx.event(d.runId(), EVENT_FAILED, now, data);
    fx.listen(() -> listener.deadlettered(d, entry));
  }

  private long epochOf(RunId runId) {
    try {
      return store.load(runId).map(s -> s.manifest().epoch()).orElse(0L);
    } catch (RuntimeException ex) {
      // The epoch only annotates the entry (its id comes from the delivery); 0 means unknown.
      logger.log(Level.DEBUG, "could not read the epoch of run " + runId, ex);
      return 0;
    }
  }

  private void dropLocked(Entry e, DeliveryDropReason reason, Instant now, Effects fx) {
    if (e.persisted) {
      store.removeDelivery(e.delivery.id());
    }
    removeLocked(e);
    countDropLocked(e.delivery, reason, now, fx);
  }

  private void countDropLocked(Delivery d, DeliveryDropReason reason, Instant now, Effects fx) {
    dropped.merge(reason, 1L, Long::sum);
    logger.log(
        reason == DeliveryDropReason.STALE_GENERATION ? Level.INFO : Level.WARNING,
        "delivery {0} ({1} of run {2}, generation {3}) dropped: {4}",
        d.id(),
        d.kind(),
        d.runId(),
        d.generation(),
        reason);
    Map<String, String> data = new LinkedHashMap<>();
    data.put("delivery", d.id().value());
    data.put("kind", d.kind().name());
    data.put("reason", reason.name());
    fx.event(d.runId(), EVENT_DROPPED, now, data);
    fx.listen(() -> listener.dropped(d, reason));
  }

  /**
   * Makes room for one more counted item.
   *
   * @return false when the queue is at its bound and holds no droppable item out of flight
   */
  private boolean makeRoomLocked(Instant now, Effects fx) {
    if (counted < config.bound()) {
      return true;
    }
    for (Entry e : droppable.values()) {
      if (!e.inFlight && !e.persisted) {
        dropLocked(e, DeliveryDropReason.OVERFLOW, now, fx);
        return true;
      }
    }
    return false;
  }

  private void appendEvent(RunId runId, String type, Instant at, Map<String, String> data) {
    try {
      store.appendEvents(runId, List.of(NewEvent.of(type, at, data)));
    } catch (RunNotFoundException ex) {
      logger.log(Level.DEBUG, "no run {0} to record {1} in", runId, type);
    } catch (RuntimeException ex) {
      logger.log(Level.WARNING, "could not append " + type + " to run " + runId, ex);
    }
  }

  // ---------------------------------------------------------------- queue structure

  private static boolean isFor(@Nullable SessionId owner, SessionId session) {
    return owner == null || owner.equals(session);
  }

  /** Returns the oldest item of the active session (owned by it or ownerless), or null. */
  private @Nullable Entry headLocked() {
    if (active == null) {
      return null;
    }
    Map.Entry<Long, Entry> a = ownerless.firstEntry();
    TreeMap<Long, Entry> mineQueue = owned.get(active);
    Map.Entry<Long, Entry> b = mineQueue == null ? null : mineQueue.firstEntry();
    if (a == null) {
      return b == null ? null : b.getValue();
    }
    if (b == null) {
      return a.getValue();
    }
    return a.getKey() < b.getKey() ? a.getValue() : b.getValue();
  }

  private Entry addLocked(Delivery d, boolean persisted) {
    Entry e = new Entry(nextSeq++, d, persisted);
    byId.put(d.id(), e);
    all.put(e.seq, e);
    queueOf(d.owner()).put(e.seq, e);
    if (d.kind() != DeliveryKind.RESULT) {
      droppable.put(e.seq, e);
    }
    if (persisted) {
      persistedCount++;
    } else {
      counted++;
    }
    return e;
  }

  private void removeLocked(Entry e) {
    byId.remove(e.delivery.id());
    all.remove(e.seq);
    SessionId owner = e.delivery.owner();
    if (owner == null) {
      ownerless.remove(e.seq);
    } else {
      TreeMap<Long, Entry> q = owned.get(owner);
      if (q != null) {
        q.remove(e.seq);
        if (q.isEmpty()) {
          owned.remove(owner);
        }
      }
    }
    droppable.remove(e.seq);
    if (e.persisted) {
      persistedCount--;
    } else {
      counted--;
    }
  }

  private java.util.NavigableMap<Long, Entry> queueOf(@Nullable SessionId owner) {
    return owner == null ? ownerless : owned.computeIfAbsent(owner, k -> new TreeMap<>());
  }

  // ---------------------------------------------------------------- reads

  @Override
  public @Nullable SessionId activeSession() {
    synchronized (lock) {
      return active;
    }
  }

  @Override
  public long generation() {
    synchronized (lock) {
      return generation;
    }
  }

  @Override
  public List<Delivery> queued() {
    synchronized (lock) {
      List<Delivery> out = new ArrayList<>(all.size());
      for (Entry e : all.values()) {
        out.add(e.delivery);
      }
      return List.copyOf(out);
    }
  }

  @Override
  public DeliveryStats stats() {
    synchronized (lock) {
      return new DeliveryStats(
          delivered, failedAttempts, deadlettered, duplicates, dropped, all.size(), persistedCount);
    }
  }
}
