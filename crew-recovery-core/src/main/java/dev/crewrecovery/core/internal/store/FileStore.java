package dev.crewrecovery.core.internal.store;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.CorruptStateException;
import dev.crewrecovery.api.CrewRecoveryException;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterId;
import dev.crewrecovery.api.DeadletterMark;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.HeartbeatReading;
import dev.crewrecovery.api.InvalidConfigurationException;
import dev.crewrecovery.api.Lease;
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
import dev.crewrecovery.api.spi.ActiveRun;
import dev.crewrecovery.api.spi.ChangeFeed;
import dev.crewrecovery.api.spi.DeadletterFilter;
import dev.crewrecovery.api.spi.HeartbeatOutcome;
import dev.crewrecovery.api.spi.PruneResult;
import dev.crewrecovery.api.spi.RunChange;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.api.spi.StoreStats;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.api.spi.UpdateFunction;
import dev.crewrecovery.api.spi.UpdateResult;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The embedded file store (DESIGN section 12). See {@code dev.crewrecovery.core.FileRunStore} for
 * the public contract; this class holds the protocol.
 *
 * <p><b>Order of writes of a commit</b> (all under the run's lock): create {@code active/<runId>}
 * when the new snapshot is not terminal; write {@code outbox/<runId>} naming the new version when
 * the update has events or deadletter entries; replace {@code run.json} durably (it carries the
 * outbox); append the events (forced) and the deadletter entries (forced, idempotent by id); delete
 * the outbox marker; delete the active marker when the snapshot is terminal. A crash anywhere
 * leaves a state that {@link #settleLocked} completes: events carry their seq, so only those above
 * the log's last seq are appended again.
 *
 * <p><b>Settling.</b> The first time a run is locked in this process (and whenever its outbox
 * marker exists) its temp files are removed, a torn last event line is moved to quarantine and cut
 * off, a pending outbox is completed and the active marker is made to agree with the snapshot.
 * {@code open()} does this for the runs in {@code active/} and {@code outbox/} only.
 */
public final class FileStore implements RunStore {
  private static final System.Logger LOG = System.getLogger(FileStore.class.getName());

  private final StoreConfig config;
  private final Layout layout;
  private final FileIo io;
  private final Quarantine quarantine;
  private final Documents documents;
  private final HeartbeatWriter heartbeats;
  private final DeadletterLog deadletters;
  private final LeaseFiles leases;
  private final DeliveryStore deliveries;
  private final LocalChangeFeed feed = new LocalChangeFeed();
  private final Set<RunId> settled = ConcurrentHashMap.newKeySet();
  private final Set<String> countedMalformed = ConcurrentHashMap.newKeySet();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  private final ThreadLocal<Boolean> insideFn = new ThreadLocal<>();
  private volatile boolean closed;

  private FileStore(StoreConfig config, Layout layout, FileIo io) {
    this.config = config;
    this.layout = layout;
    this.io = io;
    this.quarantine = new Quarantine(layout.quarantine, io);
    this.documents = new Documents(quarantine, config.maxFileBytes());
    this.heartbeats = new HeartbeatWriter(layout, io, config.maxFileBytes(), dropped);
    DeadletterLog.LockSupplier locks = this::lockOther;
    this.deadletters =
        new DeadletterLog(
            layout.deadletterLog(),
            layout.deadletterLock(),
            io,
            quarantine,
            locks,
            config.maxFileBytes());
    this.leases = new LeaseFiles(layout, io, documents, locks);
    this.deliveries =
        config.persistDeliveries()
            ? new FileDeliveries(
                layout,
                io,
                documents,
                quarantine,
                locks,
                config.maxFileBytes(),
                config.deliveredRetention())
            : new MemoryDeliveries(config.deliveredRetention());
  }

  /**
   * Opens (creating if needed) a store at {@code root}, then settles the runs in {@code active/}
   * and {@code outbox/}.
   *
   * @throws InvalidConfigurationException if the root is on a network file system and that is not
   *     allowed
   * @throws StoreIoException if the root cannot be created or read
   * @throws CorruptStateException if a directory of the layout is a symbolic link
   */
  public static FileStore open(Path root, StoreConfig config) {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(config, "config");
    Path abs = root.toAbsolutePath().normalize();
    boolean posix = abs.getFileSystem().supportedFileAttributeViews().contains("posix");
    FileIo io = new FileIo(config.fsync(), posix);
    Layout layout;
    try {
      if (!Files.exists(abs)) {
        if (posix) {
          Files.createDirectories(
              abs,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
          Files.createDirectories(abs);
        }
      }
      Path real = abs.toRealPath();
      if (!Files.isDirectory(real)) {
        throw new StoreIoException("store root " + root + " is not a directory", null);
      }
      if (!config.allowNetworkFileSystem()) {
        String type = Files.getFileStore(real).type();
        if (NetworkFileSystems.isNetwork(type)) {
          throw new InvalidConfigurationException(
              "allowNetworkFileSystem",
              "store root "
                  + real
                  + " is on a network file system ("
                  + type
                  + "), where advisory locks are unreliable; use a local directory, or set"
                  + " allowNetworkFileSystem(true) to accept the risk");
        }
      }
      layout = new Layout(real);
      for (Path d : layout.directories()) {
        io.ensureDirectory(d);
      }
    } catch (IOException e) {
      throw new StoreIoException("cannot open the store at " + root + ": " + e, e);
    }
    FileStore store = new FileStore(config, layout, io);
    store.settleAtOpen();
    return store;
  }

  /** Returns the store's root directory (real path). */
  public Path root() {
    return layout.root;
  }

  /** Returns the directory for DIAGNOSE reports. */
  public Path reportsDirectory() {
    return layout.reports;
  }

  // ------------------------------------------------------------------------- runs

  @Override
  public RunSnapshot create(RunSnapshot initial, List<NewEvent> events) {
    ensureOpen();
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(events, "events");
    if (initial.version() != 1) {
      throw new IllegalArgumentException(
          "create takes a snapshot at version 1, was " + initial.version());
    }
    notInsideFn("create");
    RunId id = initial.runId();
    try {
      io.ensureDirectory(layout.runDir(id));
    } catch (IOException e) {
      throw new StoreIoException("creating the directory of run " + id + ": " + e, e);
    }
    UpdateResult result;
    try (FileLocks.Held held = lockRun(id)) {
      StoredRun existing;
      try {
        existing = settleLocked(id);
      } catch (CorruptStateException e) {
        throw new RunExistsException(id);
      }
      if (existing != null || hasTraces(id)) {
        throw new RunExistsException(id);
      }
      // Slots left by a create that never committed must not be read as this run's.
      resetHeartbeats(id);
      result = commitLocked(id, null, initial, events, List.of());
    } catch (IOException e) {
      throw new StoreIoException("creating run " + id + ": " + e, e);
    }
    publish(result.snapshot());
    return result.snapshot();
  }

  @Override
  public Optional<RunSnapshot> load(RunId runId) {
    ensureOpen();
    Objects.requireNonNull(runId, "runId");
    if (!runDirExists(runId)) {
      return Optional.empty();
    }
    if (!settled.contains(runId) || Files.exists(layout.outboxMarker(runId))) {
      // Settle opportunistically: never wait here; whoever holds the lock settles it.
      try (FileLocks.Held held = FileLocks.tryAcquire(layout.runLock(runId), io)) {
        if (held != null) {
          StoredRun run = settleLocked(runId);
          return Optional.ofNullable(run).map(StoredRun::snapshot);
        }
      } catch (IOException e) {
        throw new StoreIoException("settling run " + runId + ": " + e, e);
      }
    }
    StoredRun run = readRunUnlocked(runId);
    if (run != null
        && run.snapshot().status().isTerminal()
        && Files.exists(layout.activeMarker(runId), LinkOption.NOFOLLOW_LINKS)) {
      // A marker left by a crash after a terminal commit: each sweep's loads remove it.
      try (FileLocks.Held held = FileLocks.tryAcquire(layout.runLock(runId), io)) {
        if (held != null) {
          run = settleLocked(runId);
        }
      } catch (IOException e) {
        throw new StoreIoException("settling run " + runId + ": " + e, e);
      }
    }
    return Optional.ofNullable(run).map(StoredRun::snapshot);
  }

  @Override
  public UpdateResult update(RunId runId, UpdateFunction fn) {
    ensureOpen();
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(fn, "fn");
    notInsideFn("update");
    if (!runDirExists(runId)) {
      throw new RunNotFoundException(runId);
    }
    UpdateResult result;
    try (FileLocks.Held held = lockRun(runId)) {
      StoredRun current = settleLocked(runId);
      if (current == null) {
        throw new RunNotFoundException(runId);
      }
      RunSnapshot snapshot = current.snapshot();
      Map<TaskId, HeartbeatReading> slots = readSlots(runId, snapshot);
      Update decision;
      insideFn.set(Boolean.TRUE);
      try {
        decision = fn.apply(snapshot, slots);
      } finally {
        insideFn.remove();
      }
      Objects.requireNonNull(decision, "the update function returned null");
      RunSnapshot next = decision.snapshot();
      if (next == null) {
        return new UpdateResult(snapshot, false, List.of());
      }
      if (!next.runId().equals(runId) || next.version() != snapshot.version()) {
        throw new VersionConflictException(runId, snapshot.version(), next.version());
      }
      checkTaskList(runId, snapshot, next);
      result =
          commitLocked(
              runId,
              current,
              next.withVersion(snapshot.version() + 1),
              decision.events(),
              decision.deadletters());
    } catch (IOException e) {
      throw new StoreIoException("updating run " + runId + ": " + e, e);
    }
    publish(result.snapshot());
    return result;
  }

  private static void checkTaskList(RunId runId, RunSnapshot before, RunSnapshot after) {
    List<dev.crewrecovery.api.TaskState> a = before.tasks();
    List<dev.crewrecovery.api.TaskState> b = after.tasks();
    for (int i = 0; i < a.size(); i++) {
      if (i >= b.size()) {
        throw new TaskListChangedException(runId, "task " + a.get(i).id() + " was dropped");
      }
      if (!a.get(i).id().equals(b.get(i).id())) {
        throw new TaskListChangedException(
            runId,
            "position " + i + " held task " + a.get(i).id() + " and now holds " + b.get(i).id());
      }
    }
  }

  @Override
  public List<RunEvent> appendEvents(RunId runId, List<NewEvent> events) {
    ensureOpen();
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(events, "events");
    notInsideFn("appendEvents");
    if (!runDirExists(runId)) {
      throw new RunNotFoundException(runId);
    }
    try (FileLocks.Held held = lockRun(runId)) {
      StoredRun current = settleLocked(runId);
      if (current == null) {
        throw new RunNotFoundException(runId);
      }
      if (events.isEmpty()) {
        return List.of();
      }
      Path file = layout.events(runId);
      JsonLines.repairTornTail(file, tornLabel(runId), quarantine, io);
      long base = Math.max(current.lastSeq(), EventLog.lastSeq(file, runId, config.maxFileBytes()));
      List<RunEvent> numbered = number(runId, base, events);
      EventLog.append(file, numbered, io);
      return numbered;
    } catch (IOException e) {
      throw new StoreIoException("appending events to run " + runId + ": " + e, e);
    }
  }

  @Override
  public List<ActiveRun> activeRuns() {
    ensureOpen();
    List<ActiveRun> out = new ArrayList<>();
    for (RunId id : markers(layout.active)) {
      try {
        Path dir = layout.runDir(id);
        if (!FileIo.requireRealDirectory(dir)) {
          continue; // a create that never made its directory
        }
        if (Files.exists(layout.runJson(id), LinkOption.NOFOLLOW_LINKS)) {
          out.add(new ActiveRun(id, ActiveRun.State.ACTIVE));
        } else if (hasTraces(id)) {
          out.add(new ActiveRun(id, ActiveRun.State.ORPHANED_MARKER));
        }
        // else: a create in progress, or one that never committed (removed when settled)
      } catch (CorruptStateException e) {
        out.add(new ActiveRun(id, ActiveRun.State.ORPHANED_MARKER)); // symlinked: refused
      } catch (IOException e) {
        throw new StoreIoException("listing active run " + id + ": " + e, e);
      }
    }
    return out;
  }

  @Override
  public List<RunId> allRuns() {
    ensureOpen();
    List<RunId> out = new ArrayList<>();
    for (RunId id : markers(layout.runs)) {
      Path dir = layout.runDir(id);
      if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
          && (Files.exists(layout.runJson(id), LinkOption.NOFOLLOW_LINKS)
              || Files.exists(layout.tombstone(id), LinkOption.NOFOLLOW_LINKS))) {
        out.add(id);
      }
    }
    return out;
  }

  @Override
  public List<RunEvent> events(RunId runId, long afterSeq, int limit) {
    ensureOpen();
    Objects.requireNonNull(runId, "runId");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    if (!runDirExists(runId)) {
      return List.of();
    }
    try {
      return EventLog.read(
          layout.events(runId),
          runId,
          afterSeq,
          limit,
          config.maxFileBytes(),
          (offset, why) -> {
            if (countedMalformed.add(runId.value() + "@" + offset)) {
              malformed.incrementAndGet();
              LOG.log(
                  System.Logger.Level.WARNING,
                  "{0}: skipping unreadable event line at byte {1}: {2}",
                  layout.events(runId),
                  offset,
                  why);
            }
          });
    } catch (IOException e) {
      throw new StoreIoException("reading " + layout.events(runId) + ": " + e, e);
    }
  }

  // ------------------------------------------------------------------------- heartbeats

  @Override
  public HeartbeatOutcome recordHeartbeat(AttemptId attempt, Instant at) {
    ensureOpen();
    return heartbeats.record(attempt, at, HeartbeatWriter.Kind.BEAT);
  }

  @Override
  public HeartbeatOutcome recordActivity(AttemptId attempt, Instant at) {
    ensureOpen();
    return heartbeats.record(attempt, at, HeartbeatWriter.Kind.ACTIVITY);
  }

  @Override
  public HeartbeatOutcome recordWorkerEnded(AttemptId attempt, Instant at) {
    ensureOpen();
    return heartbeats.record(attempt, at, HeartbeatWriter.Kind.ENDED);
  }

  @Override
  public Map<TaskId, HeartbeatReading> heartbeats(RunId runId) {
    Optional<RunSnapshot> snapshot = load(runId);
    return snapshot.isEmpty() ? Map.of() : readSlots(runId, snapshot.get());
  }

  private Map<TaskId, HeartbeatReading> readSlots(RunId runId, RunSnapshot snapshot) {
    try {
      return HeartbeatSlots.readAll(layout.heartbeats(runId), snapshot);
    } catch (IOException e) {
      throw new StoreIoException("reading " + layout.heartbeats(runId) + ": " + e, e);
    }
  }

  private void resetHeartbeats(RunId runId) throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            layout.heartbeats(runId),
            Set.<OpenOption>of(
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING,
                LinkOption.NOFOLLOW_LINKS),
            io.fileAttributes())) {
      // created empty: every slot reads MISSING
    }
    heartbeats.evict(runId);
  }

  // ------------------------------------------------------------------------- leases

  @Override
  public Lease acquireLease(SessionId session, Instant now) {
    ensureOpen();
    return leases.acquire(session, now);
  }

  @Override
  public Lease renewLease(SessionId session, long incarnation, Instant now) {
    ensureOpen();
    return leases.renew(session, incarnation, now);
  }

  @Override
  public void releaseLease(SessionId session, long incarnation) {
    ensureOpen();
    leases.release(session, incarnation);
  }

  @Override
  public Optional<Lease> lease(SessionId session) {
    ensureOpen();
    return leases.lease(session);
  }

  @Override
  public List<Lease> leases() {
    ensureOpen();
    return leases.all();
  }

  // ------------------------------------------------------------------------- deadletters

  @Override
  public boolean appendDeadletter(DeadletterEntry entry) {
    ensureOpen();
    return deadletters.append(entry);
  }

  @Override
  public List<StoredDeadletter> deadletters(DeadletterFilter filter) {
    ensureOpen();
    return deadletters.list(filter);
  }

  @Override
  public boolean markDeadletter(DeadletterMark mark) {
    ensureOpen();
    return deadletters.mark(mark);
  }

  @Override
  public PruneResult pruneDeadletters(
      Instant now, Duration retention, int capacity, Set<DeadletterId> closed) {
    ensureOpen();
    return deadletters.prune(now, retention, capacity, closed);
  }

  // ------------------------------------------------------------------------- deliveries

  @Override
  public boolean enqueueDelivery(Delivery delivery) {
    ensureOpen();
    return deliveries.enqueue(delivery);
  }

  @Override
  public List<Delivery> pendingDeliveries() {
    ensureOpen();
    return deliveries.pending();
  }

  @Override
  public void markDelivered(DeliveryId id, Instant now) {
    ensureOpen();
    deliveries.markDelivered(id, now);
  }

  @Override
  public boolean removeDelivery(DeliveryId id) {
    ensureOpen();
    return deliveries.remove(id);
  }

  @Override
  public boolean deliveredSince(DeliveryId id, Instant since) {
    ensureOpen();
    return deliveries.deliveredSince(id, since);
  }

  // ------------------------------------------------------------------------- misc

  @Override
  public Optional<ChangeFeed> changes() {
    return Optional.of(feed);
  }

  @Override
  public StoreStats stats() {
    return new StoreStats(dropped.get(), malformed.get(), quarantine.count());
  }

  @Override
  public void close() {
    closed = true;
    heartbeats.close();
  }

  // ------------------------------------------------------------------------- protocol

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the store at " + layout.root + " is closed");
    }
  }

  private void notInsideFn(String what) {
    if (Boolean.TRUE.equals(insideFn.get())) {
      throw new IllegalStateException(
          what
              + " called from inside an update function of the same store; the function must only"
              + " compute its result (DESIGN section 5)");
    }
  }

  private FileLocks.Held lockRun(RunId runId) {
    return FileLocks.acquire(
        layout.runLock(runId),
        io,
        config.clock(),
        config.lockTimeout(),
        waited -> new LockTimeoutException(runId, waited));
  }

  private FileLocks.Held lockOther(Path lockFile, String what) {
    return FileLocks.acquire(
        lockFile,
        io,
        config.clock(),
        config.lockTimeout(),
        waited ->
            new StoreIoException(
                "could not lock "
                    + what
                    + " within "
                    + waited
                    + ": another thread or process holds "
                    + lockFile
                    + "; try again later",
                null));
  }

  /** Whether the run's directory exists; a symlinked one is refused. */
  private boolean runDirExists(RunId runId) {
    try {
      return FileIo.requireRealDirectory(layout.runDir(runId));
    } catch (IOException e) {
      throw new StoreIoException("reading the directory of run " + runId + ": " + e, e);
    }
  }

  /** Whether a run without run.json left proof that it once committed. */
  private boolean hasTraces(RunId runId) throws IOException {
    if (Files.exists(layout.tombstone(runId), LinkOption.NOFOLLOW_LINKS)) {
      return true;
    }
    try {
      return Files.size(layout.events(runId)) > 0;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private static String tornLabel(RunId runId) {
    return runId.value() + ".events.jsonl.torn";
  }

  private static List<RunEvent> number(RunId runId, long base, List<NewEvent> events) {
    List<RunEvent> out = new ArrayList<>(events.size());
    long seq = base;
    for (NewEvent e : events) {
      seq++;
      out.add(new RunEvent(runId, seq, e.type(), e.at(), e.data()));
    }
    return out;
  }

  /**
   * Commits a snapshot with its outbox, under the run's lock.
   *
   * @param current the committed state before, or null for a create
   */
  private UpdateResult commitLocked(
      RunId runId,
      @Nullable StoredRun current,
      RunSnapshot next,
      List<NewEvent> events,
      List<DeadletterEntry> deadletterEntries)
      throws IOException {
    Path eventsFile = layout.events(runId);
    long base = current == null ? 0 : current.lastSeq();
    if (!events.isEmpty()) {
      JsonLines.repairTornTail(eventsFile, tornLabel(runId), quarantine, io);
      base = Math.max(base, EventLog.lastSeq(eventsFile, runId, config.maxFileBytes()));
    }
    List<RunEvent> numbered = number(runId, base, events);
    StoredRun stored = new StoredRun(next, base + numbered.size(), numbered, deadletterEntries);
    boolean outbox = !numbered.isEmpty() || !deadletterEntries.isEmpty();
    Path activeMarker = layout.activeMarker(runId);
    Path outboxMarker = layout.outboxMarker(runId);
    if (!next.status().isTerminal()) {
      io.createMarker(activeMarker);
    }
    if (outbox) {
      io.writeMarker(outboxMarker, Codec.encodeNumber("version", next.version()));
    }
    io.writeDurably(layout.runJson(runId), Codec.encodeRun(stored));
    // Committed. What follows completes the commit; a failure leaves it to the next settle.
    heartbeats.onCommit(runId, next);
    if (outbox) {
      try {
        appendOutbox(runId, stored);
        io.deleteFile(outboxMarker);
      } catch (IOException | CrewRecoveryException e) {
        settled.remove(runId);
        LOG.log(
            System.Logger.Level.WARNING,
            "run "
                + runId
                + " version "
                + next.version()
                + " is committed; its events stay in the outbox until the next access",
            e);
      }
    }
    if (next.status().isTerminal()) {
      try {
        io.deleteFile(activeMarker);
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "could not remove active marker of " + runId, e);
      }
    }
    return new UpdateResult(next, true, numbered);
  }

  /** Appends what of the outbox is missing; returns how many events were appended. */
  private int appendOutbox(RunId runId, StoredRun run) throws IOException {
    int appended = 0;
    if (!run.outboxEvents().isEmpty()) {
      Path file = layout.events(runId);
      JsonLines.repairTornTail(file, tornLabel(runId), quarantine, io);
      long last = EventLog.lastSeq(file, runId, config.maxFileBytes());
      List<RunEvent> missing = new ArrayList<>();
      for (RunEvent e : run.outboxEvents()) {
        if (e.seq() > last) {
          missing.add(e);
        }
      }
      EventLog.append(file, missing, io);
      appended = missing.size();
    }
    for (DeadletterEntry e : run.outboxDeadletters()) {
      deadletters.append(e);
    }
    return appended;
  }

  /**
   * Brings a run to a settled state under its lock (held by the caller) and returns its committed
   * state, or null when it does not exist.
   */
  private @Nullable StoredRun settleLocked(RunId runId) throws IOException {
    Path dir = layout.runDir(runId);
    if (!settled.contains(runId)) {
      io.deleteTempFiles(dir);
    }
    JsonLines.repairTornTail(layout.events(runId), tornLabel(runId), quarantine, io);
    Path outboxMarker = layout.outboxMarker(runId);
    Path activeMarker = layout.activeMarker(runId);
    StoredRun current;
    try {
      current = readRunLocked(runId);
    } catch (UnsupportedSchemaException e) {
      throw e; // left exactly as it is
    } catch (CorruptStateException e) {
      // The outbox went to quarantine with the file; the active marker stays: ORPHANED_MARKER.
      io.deleteFile(outboxMarker);
      settled.add(runId);
      throw e;
    }
    if (Files.exists(outboxMarker, LinkOption.NOFOLLOW_LINKS)) {
      if (current != null && markerNames(outboxMarker, current.snapshot().version())) {
        int appended = appendOutbox(runId, current);
        LOG.log(
            System.Logger.Level.INFO,
            "run {0} version {1}: completed a pending outbox ({2} events appended)",
            runId,
            current.snapshot().version(),
            appended);
      }
      io.deleteFile(outboxMarker);
    }
    boolean marked = Files.exists(activeMarker, LinkOption.NOFOLLOW_LINKS);
    if (current == null) {
      if (marked && !hasTraces(runId)) {
        io.deleteFile(activeMarker); // a create that never committed
      }
    } else if (current.snapshot().status().isTerminal()) {
      if (marked) {
        io.deleteFile(activeMarker);
      }
    } else if (!marked) {
      io.createMarker(activeMarker);
    }
    settled.add(runId);
    return current;
  }

  /**
   * Whether an outbox marker names this version. An unreadable marker (torn by a crash) answers
   * yes: completing an outbox twice is harmless.
   */
  private boolean markerNames(Path marker, long version) {
    try {
      byte[] bytes = FileIo.readCapped(marker, 4096);
      return Codec.decodeNumber(bytes, "version") == version;
    } catch (IOException
        | BadContentException
        | NewerSchemaException
        | FileIo.TooLargeException
        | RuntimeException e) {
      return true;
    }
  }

  /** A run.json that cannot be read as a valid snapshot, before it is moved. */
  private static final class RunProblem extends Exception {
    private static final long serialVersionUID = 1L;

    RunProblem(String message, @Nullable Throwable cause) {
      super(message, cause);
    }
  }

  private @Nullable StoredRun tryReadRun(RunId runId) throws RunProblem {
    Path file = layout.runJson(runId);
    byte[] bytes;
    try {
      bytes = FileIo.readCapped(file, config.maxFileBytes());
    } catch (NoSuchFileException e) {
      Path tombstone = layout.tombstone(runId);
      if (Files.exists(tombstone, LinkOption.NOFOLLOW_LINKS)) {
        throw new CorruptStateException(
            file.toString(),
            quarantinedTo(tombstone),
            "was moved to quarantine earlier; an operator must restore or resolve the run",
            null);
      }
      return null;
    } catch (FileIo.TooLargeException e) {
      throw new RunProblem(String.valueOf(e.getMessage()), null);
    } catch (IOException e) {
      throw new StoreIoException("reading " + file + ": " + e, e);
    }
    try {
      return Codec.decodeRun(bytes, runId);
    } catch (BadContentException e) {
      throw new RunProblem(String.valueOf(e.getMessage()), e.getCause());
    } catch (NewerSchemaException e) {
      throw new UnsupportedSchemaException(file.toString(), e.found(), Json.SCHEMA_VERSION);
    }
  }

  private @Nullable String quarantinedTo(Path tombstone) {
    try {
      String rel = Codec.decodeTombstone(FileIo.readCapped(tombstone, 64 * 1024));
      return layout.root.resolve(rel).toString();
    } catch (IOException
        | BadContentException
        | NewerSchemaException
        | FileIo.TooLargeException
        | RuntimeException e) {
      return null;
    }
  }

  /** Reads run.json; the caller holds the run's lock, so a corrupt file is moved at once. */
  private @Nullable StoredRun readRunLocked(RunId runId) {
    try {
      return tryReadRun(runId);
    } catch (RunProblem p) {
      throw quarantineRun(runId, p);
    }
  }

  /** Reads run.json without the lock; a corrupt file is read again under the lock and moved. */
  private @Nullable StoredRun readRunUnlocked(RunId runId) {
    try {
      return tryReadRun(runId);
    } catch (RunProblem first) {
      if (FileLocks.heldByCurrentThread(layout.runLock(runId))) {
        throw quarantineRun(runId, first);
      }
      try (FileLocks.Held held = lockRun(runId)) {
        return readRunLocked(runId);
      }
    }
  }

  /**
   * Moves a corrupt run.json to quarantine. The tombstone naming its new place is written first, so
   * that a crash in between never leaves a run directory that looks like a create that never
   * committed.
   */
  private CorruptStateException quarantineRun(RunId runId, RunProblem problem) {
    Path file = layout.runJson(runId);
    Path target = null;
    try {
      target = quarantine.reserveFor(file, runId.value() + "." + Layout.RUN_JSON);
      io.writeDurably(
          layout.tombstone(runId),
          Codec.encodeTombstone(layout.root.relativize(target).toString()));
      quarantine.moveTo(file, target);
    } catch (IOException e) {
      if (target != null) {
        FileIo.deleteQuietly(target);
      }
      return new CorruptStateException(
          file.toString(),
          null,
          problem.getMessage() + "; moving it to quarantine failed: " + e,
          problem.getCause());
    }
    heartbeats.evict(runId);
    LOG.log(
        System.Logger.Level.WARNING, "{0}: {1}; moved to {2}", file, problem.getMessage(), target);
    return new CorruptStateException(
        file.toString(),
        target.toString(),
        String.valueOf(problem.getMessage()),
        problem.getCause());
  }

  /** Settles the runs named by outbox and active markers (open): cost grows with them only. */
  private void settleAtOpen() {
    Set<RunId> ids = new TreeSet<>();
    ids.addAll(markers(layout.outbox));
    ids.addAll(markers(layout.active));
    for (RunId id : ids) {
      try {
        if (!runDirExists(id)) {
          io.deleteFile(layout.outboxMarker(id));
          io.deleteFile(layout.activeMarker(id));
          continue;
        }
        try (FileLocks.Held held = FileLocks.tryAcquire(layout.runLock(id), io)) {
          if (held != null) {
            settleLocked(id);
          }
        }
      } catch (CrewRecoveryException | IOException e) {
        LOG.log(
            System.Logger.Level.WARNING, "open: run {0} left as it is: {1}", id, e.getMessage());
      }
    }
    try {
      leases.cleanTempFiles();
      deliveries.cleanTempFiles();
      try (FileLocks.Held held = FileLocks.tryAcquire(layout.deadletterLock(), io)) {
        if (held != null) {
          io.deleteTempFiles(layout.deadletter);
        }
      }
    } catch (CrewRecoveryException | IOException e) {
      LOG.log(System.Logger.Level.WARNING, "open: temp files left: {0}", e.getMessage());
    }
  }

  /** Lists the run ids named by the entries of a directory, in order; other names are skipped. */
  private List<RunId> markers(Path dir) {
    List<RunId> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
          continue;
        }
        try {
          out.add(new RunId(name));
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "ignoring {0}: not a run id", p);
        }
      }
    } catch (IOException e) {
      throw new StoreIoException("listing " + dir + ": " + e, e);
    }
    out.sort(null);
    return out;
  }

  private void publish(RunSnapshot s) {
    feed.publish(new RunChange(s.runId(), s.version(), s.status()));
  }
}
