package dev.crewrecovery.core;

import dev.crewrecovery.api.InvalidConfigurationException;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The engine's tunable numbers, with the defaults of DESIGN.md (its bold numbers) as named {@code
 * DEFAULT_*} constants. Immutable and thread-safe; built with {@link #builder()} and validated by
 * {@link Builder#build()}, which throws {@link InvalidConfigurationException} naming the first
 * field that is out of its domain or inconsistent with another.
 *
 * <p>Rules checked at build: every duration is positive; {@code heartbeatWarn < heartbeatStale <
 * heartbeatDead}; {@code activityWindow ≥ heartbeatDead}; {@code leaseRenewInterval <
 * leaseDuration}; {@code watcherDeadStreakInterval ≤ watcherInterval}; {@code backoffBase ≤
 * backoffCap}; {@code 0 ≤ backoffJitter < 1}; every count is at least 1.
 */
public final class RecoveryConfig {

  /** A session's lease expires when its last renewal is older than this: 30 s. */
  public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(30);

  /** A session renews its lease this often: 10 s. */
  public static final Duration DEFAULT_LEASE_RENEW_INTERVAL = Duration.ofSeconds(10);

  /** A heartbeat older than this is WARN (HEALTHY at or below): 30 s. */
  public static final Duration DEFAULT_HEARTBEAT_WARN = Duration.ofSeconds(30);

  /** A heartbeat older than this is STALE (WARN at or below): 60 s. */
  public static final Duration DEFAULT_HEARTBEAT_STALE = Duration.ofSeconds(60);

  /**
   * A heartbeat older than this is DEAD (STALE at or below): 300 s. Also the length of the grace
   * window after a time discontinuity.
   */
  public static final Duration DEFAULT_HEARTBEAT_DEAD = Duration.ofMinutes(5);

  /** Heartbeat or log activity at most this old makes a task live: 5 min. */
  public static final Duration DEFAULT_ACTIVITY_WINDOW = Duration.ofMinutes(5);

  /**
   * Waiters of {@code awaitRun}/{@code awaitTask} and run listeners re-read the runs they wait for
   * at least this often, whatever the file watch reports: 1 s.
   */
  public static final Duration DEFAULT_AWAIT_RESCAN_INTERVAL = Duration.ofSeconds(1);

  /**
   * The default pattern of secrets in log tails: {@code key=value} or {@code key: value} for keys
   * that name a password, token, secret or API key, {@code Bearer} tokens, and AWS-like access key
   * ids. Each match is replaced by {@code <redacted>} (a {@code key=value} keeps its key).
   */
  public static final Pattern DEFAULT_LOG_REDACTION =
      Pattern.compile(
          "(?i:((?:password|passwd|token|secret|api[_-]?key|access[_-]?key|private[_-]?key"
              + "|client[_-]?secret|authorization)[\\w.-]*[\"']?\\s*[=:]\\s*[\"']?)"
              + "(?:(?:bearer|basic|token)\\s+)?)[^\\s\"',;&]+"
              + "|(?i:(bearer\\s+))[A-Za-z0-9._~+/=-]+"
              + "|\\b(AKIA|ASIA)[A-Z0-9]{16}\\b");

  /** The heartbeat watcher ticks this often: 5 s. */
  public static final Duration DEFAULT_WATCHER_INTERVAL = Duration.ofSeconds(5);

  /** The heartbeat watcher ticks this often while any task is in a dead streak: 1 s. */
  public static final Duration DEFAULT_WATCHER_DEAD_STREAK_INTERVAL = Duration.ofSeconds(1);

  /** The consecutive DEAD tick of a streak that writes a HEARTBEAT_DEAD deadletter entry: 3. */
  public static final int DEFAULT_DEAD_STREAK_TICKS = 3;

  /**
   * No HEARTBEAT_DEAD entry is written for an attempt that got one less than this long ago (wall
   * time, checked in the store): 60 s.
   */
  public static final Duration DEFAULT_DEADLETTER_COOLDOWN = Duration.ofSeconds(60);

  /** Watcher bookkeeping of a task unseen for this long (monotonic time) is dropped: 10 min. */
  public static final Duration DEFAULT_BOOKKEEPING_TTL = Duration.ofMinutes(10);

  /** The recovery loop scans this often: 60 s. */
  public static final Duration DEFAULT_SCAN_INTERVAL = Duration.ofSeconds(60);

  /**
   * A run untouched for longer than this is ABANDONED (and a live runner ALIVE_BUT_STALE): 24 h.
   */
  public static final Duration DEFAULT_ABANDONED_AFTER = Duration.ofHours(24);

  /** Attempts of a task in total, first one included: 3. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  /** Retry back-off of the first failed attempt: 1 s (doubling per attempt). */
  public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofSeconds(1);

  /** Retry back-off cap (before jitter): 5 min. */
  public static final Duration DEFAULT_BACKOFF_CAP = Duration.ofMinutes(5);

  /** Retry back-off jitter, as a fraction either way: 0.30 (±30 %). */
  public static final double DEFAULT_BACKOFF_JITTER = 0.30;

  /** A RESUME is refused when this many RESUMEs fall inside the crash-loop window: 3. */
  public static final int DEFAULT_CRASH_LOOP_MAX_RESUMES = 3;

  /** The crash-loop window: 10 min. */
  public static final Duration DEFAULT_CRASH_LOOP_WINDOW = Duration.ofMinutes(10);

  /** Grace between SIGTERM and SIGKILL when the engine terminates a worker: 5 s. */
  public static final Duration DEFAULT_TERMINATE_GRACE = Duration.ofSeconds(5);

  /** A difference between elapsed wall and monotonic time above this is a discontinuity: 2 s. */
  public static final Duration DEFAULT_DISCONTINUITY_DRIFT = Duration.ofSeconds(2);

  /**
   * A gap between two ticks of a loop longer than this many base intervals is a discontinuity: 3.
   */
  public static final int DEFAULT_DISCONTINUITY_GAP_FACTOR = 3;

  /** A delivery's failed attempts that move it to the deadletter: 5. */
  public static final int DEFAULT_DELIVERY_MAX_FAILURES = 5;

  /** A delivery expires after this long: 24 h. */
  public static final Duration DEFAULT_DELIVERY_TTL = Duration.ofHours(24);

  /** The most deliveries queued in memory: 10 000. */
  public static final int DEFAULT_DELIVERY_QUEUE_BOUND = 10_000;

  /**
   * Results are persisted through the store by default, so that they survive a host restart (with
   * the file store) and do not count against the queue bound.
   */
  public static final boolean DEFAULT_DELIVERY_PERSIST_RESULTS = true;

  /**
   * The largest accepted delivery TTL, 3 650 days: small enough that {@code now - ttl} never leaves
   * the range of {@link java.time.Instant}.
   */
  public static final Duration MAX_DELIVERY_TTL = Duration.ofDays(3_650);

  /** The largest accepted deadletter retention, 36 500 days (same reason). */
  public static final Duration MAX_DEADLETTER_RETENTION = Duration.ofDays(36_500);

  /** Deadletter retention: 30 days. */
  public static final Duration DEFAULT_DEADLETTER_RETENTION = Duration.ofDays(30);

  /** The most deadletter entries kept per store: 10 000. */
  public static final int DEFAULT_DEADLETTER_CAPACITY = 10_000;

  private static final RecoveryConfig DEFAULTS = builder().build();

  private final Duration leaseDuration;
  private final Duration leaseRenewInterval;
  private final Duration heartbeatWarn;
  private final Duration heartbeatStale;
  private final Duration heartbeatDead;
  private final Duration activityWindow;
  private final Duration watcherInterval;
  private final Duration watcherDeadStreakInterval;
  private final int deadStreakTicks;
  private final Duration deadletterCooldown;
  private final Duration bookkeepingTtl;
  private final Duration scanInterval;
  private final Duration abandonedAfter;
  private final int maxAttempts;
  private final Duration backoffBase;
  private final Duration backoffCap;
  private final double backoffJitter;
  private final int crashLoopMaxResumes;
  private final Duration crashLoopWindow;
  private final Duration terminateGrace;
  private final Duration discontinuityDrift;
  private final int discontinuityGapFactor;
  private final int deliveryMaxFailures;
  private final Duration deliveryTtl;
  private final int deliveryQueueBound;
  private final boolean deliveryPersistResults;
  private final Duration deadletterRetention;
  private final int deadletterCapacity;
  private final Duration awaitRescanInterval;
  private final boolean awaitFileWatch;
  private final Pattern logRedaction;

  private RecoveryConfig(Builder b) {
    leaseDuration = b.leaseDuration;
    leaseRenewInterval = b.leaseRenewInterval;
    heartbeatWarn = b.heartbeatWarn;
    heartbeatStale = b.heartbeatStale;
    heartbeatDead = b.heartbeatDead;
    activityWindow = b.activityWindow;
    watcherInterval = b.watcherInterval;
    watcherDeadStreakInterval = b.watcherDeadStreakInterval;
    deadStreakTicks = b.deadStreakTicks;
    deadletterCooldown = b.deadletterCooldown;
    bookkeepingTtl = b.bookkeepingTtl;
    scanInterval = b.scanInterval;
    abandonedAfter = b.abandonedAfter;
    maxAttempts = b.maxAttempts;
    backoffBase = b.backoffBase;
    backoffCap = b.backoffCap;
    backoffJitter = b.backoffJitter;
    crashLoopMaxResumes = b.crashLoopMaxResumes;
    crashLoopWindow = b.crashLoopWindow;
    terminateGrace = b.terminateGrace;
    discontinuityDrift = b.discontinuityDrift;
    discontinuityGapFactor = b.discontinuityGapFactor;
    deliveryMaxFailures = b.deliveryMaxFailures;
    deliveryTtl = b.deliveryTtl;
    deliveryQueueBound = b.deliveryQueueBound;
    deliveryPersistResults = b.deliveryPersistResults;
    deadletterRetention = b.deadletterRetention;
    deadletterCapacity = b.deadletterCapacity;
    awaitRescanInterval = b.awaitRescanInterval;
    awaitFileWatch = b.awaitFileWatch;
    logRedaction = b.logRedaction;
  }

  /**
   * Returns the configuration with every default.
   *
   * @return the defaults
   */
  public static RecoveryConfig defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a builder initialised with the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this configuration's values.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Returns how often waiters and run listeners re-read their runs, whatever the file watch says
   * (the bound on noticing a change committed by another process).
   */
  public Duration awaitRescanInterval() {
    return awaitRescanInterval;
  }

  /**
   * Returns whether waiters watch the directories of a {@link FileRunStore} for changes committed
   * by other processes (the periodic re-read runs either way).
   */
  public boolean awaitFileWatch() {
    return awaitFileWatch;
  }

  /**
   * Returns the pattern whose matches are redacted from log tails. A match's first non-null
   * capturing group, if any, is kept (for example the {@code password=} of {@code password=x}).
   */
  public Pattern logRedaction() {
    return logRedaction;
  }

  /** Returns the lease duration (a lease expires when {@code now − lastRenewal} exceeds it). */
  public Duration leaseDuration() {
    return leaseDuration;
  }

  /** Returns the lease renewal interval. */
  public Duration leaseRenewInterval() {
    return leaseRenewInterval;
  }

  /** Returns the heartbeat age above which a task is WARN. */
  public Duration heartbeatWarn() {
    return heartbeatWarn;
  }

  /** Returns the heartbeat age above which a task is STALE. */
  public Duration heartbeatStale() {
    return heartbeatStale;
  }

  /** Returns the heartbeat age above which a task is DEAD; also the discontinuity grace window. */
  public Duration heartbeatDead() {
    return heartbeatDead;
  }

  /** Returns the activity window (heartbeat or log activity at most this old is life). */
  public Duration activityWindow() {
    return activityWindow;
  }

  /** Returns the watcher's base tick interval. */
  public Duration watcherInterval() {
    return watcherInterval;
  }

  /** Returns the watcher's tick interval while any task is in a dead streak. */
  public Duration watcherDeadStreakInterval() {
    return watcherDeadStreakInterval;
  }

  /** Returns the consecutive DEAD tick of a streak that writes the HEARTBEAT_DEAD entry. */
  public int deadStreakTicks() {
    return deadStreakTicks;
  }

  /** Returns the HEARTBEAT_DEAD deadletter cooldown per attempt (wall time). */
  public Duration deadletterCooldown() {
    return deadletterCooldown;
  }

  /** Returns how long watcher bookkeeping of an unseen task is kept (monotonic time). */
  public Duration bookkeepingTtl() {
    return bookkeepingTtl;
  }

  /** Returns the recovery loop's scan interval. */
  public Duration scanInterval() {
    return scanInterval;
  }

  /** Returns the age after which an untouched run counts as abandoned. */
  public Duration abandonedAfter() {
    return abandonedAfter;
  }

  /** Returns the most attempts of a task, first one included. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** Returns the retry back-off of the first failed attempt. */
  public Duration backoffBase() {
    return backoffBase;
  }

  /** Returns the retry back-off cap, before jitter. */
  public Duration backoffCap() {
    return backoffCap;
  }

  /** Returns the retry back-off jitter as a fraction either way. */
  public double backoffJitter() {
    return backoffJitter;
  }

  /** Returns how many RESUMEs inside the crash-loop window refuse the next one. */
  public int crashLoopMaxResumes() {
    return crashLoopMaxResumes;
  }

  /** Returns the crash-loop window. */
  public Duration crashLoopWindow() {
    return crashLoopWindow;
  }

  /** Returns the grace between SIGTERM and SIGKILL. */
  public Duration terminateGrace() {
    return terminateGrace;
  }

  /** Returns the wall/monotonic drift above which a loop sees a discontinuity. */
  public Duration discontinuityDrift() {
    return discontinuityDrift;
  }

  /** Returns how many base intervals between two ticks make a discontinuity. */
  public int discontinuityGapFactor() {
    return discontinuityGapFactor;
  }

  /** Returns the failed delivery attempts that deadletter a delivery. */
  public int deliveryMaxFailures() {
    return deliveryMaxFailures;
  }

  /** Returns the delivery TTL. */
  public Duration deliveryTtl() {
    return deliveryTtl;
  }

  /** Returns the bound of the in-memory delivery queue. */
  public int deliveryQueueBound() {
    return deliveryQueueBound;
  }

  /** Returns whether delivery results are persisted through the store. */
  public boolean deliveryPersistResults() {
    return deliveryPersistResults;
  }

  /**
   * Returns the delivery coordinator's settings taken from this configuration (the one source of
   * its values: TTL, bound, failures, persistence).
   *
   * @return the settings
   */
  public DeliveryConfig deliveryConfig() {
    return new DeliveryConfig(
        deliveryTtl, deliveryQueueBound, deliveryMaxFailures, deliveryPersistResults);
  }

  /**
   * Returns the deadletter's settings taken from this configuration (retention and capacity).
   *
   * @return the settings
   */
  public DeadletterConfig deadletterConfig() {
    return new DeadletterConfig(deadletterRetention, deadletterCapacity);
  }

  /** Returns the deadletter retention. */
  public Duration deadletterRetention() {
    return deadletterRetention;
  }

  /** Returns the most deadletter entries kept per store. */
  public int deadletterCapacity() {
    return deadletterCapacity;
  }

  @Override
  public String toString() {
    return "RecoveryConfig{lease="
        + leaseDuration
        + ", renew="
        + leaseRenewInterval
        + ", heartbeat="
        + heartbeatWarn
        + "/"
        + heartbeatStale
        + "/"
        + heartbeatDead
        + ", activityWindow="
        + activityWindow
        + ", watcher="
        + watcherInterval
        + "/"
        + watcherDeadStreakInterval
        + ", maxAttempts="
        + maxAttempts
        + ", backoff="
        + backoffBase
        + ".."
        + backoffCap
        + "±"
        + backoffJitter
        + "}";
  }

  /**
   * A mutable builder of {@link RecoveryConfig}, initialised with the defaults. Setters reject null
   * at once; domains and consistency are checked by {@link #build()}. Not thread-safe.
   */
  public static final class Builder {
    private Duration leaseDuration = DEFAULT_LEASE_DURATION;
    private Duration leaseRenewInterval = DEFAULT_LEASE_RENEW_INTERVAL;
    private Duration heartbeatWarn = DEFAULT_HEARTBEAT_WARN;
    private Duration heartbeatStale = DEFAULT_HEARTBEAT_STALE;
    private Duration heartbeatDead = DEFAULT_HEARTBEAT_DEAD;
    private Duration activityWindow = DEFAULT_ACTIVITY_WINDOW;
    private Duration watcherInterval = DEFAULT_WATCHER_INTERVAL;
    private Duration watcherDeadStreakInterval = DEFAULT_WATCHER_DEAD_STREAK_INTERVAL;
    private int deadStreakTicks = DEFAULT_DEAD_STREAK_TICKS;
    private Duration deadletterCooldown = DEFAULT_DEADLETTER_COOLDOWN;
    private Duration bookkeepingTtl = DEFAULT_BOOKKEEPING_TTL;
    private Duration scanInterval = DEFAULT_SCAN_INTERVAL;
    private Duration abandonedAfter = DEFAULT_ABANDONED_AFTER;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration backoffBase = DEFAULT_BACKOFF_BASE;
    private Duration backoffCap = DEFAULT_BACKOFF_CAP;
    private double backoffJitter = DEFAULT_BACKOFF_JITTER;
    private int crashLoopMaxResumes = DEFAULT_CRASH_LOOP_MAX_RESUMES;
    private Duration crashLoopWindow = DEFAULT_CRASH_LOOP_WINDOW;
    private Duration terminateGrace = DEFAULT_TERMINATE_GRACE;
    private Duration discontinuityDrift = DEFAULT_DISCONTINUITY_DRIFT;
    private int discontinuityGapFactor = DEFAULT_DISCONTINUITY_GAP_FACTOR;
    private int deliveryMaxFailures = DEFAULT_DELIVERY_MAX_FAILURES;
    private Duration deliveryTtl = DEFAULT_DELIVERY_TTL;
    private int deliveryQueueBound = DEFAULT_DELIVERY_QUEUE_BOUND;
    private boolean deliveryPersistResults = DEFAULT_DELIVERY_PERSIST_RESULTS;
    private Duration deadletterRetention = DEFAULT_DEADLETTER_RETENTION;
    private int deadletterCapacity = DEFAULT_DEADLETTER_CAPACITY;
    private Duration awaitRescanInterval = DEFAULT_AWAIT_RESCAN_INTERVAL;
    private boolean awaitFileWatch = true;
    private Pattern logRedaction = DEFAULT_LOG_REDACTION;

    private Builder() {}

    private Builder(RecoveryConfig c) {
      leaseDuration = c.leaseDuration;
      leaseRenewInterval = c.leaseRenewInterval;
      heartbeatWarn = c.heartbeatWarn;
      heartbeatStale = c.heartbeatStale;
      heartbeatDead = c.heartbeatDead;
      activityWindow = c.activityWindow;
      watcherInterval = c.watcherInterval;
      watcherDeadStreakInterval = c.watcherDeadStreakInterval;
      deadStreakTicks = c.deadStreakTicks;
      deadletterCooldown = c.deadletterCooldown;
      bookkeepingTtl = c.bookkeepingTtl;
      scanInterval = c.scanInterval;
      abandonedAfter = c.abandonedAfter;
      maxAttempts = c.maxAttempts;
      backoffBase = c.backoffBase;
      backoffCap = c.backoffCap;
      backoffJitter = c.backoffJitter;
      crashLoopMaxResumes = c.crashLoopMaxResumes;
      crashLoopWindow = c.crashLoopWindow;
      terminateGrace = c.terminateGrace;
      discontinuityDrift = c.discontinuityDrift;
      discontinuityGapFactor = c.discontinuityGapFactor;
      deliveryMaxFailures = c.deliveryMaxFailures;
      deliveryTtl = c.deliveryTtl;
      deliveryQueueBound = c.deliveryQueueBound;
      deliveryPersistResults = c.deliveryPersistResults;
      deadletterRetention = c.deadletterRetention;
      deadletterCapacity = c.deadletterCapacity;
      awaitRescanInterval = c.awaitRescanInterval;
      awaitFileWatch = c.awaitFileWatch;
      logRedaction = c.logRedaction;
    }

    /** Sets how often waiters and run listeners re-read their runs. */
    public Builder awaitRescanInterval(Duration value) {
      awaitRescanInterval = Objects.requireNonNull(value, "awaitRescanInterval");
      return this;
    }

    /** Sets whether waiters watch a file store's directories (true by default). */
    public Builder awaitFileWatch(boolean value) {
      awaitFileWatch = value;
      return this;
    }

    /** Sets the pattern whose matches are redacted from log tails. */
    public Builder logRedaction(Pattern value) {
      logRedaction = Objects.requireNonNull(value, "logRedaction");
      return this;
    }

    /** Sets the lease duration. */
    public Builder leaseDuration(Duration value) {
      leaseDuration = Objects.requireNonNull(value, "leaseDuration");
      return this;
    }

    /** Sets the lease renewal interval. */
    public Builder leaseRenewInterval(Duration value) {
      leaseRenewInterval = Objects.requireNonNull(value, "leaseRenewInterval");
      return this;
    }

    /** Sets the WARN threshold of heartbeat age. */
    public Builder heartbeatWarn(Duration value) {
      heartbeatWarn = Objects.requireNonNull(value, "heartbeatWarn");
      return this;
    }

    /** Sets the STALE threshold of heartbeat age. */
    public Builder heartbeatStale(Duration value) {
      heartbeatStale = Objects.requireNonNull(value, "heartbeatStale");
      return this;
    }

    /** Sets the DEAD threshold of heartbeat age (also the discontinuity grace window). */
    public Builder heartbeatDead(Duration value) {
      heartbeatDead = Objects.requireNonNull(value, "heartbeatDead");
      return this;
    }

    /** Sets the activity window. */
    public Builder activityWindow(Duration value) {
      activityWindow = Objects.requireNonNull(value, "activityWindow");
      return this;
    }

    /** Sets the watcher's base tick interval. */
    public Builder watcherInterval(Duration value) {
      watcherInterval = Objects.requireNonNull(value, "watcherInterval");
      return this;
    }

    /** Sets the watcher's tick interval during a dead streak. */
    public Builder watcherDeadStreakInterval(Duration value) {
      watcherDeadStreakInterval = Objects.requireNonNull(value, "watcherDeadStreakInterval");
      return this;
    }

    /** Sets the consecutive DEAD tick that writes the HEARTBEAT_DEAD entry. */
    public Builder deadStreakTicks(int value) {
      deadStreakTicks = value;
      return this;
    }

    /** Sets the HEARTBEAT_DEAD cooldown. */
    public Builder deadletterCooldown(Duration value) {
      deadletterCooldown = Objects.requireNonNull(value, "deadletterCooldown");
      return this;
    }

    /** Sets how long bookkeeping of an unseen task is kept. */
    public Builder bookkeepingTtl(Duration value) {
      bookkeepingTtl = Objects.requireNonNull(value, "bookkeepingTtl");
      return this;
    }

    /** Sets the recovery loop's scan interval. */
    public Builder scanInterval(Duration value) {
      scanInterval = Objects.requireNonNull(value, "scanInterval");
      return this;
    }

    /** Sets the abandonment age. */
    public Builder abandonedAfter(Duration value) {
      abandonedAfter = Objects.requireNonNull(value, "abandonedAfter");
      return this;
    }

    /** Sets the most attempts per task (at least 1). */
    public Builder maxAttempts(int value) {
      maxAttempts = value;
      return this;
    }

    /** Sets the back-off of the first failed attempt. */
    public Builder backoffBase(Duration value) {
      backoffBase = Objects.requireNonNull(value, "backoffBase");
      return this;
    }

    /** Sets the back-off cap. */
    public Builder backoffCap(Duration value) {
      backoffCap = Objects.requireNonNull(value, "backoffCap");
      return this;
    }

    /** Sets the back-off jitter fraction, in [0, 1). */
    public Builder backoffJitter(double value) {
      backoffJitter = value;
      return this;
    }

    /** Sets how many RESUMEs inside the window refuse the next one. */
    public Builder crashLoopMaxResumes(int value) {
      crashLoopMaxResumes = value;
      return this;
    }

    /** Sets the crash-loop window. */
    public Builder crashLoopWindow(Duration value) {
      crashLoopWindow = Objects.requireNonNull(value, "crashLoopWindow");
      return this;
    }

    /** Sets the grace between SIGTERM and SIGKILL. */
    public Builder terminateGrace(Duration value) {
      terminateGrace = Objects.requireNonNull(value, "terminateGrace");
      return this;
    }

    /** Sets the wall/monotonic drift that makes a discontinuity. */
    public Builder discontinuityDrift(Duration value) {
      discontinuityDrift = Objects.requireNonNull(value, "discontinuityDrift");
      return this;
    }

    /** Sets how many base intervals between ticks make a discontinuity. */
    public Builder discontinuityGapFactor(int value) {
      discontinuityGapFactor = value;
      return this;
    }

    /** Sets the failed attempts that deadletter a delivery. */
    public Builder deliveryMaxFailures(int value) {
      deliveryMaxFailures = value;
      return this;
    }

    /** Sets the delivery TTL. */
    public Builder deliveryTtl(Duration value) {
      deliveryTtl = Objects.requireNonNull(value, "deliveryTtl");
      return this;
    }

    /** Sets the bound of the in-memory delivery queue. */
    public Builder deliveryQueueBound(int value) {
      deliveryQueueBound = value;
      return this;
    }

    /**
     * Sets whether delivery results are persisted through the store (on by default). Off, results
     * are held in memory only, count against the bound, and are lost with the process.
     */
    public Builder deliveryPersistResults(boolean value) {
      deliveryPersistResults = value;
      return this;
    }

    /** Sets the deadletter retention. */
    public Builder deadletterRetention(Duration value) {
      deadletterRetention = Objects.requireNonNull(value, "deadletterRetention");
      return this;
    }

    /** Sets the most deadletter entries kept per store. */
    public Builder deadletterCapacity(int value) {
      deadletterCapacity = value;
      return this;
    }

    /**
     * Validates and builds the configuration.
     *
     * @return the configuration
     * @throws InvalidConfigurationException naming the first field that is out of its domain or
     *     inconsistent with another, its value, and what is allowed
     */
    public RecoveryConfig build() {
      positive("leaseDuration", leaseDuration);
      positive("leaseRenewInterval", leaseRenewInterval);
      positive("heartbeatWarn", heartbeatWarn);
      positive("heartbeatStale", heartbeatStale);
      positive("heartbeatDead", heartbeatDead);
      positive("activityWindow", activityWindow);
      positive("watcherInterval", watcherInterval);
      positive("watcherDeadStreakInterval", watcherDeadStreakInterval);
      positive("deadletterCooldown", deadletterCooldown);
      positive("bookkeepingTtl", bookkeepingTtl);
      positive("scanInterval", scanInterval);
      positive("abandonedAfter", abandonedAfter);
      positive("backoffBase", backoffBase);
      positive("backoffCap", backoffCap);
      positive("crashLoopWindow", crashLoopWindow);
      positive("terminateGrace", terminateGrace);
      positive("discontinuityDrift", discontinuityDrift);
      positive("deliveryTtl", deliveryTtl);
      positive("deadletterRetention", deadletterRetention);
      positive("awaitRescanInterval", awaitRescanInterval);
      atMost("deliveryTtl", deliveryTtl, MAX_DELIVERY_TTL);
      atMost("deadletterRetention", deadletterRetention, MAX_DEADLETTER_RETENTION);
      atLeastOne("deadStreakTicks", deadStreakTicks);
      atLeastOne("maxAttempts", maxAttempts);
      atLeastOne("crashLoopMaxResumes", crashLoopMaxResumes);
      atLeastOne("discontinuityGapFactor", discontinuityGapFactor);
      atLeastOne("deliveryMaxFailures", deliveryMaxFailures);
      atLeastOne("deliveryQueueBound", deliveryQueueBound);
      atLeastOne("deadletterCapacity", deadletterCapacity);
      less("heartbeatWarn", heartbeatWarn, "heartbeatStale", heartbeatStale);
      less("heartbeatStale", heartbeatStale, "heartbeatDead", heartbeatDead);
      less("leaseRenewInterval", leaseRenewInterval, "leaseDuration", leaseDuration);
      if (activityWindow.compareTo(heartbeatDead) < 0) {
        throw new InvalidConfigurationException(
            "activityWindow",
            "is "
                + activityWindow
                + " but must be at least heartbeatDead ("
                + heartbeatDead
                + "), so that a task never counts as live longer than it takes to be DEAD");
      }
      if (watcherDeadStreakInterval.compareTo(watcherInterval) > 0) {
        throw new InvalidConfigurationException(
            "watcherDeadStreakInterval",
            "is "
                + watcherDeadStreakInterval
                + " but must be at most watcherInterval ("
                + watcherInterval
                + ")");
      }
      if (backoffBase.compareTo(backoffCap) > 0) {
        throw new InvalidConfigurationException(
            "backoffBase",
            "is " + backoffBase + " but must be at most backoffCap (" + backoffCap + ")");
      }
      if (!(backoffJitter >= 0.0 && backoffJitter < 1.0)) {
        throw new InvalidConfigurationException(
            "backoffJitter", "is " + backoffJitter + " but must be in [0, 1)");
      }
      return new RecoveryConfig(this);
    }

    private static void positive(String field, Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new InvalidConfigurationException(
            field, "is " + value + " but must be a positive duration");
      }
    }

    private static void atMost(String field, Duration value, Duration max) {
      if (value.compareTo(max) > 0) {
        throw new InvalidConfigurationException(
            field, "is " + value + " but must be at most " + max);
      }
    }

    private static void atLeastOne(String field, int value) {
      if (value < 1) {
        throw new InvalidConfigurationException(field, "is " + value + " but must be at least 1");
      }
    }

    private static void less(String field, Duration value, String otherField, Duration other) {
      if (value.compareTo(other) >= 0) {
        throw new InvalidConfigurationException(
            field, "is " + value + " but must be less than " + otherField + " (" + other + ")");
      }
    }
  }
}
