package dev.crewrecovery.core;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.CorruptStateException;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterId;
import dev.crewrecovery.api.DeadletterMark;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.HeartbeatReading;
import dev.crewrecovery.api.InvalidConfigurationException;
import dev.crewrecovery.api.Lease;
import dev.crewrecovery.api.NewEvent;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.StoreIoException;
import dev.crewrecovery.api.StoredDeadletter;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.spi.ActiveRun;
import dev.crewrecovery.api.spi.ChangeFeed;
import dev.crewrecovery.api.spi.Clock;
import dev.crewrecovery.api.spi.DeadletterFilter;
import dev.crewrecovery.api.spi.HeartbeatOutcome;
import dev.crewrecovery.api.spi.PruneResult;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.api.spi.StoreStats;
import dev.crewrecovery.api.spi.UpdateFunction;
import dev.crewrecovery.api.spi.UpdateResult;
import dev.crewrecovery.core.internal.store.FileStore;
import dev.crewrecovery.core.internal.store.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The embedded {@link RunStore}: a directory of JSON documents, append-only logs and in-place
 * heartbeat slots, safe across threads and processes of one host (DESIGN section 12).
 *
 * <pre>
 * &lt;root&gt;/runs/&lt;runId&gt;/run.json        snapshot + event outbox (durable replace)
 * &lt;root&gt;/runs/&lt;runId&gt;/heartbeats.bin  one 64-byte slot per task, written in place
 * &lt;root&gt;/runs/&lt;runId&gt;/events.jsonl    append-only event log
 * &lt;root&gt;/runs/&lt;runId&gt;/.lock           the run's lock file
 * &lt;root&gt;/active/&lt;runId&gt;               marker: the run is not terminal
 * &lt;root&gt;/outbox/&lt;runId&gt;               marker: a commit's events are not all appended yet
 * &lt;root&gt;/deadletter/entries.jsonl     deadletter entries and marks
 * &lt;root&gt;/deliveries/&lt;id&gt;.json, delivered.jsonl
 * &lt;root&gt;/sessions/&lt;id&gt;.json           leases
 * &lt;root&gt;/reports/  &lt;root&gt;/quarantine/
 * </pre>
 *
 * <p><b>Durability.</b> Every document is replaced by writing a temp file in the same directory,
 * forcing it, moving it over the old one atomically and syncing the directory; logs are appended
 * and forced. A call returns only after that. Heartbeats are the exception: one 64-byte slot per
 * task is written in place, without lock or sync (format in {@code docs/heartbeat-slot.md}).
 *
 * <p><b>Exclusion.</b> {@link #update}, {@link #appendEvents} and {@link #create} hold the run's
 * lock: an OS file lock on {@code runs/<runId>/.lock} behind an in-JVM lock per file, so threads
 * and processes are serialized alike. The wait is bounded by {@link Options#lockTimeout()},
 * measured with {@link Options#clock()}'s monotonic time (its only use); past it, {@code
 * LockTimeoutException}. OS locks die with their process: a crashed holder leaves no stale lock.
 * Leases are serialized per session by {@code sessions/<id>.lock}, deadletters and deliveries by
 * one lock each; a wait past the bound there is a {@link StoreIoException}.
 *
 * <p><b>Crashes.</b> A commit creates the active marker before a non-terminal snapshot, writes the
 * outbox marker before the snapshot that carries its events and deadletter entries, appends them,
 * then removes the markers. Opening settles the runs named by markers (temp files, a torn last
 * event line moved to quarantine, pending outboxes completed, markers of terminal runs removed), so
 * opening costs in proportion to active runs; any other run is settled on its first load or update.
 *
 * <p><b>Corruption.</b> A {@code run.json} that is not valid JSON, fails validation, has a missing
 * or invalid {@code schemaVersion}, or exceeds {@link Options#maxFileBytes()} is moved to {@code
 * quarantine/} as {@code <runId>.run.json.<its last-modified time>} and reported as {@link
 * CorruptStateException}; nothing is deleted. The run keeps a {@code run.json.quarantined} note, so
 * it stays known: {@code load} and {@code update} report it again, {@code create} refuses the id,
 * and an active marker is listed as {@code ORPHANED_MARKER}. A newer schema version is left in
 * place and never overwritten. I/O failures are {@link StoreIoException} and never quarantine.
 *
 * <p><b>Change feed.</b> {@link #changes()} publishes the commits made through this instance only;
 * commits of other processes (or other instances on the same root) are not seen.
 *
 * <p><b>Threading.</b> Every method is thread-safe. <b>Nullness.</b> No argument may be null and no
 * method returns null.
 */
public final class FileRunStore implements RunStore {

  private final FileStore store;
  private final Options options;

  private FileRunStore(FileStore store, Options options) {
    this.store = store;
    this.options = options;
  }

  /**
   * Opens the store at {@code root} with {@link Options#defaults()}, creating the directory (0700)
   * if needed.
   *
   * @param root the store's directory
   * @return the open store
   * @throws InvalidConfigurationException if the root is on a network file system
   * @throws StoreIoException if the root cannot be created or read
   * @throws CorruptStateException if a directory of the layout is a symbolic link
   */
  public static FileRunStore open(Path root) {
    return open(root, Options.defaults());
  }

  /**
   * Opens the store at {@code root}, creating the directory (0700) if needed, then settles the runs
   * named by {@code active/} and {@code outbox/} markers: removes their temp files, moves a torn
   * last event line to quarantine, completes pending outboxes, removes markers of terminal runs and
   * of creates that never committed.
   *
   * @param root the store's directory
   * @param options the options
   * @return the open store
   * @throws InvalidConfigurationException if the root is on a network file system and {@link
   *     Options#allowNetworkFileSystem()} is false
   * @throws StoreIoException if the root cannot be created or read
   * @throws CorruptStateException if a directory of the layout is a symbolic link
   */
  public static FileRunStore open(Path root, Options options) {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(options, "options");
    StoreConfig config =
        new StoreConfig(
            options.lockTimeout(),
            options.clock(),
            options.maxFileBytes(),
            options.allowNetworkFileSystem(),
            options.fsync(),
            options.persistDeliveries(),
            options.deliveredRetention());
    return new FileRunStore(FileStore.open(root, config), options);
  }

  /**
   * Returns the store's root directory, resolved to its real path.
   *
   * @return the root
   */
  public Path root() {
    return store.root();
  }

  /**
   * Returns the directory where DIAGNOSE reports are written ({@code <root>/reports}).
   *
   * @return the reports directory
   */
  public Path reportsDirectory() {
    return store.reportsDirectory();
  }

  /**
   * Returns the options the store was opened with.
   *
   * @return the options
   */
  public Options options() {
    return options;
  }

  /** {@inheritDoc} */
  @Override
  public RunSnapshot create(RunSnapshot initial, List<NewEvent> events) {
    return store.create(initial, events);
  }

  /** {@inheritDoc} */
  @Override
  public Optional<RunSnapshot> load(RunId runId) {
    return store.load(runId);
  }

  /** {@inheritDoc} */
  @Override
  public UpdateResult update(RunId runId, UpdateFunction fn) {
    return store.update(runId, fn);
  }

  /** {@inheritDoc} */
  @Override
  public List<RunEvent> appendEvents(RunId runId, List<NewEvent> events) {
    return store.appendEvents(runId, events);
  }

  /** {@inheritDoc} */
  @Override
  public List<ActiveRun> activeRuns() {
    return store.activeRuns();
  }

  /** {@inheritDoc} */
  @Override
  public List<RunId> allRuns() {
    return store.allRuns();
  }

  /** {@inheritDoc} */
  @Override
  public List<RunEvent> events(RunId runId, long afterSeq, int limit) {
    return store.events(runId, afterSeq, limit);
  }

  /** {@inheritDoc} */
  @Override
  public HeartbeatOutcome recordHeartbeat(AttemptId attempt, Instant at) {
    return store.recordHeartbeat(attempt, at);
  }

  /** {@inheritDoc} */
  @Override
  public HeartbeatOutcome recordActivity(AttemptId attempt, Instant at) {
    return store.recordActivity(attempt, at);
  }

  /** {@inheritDoc} */
  @Override
  public HeartbeatOutcome recordWorkerEnded(AttemptId attempt, Instant at) {
    return store.recordWorkerEnded(attempt, at);
  }

  /** {@inheritDoc} */
  @Override
  public Map<TaskId, HeartbeatReading> heartbeats(RunId runId) {
    return store.heartbeats(runId);
  }

  /** {@inheritDoc} */
  @Override
  public Lease acquireLease(SessionId session, Instant now) {
    return store.acquireLease(session, now);
  }

  /** {@inheritDoc} */
  @Override
  public Lease renewLease(SessionId session, long incarnation, Instant now) {
    return store.renewLease(session, incarnation, now);
  }

  /** {@inheritDoc} */
  @Override
  public void releaseLease(SessionId session, long incarnation) {
    store.releaseLease(session, incarnation);
  }

  /** {@inheritDoc} */
  @Override
  public Optional<Lease> lease(SessionId session) {
    return store.lease(session);
  }

  /** {@inheritDoc} */
  @Override
  public List<Lease> leases() {
    return store.leases();
  }

  /** {@inheritDoc} */
  @Override
  public boolean appendDeadletter(DeadletterEntry entry) {
    return store.appendDeadletter(entry);
  }

  /** {@inheritDoc} */
  @Override
  public List<StoredDeadletter> deadletters(DeadletterFilter filter) {
    return store.deadletters(filter);
  }

  /** {@inheritDoc} */
  @Override
  public boolean markDeadletter(DeadletterMark mark) {
    return store.markDeadletter(mark);
  }

  /** {@inheritDoc} */
  @Override
  public PruneResult pruneDeadletters(
      Instant now, Duration retention, int capacity, Set<DeadletterId> closed) {
    return store.pruneDeadletters(now, retention, capacity, closed);
  }

  /** {@inheritDoc} */
  @Override
  public boolean enqueueDelivery(Delivery delivery) {
    return store.enqueueDelivery(delivery);
  }

  /** {@inheritDoc} */
  @Override
  public List<Delivery> pendingDeliveries() {
    return store.pendingDeliveries();
  }

  /** {@inheritDoc} */
  @Override
  public void markDelivered(DeliveryId id, Instant now) {
    store.markDelivered(id, now);
  }

  /** {@inheritDoc} */
  @Override
  public boolean removeDelivery(DeliveryId id) {
    return store.removeDelivery(id);
  }

  /** {@inheritDoc} */
  @Override
  public boolean deliveredSince(DeliveryId id, Instant since) {
    return store.deliveredSince(id, since);
  }

  /**
   * Returns the feed of commits made through this instance. Commits of other processes, or of other
   * store instances on the same root, are not published: consumers that must see them poll {@link
   * #load}.
   *
   * @return the feed, always present
   */
  @Override
  public Optional<ChangeFeed> changes() {
    return store.changes();
  }

  /** {@inheritDoc} */
  @Override
  public StoreStats stats() {
    return store.stats();
  }

  /**
   * Closes the heartbeat channels; idempotent. Every write has completed before its call returned,
   * so nothing is left half-written. Later calls throw {@link IllegalStateException}.
   */
  @Override
  public void close() {
    store.close();
  }

  @Override
  public String toString() {
    return "FileRunStore[" + store.root() + "]";
  }

  /**
   * The settings of a {@link FileRunStore}. Immutable; built with {@link #builder()}, validated at
   * {@link Builder#build()}.
   */
  public static final class Options {
    /** The default bound on the wait for a lock: 10 s. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(10);

    /**
     * The default size cap of every document the store reads (and of one log line): 16 MiB. A
     * snapshot of a few thousand tasks with long histories stays far below it; a larger file is
     * treated as corrupt rather than read into memory.
     */
    public static final long DEFAULT_MAX_FILE_BYTES = 16L * 1024 * 1024;

    /** The smallest allowed size cap: 64 KiB. */
    public static final long MIN_MAX_FILE_BYTES = 64L * 1024;

    /** The largest allowed size cap: 1 GiB. */
    public static final long MAX_MAX_FILE_BYTES = 1024L * 1024 * 1024;

    /** By default a root on a network file system is refused. */
    public static final boolean DEFAULT_ALLOW_NETWORK_FILE_SYSTEM = false;

    /** By default every write is forced to the device. */
    public static final boolean DEFAULT_FSYNC = true;

    /** By default pending deliveries are persisted (and survive a restart). */
    public static final boolean DEFAULT_PERSIST_DELIVERIES = true;

    /**
     * The default time delivered ids are kept for de-duplication: 7 days, well above the
     * coordinator's 24 h TTL.
     */
    public static final Duration DEFAULT_DELIVERED_RETENTION = Duration.ofDays(7);

    private static final Options DEFAULTS = builder().build();

    private final Duration lockTimeout;
    private final Clock clock;
    private final long maxFileBytes;
    private final boolean allowNetworkFileSystem;
    private final boolean fsync;
    private final boolean persistDeliveries;
    private final Duration deliveredRetention;

    private Options(Builder b) {
      this.lockTimeout = b.lockTimeout;
      this.clock = b.clock;
      this.maxFileBytes = b.maxFileBytes;
      this.allowNetworkFileSystem = b.allowNetworkFileSystem;
      this.fsync = b.fsync;
      this.persistDeliveries = b.persistDeliveries;
      this.deliveredRetention = b.deliveredRetention;
    }

    /**
     * Returns the default options.
     *
     * @return the defaults
     */
    public static Options defaults() {
      return DEFAULTS;
    }

    /**
     * Returns a builder with every field at its default.
     *
     * @return a new builder
     */
    public static Builder builder() {
      return new Builder();
    }

    /**
     * Returns a builder initialised with these options.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
      Builder b = new Builder();
      b.lockTimeout = lockTimeout;
      b.clock = clock;
      b.maxFileBytes = maxFileBytes;
      b.allowNetworkFileSystem = allowNetworkFileSystem;
      b.fsync = fsync;
      b.persistDeliveries = persistDeliveries;
      b.deliveredRetention = deliveredRetention;
      return b;
    }

    /**
     * Returns the bound on the wait for a run's lock (and the session, deadletter and delivery
     * locks).
     *
     * @return the bound, positive
     */
    public Duration lockTimeout() {
      return lockTimeout;
    }

    /**
     * Returns the clock whose monotonic time measures lock waits; the store reads it for nothing
     * else.
     *
     * @return the clock
     */
    public Clock clock() {
      return clock;
    }

    /**
     * Returns the size cap of every document read, and of one line of a log.
     *
     * @return the cap in bytes
     */
    public long maxFileBytes() {
      return maxFileBytes;
    }

    /**
     * Returns whether a root on a network file system (NFS, SMB/CIFS, sshfs, 9p, ...) is accepted.
     *
     * @return true to accept
     */
    public boolean allowNetworkFileSystem() {
      return allowNetworkFileSystem;
    }

    /**
     * Returns whether writes are forced to the device. False is for test and benchmark fixtures
     * only: a crash may then lose acknowledged writes (replaces stay atomic).
     *
     * @return true when durable
     */
    public boolean fsync() {
      return fsync;
    }

    /**
     * Returns whether pending deliveries and delivered ids are kept in files (surviving a host
     * restart) rather than in memory.
     *
     * @return true when persisted
     */
    public boolean persistDeliveries() {
      return persistDeliveries;
    }

    /**
     * Returns how long delivered ids are kept for de-duplication; it must be at least the delivery
     * coordinator's TTL.
     *
     * @return the retention
     */
    public Duration deliveredRetention() {
      return deliveredRetention;
    }

    @Override
    public String toString() {
      return "FileRunStore.Options[lockTimeout="
          + lockTimeout
          + ", clock="
          + clock
          + ", maxFileBytes="
          + maxFileBytes
          + ", allowNetworkFileSystem="
          + allowNetworkFileSystem
          + ", fsync="
          + fsync
          + ", persistDeliveries="
          + persistDeliveries
          + ", deliveredRetention="
          + deliveredRetention
          + "]";
    }

    /** A mutable builder of {@link Options}; not thread-safe. */
    public static final class Builder {
      private Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;
      private Clock clock = SystemClock.instance();
      private long maxFileBytes = DEFAULT_MAX_FILE_BYTES;
      private boolean allowNetworkFileSystem = DEFAULT_ALLOW_NETWORK_FILE_SYSTEM;
      private boolean fsync = DEFAULT_FSYNC;
      private boolean persistDeliveries = DEFAULT_PERSIST_DELIVERIES;
      private Duration deliveredRetention = DEFAULT_DELIVERED_RETENTION;

      private Builder() {}

      /**
       * Sets the bound on lock waits (default {@link #DEFAULT_LOCK_TIMEOUT}); positive.
       *
       * @param lockTimeout the bound
       * @return this builder
       */
      public Builder lockTimeout(Duration lockTimeout) {
        this.lockTimeout = Objects.requireNonNull(lockTimeout, "lockTimeout");
        return this;
      }

      /**
       * Sets the clock whose monotonic time bounds lock waits (default {@link SystemClock}).
       *
       * @param clock the clock
       * @return this builder
       */
      public Builder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
      }

      /**
       * Sets the size cap of documents and log lines (default {@link #DEFAULT_MAX_FILE_BYTES});
       * from {@link #MIN_MAX_FILE_BYTES} to {@link #MAX_MAX_FILE_BYTES}.
       *
       * @param maxFileBytes the cap in bytes
       * @return this builder
       */
      public Builder maxFileBytes(long maxFileBytes) {
        this.maxFileBytes = maxFileBytes;
        return this;
      }

      /**
       * Sets whether a root on a network file system is accepted (default false).
       *
       * @param allow true to accept the risk of unreliable locks
       * @return this builder
       */
      public Builder allowNetworkFileSystem(boolean allow) {
        this.allowNetworkFileSystem = allow;
        return this;
      }

      /**
       * Sets whether writes are forced to the device (default true). {@code false} is meant for
       * test and benchmark fixtures only (for example writing thousands of finished runs): a crash
       * may then lose writes that were acknowledged.
       *
       * @param fsync false for the unsynced fixture mode
       * @return this builder
       */
      public Builder fsync(boolean fsync) {
        this.fsync = fsync;
        return this;
      }

      /**
       * Sets whether pending deliveries are persisted in files (default true) or kept in memory.
       *
       * @param persist true to persist
       * @return this builder
       */
      public Builder persistDeliveries(boolean persist) {
        this.persistDeliveries = persist;
        return this;
      }

      /**
       * Sets how long delivered ids are kept for de-duplication (default {@link
       * #DEFAULT_DELIVERED_RETENTION}); positive.
       *
       * @param retention the retention
       * @return this builder
       */
      public Builder deliveredRetention(Duration retention) {
        this.deliveredRetention = Objects.requireNonNull(retention, "deliveredRetention");
        return this;
      }

      /**
       * Validates and builds the options.
       *
       * @return the options
       * @throws InvalidConfigurationException naming the field when a value is out of its domain
       */
      public Options build() {
        if (lockTimeout.isNegative() || lockTimeout.isZero()) {
          throw new InvalidConfigurationException(
              "lockTimeout", "must be positive, was " + lockTimeout);
        }
        if (maxFileBytes < MIN_MAX_FILE_BYTES || maxFileBytes > MAX_MAX_FILE_BYTES) {
          throw new InvalidConfigurationException(
              "maxFileBytes",
              "must be from "
                  + MIN_MAX_FILE_BYTES
                  + " to "
                  + MAX_MAX_FILE_BYTES
                  + " bytes, was "
                  + maxFileBytes);
        }
        if (deliveredRetention.isNegative() || deliveredRetention.isZero()) {
          throw new InvalidConfigurationException(
              "deliveredRetention", "must be positive, was " + deliveredRetention);
        }
        return new Options(this);
      }
    }
  }
}
