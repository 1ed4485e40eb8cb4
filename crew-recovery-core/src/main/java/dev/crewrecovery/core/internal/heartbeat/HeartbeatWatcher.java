package dev.crewrecovery.core.internal.heartbeat;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterId;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.HeartbeatReading;
import dev.crewrecovery.api.LeaseLostException;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.NewEvent;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.StoredDeadletter;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.spi.DeadletterFilter;
import dev.crewrecovery.core.HeartbeatLevel;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.internal.ledger.Events;
import dev.crewrecovery.core.internal.ledger.TaskRepair;
import dev.crewrecovery.core.internal.ledger.WorkerExits;
import dev.crewrecovery.core.internal.session.Discontinuity;
import dev.crewrecovery.core.internal.session.Loop;
import dev.crewrecovery.core.internal.session.Services;
import dev.crewrecovery.core.internal.session.Session;
import dev.crewrecovery.core.internal.session.TimeSampler;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The heartbeat watcher of one session (DESIGN section 6). Each {@link #tick()}:
 *
 * <ol>
 *   <li>samples (wall, monotonic) time; on a discontinuity it opens the grace window, makes the
 *       session revalidate its lease and runs, appends one {@code time.discontinuity} event to each
 *       run it watches and makes one listener call (unless the recovery loop already did for the
 *       same discontinuity);
 *   <li>re-reads from the store every non-terminal run this session owns (a run that vanished or
 *       went terminal is skipped silently, one whose owner or epoch changed is dropped) and watches
 *       its RUNNING tasks: it merges their heartbeat slots into observations, classifies them, and
 *       probes their workers;
 *   <li>hands DEAD or RECYCLED workers to task-level repair at once (process evidence, never
 *       deferred);
 *   <li>downgrades DEAD to STALE when the worker probes ALIVE or UNKNOWN or the attempt has a
 *       result; inside the grace window an age alone never raises a level;
 *   <li>on entering DEAD appends one {@code task.heartbeat_dead} event and makes one listener call;
 *       on the {@link RecoveryConfig#deadStreakTicks() third} consecutive DEAD tick writes one
 *       {@code HEARTBEAT_DEAD} deadletter entry, unless the store holds one for the same attempt
 *       written less than the cooldown earlier (wall time; an entry dated in the future counts as
 *       inside); at most one per streak; leaving DEAD appends {@code task.heartbeat_recovered};
 *       other level changes are listener calls only;
 *   <li>drops the bookkeeping of tasks unseen for {@link RecoveryConfig#bookkeepingTtl()} of
 *       monotonic time;
 *   <li>returns the delay to the next tick: the streak interval while any task is in a dead streak,
 *       else the base interval.
 * </ol>
 *
 * <p>Ticks are serialized (the method is synchronized), and run on the session's scheduler thread,
 * or on a test's thread that drives them with a fake clock. A run that fails is logged and the
 * others are still watched; {@link #runOnce()} also survives a tick that throws.
 */
public final class HeartbeatWatcher {
  private static final System.Logger LOG = System.getLogger(HeartbeatWatcher.class.getName());

  /** The {@code by} of repairs the watcher makes. */
  public static final String BY_WATCHER = "watcher";

  private record Key(RunId runId, TaskId taskId) {}

  private static final class Book {
    final AttemptId attempt;
    HeartbeatLevel level = HeartbeatLevel.HEALTHY;
    int deadTicks;
    boolean deadletterDecided;
    long lastSeenMono;
    boolean leftToExitWatch;

    Book(AttemptId attempt) {
      this.attempt = attempt;
    }
  }

  private final Services services;
  private final Session session;
  private final RecoveryConfig config;
  private final TaskRepair repair;
  private final WorkerExits exits;
  private final ObservationTracker tracker;
  private final Thresholds thresholds;
  private final TimeSampler sampler;
  private final Map<Key, Book> books = new HashMap<>();
  private long ticks;

  /**
   * Creates the watcher.
   *
   * @param services the session's services
   * @param repair task-level repair
   * @param exits the watch of worker exits (ended when a repair ends an attempt)
   * @param tracker the session's observation tracker
   */
  public HeartbeatWatcher(
      Services services, TaskRepair repair, WorkerExits exits, ObservationTracker tracker) {
    this.services = Objects.requireNonNull(services, "services");
    this.session = services.session();
    this.config = services.config();
    this.repair = Objects.requireNonNull(repair, "repair");
    this.exits = Objects.requireNonNull(exits, "exits");
    this.tracker = Objects.requireNonNull(tracker, "tracker");
    this.thresholds = Thresholds.of(config);
    this.sampler =
        new TimeSampler(
            config.watcherInterval(), config.discontinuityDrift(), config.discontinuityGapFactor());
  }

  /**
   * Runs one tick, logging instead of throwing when it fails.
   *
   * @return the delay to the next tick
   */
  public Duration runOnce() {
    return Loop.runGuarded("heartbeat watcher", this::tick, config.watcherInterval());
  }

  /**
   * Runs one tick.
   *
   * @return the delay to the next tick
   */
  public synchronized Duration tick() {
    ticks++;
    Instant now = services.clock().now();
    long mono = services.clock().monotonicNanos();
    Optional<Discontinuity> discontinuity = sampler.sample(now, mono);
    if (!session.isActive()) {
      return config.watcherInterval();
    }
    Session.Episode episode =
        discontinuity.map(d -> session.discontinuity(d, now, mono)).orElse(null);
    try {
      session.writer();
    } catch (LeaseLostException | IllegalStateException e) {
      return config.watcherInterval();
    }
    boolean grace = session.inGrace(mono);
    boolean streak = false;
    for (RunId runId : session.ownedRuns()) {
      try {
        streak |= watchRun(runId, now, mono, grace, discontinuity.orElse(null), episode);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "heartbeat watcher could not watch run " + runId, e);
      }
    }
    if (discontinuity.isPresent() && episode != null && episode.announce()) {
      services
          .listener()
          .onTimeDiscontinuity(discontinuity.get().drift(), discontinuity.get().gap());
    }
    collect(mono);
    return streak ? config.watcherDeadStreakInterval() : config.watcherInterval();
  }

  private boolean watchRun(
      RunId runId,
      Instant now,
      long mono,
      boolean grace,
      @Nullable Discontinuity discontinuity,
      Session.@Nullable Episode episode) {
    Optional<RunSnapshot> loaded = services.store().load(runId);
    if (loaded.isEmpty() || loaded.get().status().isTerminal()) {
      session.forget(runId);
      return false;
    }
    RunSnapshot run = loaded.get();
    Manifest m = run.manifest();
    Owner me = session.owner();
    Optional<Long> known = session.knownEpoch(runId);
    if (!me.equals(m.owner()) || (known.isPresent() && known.get() != m.epoch())) {
      session.forget(runId);
      services.listener().onRunDropped(runId, m.owner(), m.epoch());
      return false;
    }
    List<NewEvent> events = new ArrayList<>();
    List<Runnable> calls = new ArrayList<>();
    // One event per run and discontinuity, whichever of the session's loops saw it first.
    if (discontinuity != null && (episode == null || episode.firstFor(runId))) {
      events.add(
          Events.data()
              .put("drift", discontinuity.drift())
              .put("gap", discontinuity.gap())
              .event(Events.TIME_DISCONTINUITY, now));
    }
    Map<TaskId, HeartbeatReading> slots = services.store().heartbeats(runId);
    boolean streak = false;
    for (TaskState task : run.tasks()) {
      if (task.status() != TaskStatus.RUNNING || task.currentAttempt().isEmpty()) {
        continue;
      }
      streak |= watchTask(run, task, slots.get(task.id()), now, mono, grace, events, calls);
    }
    if (!events.isEmpty()) {
      services.store().appendEvents(runId, events);
    }
    for (Runnable call : calls) {
      call.run();
    }
    return streak;
  }

  private boolean watchTask(
      RunSnapshot run,
      TaskState task,
      @Nullable HeartbeatReading slot,
      Instant now,
      long mono,
      boolean grace,
      List<NewEvent> events,
      List<Runnable> calls) {
    Attempt attempt = task.currentAttempt().orElseThrow();
    Key key = new Key(run.runId(), task.id());
    Book book = books.get(key);
    if (book == null || !book.attempt.equals(attempt.id())) {
      book = new Book(attempt.id());
      books.put(key, book);
    }
    book.lastSeenMono = mono;
    Observation obs = tracker.observe(run.runId(), task, slot, now).orElseThrow();
    Duration age = HeartbeatClassifier.age(obs, now);
    HeartbeatLevel level = HeartbeatClassifier.classify(obs, now, thresholds);
    ProcessRef worker = attempt.worker();
    Liveness liveness = worker == null ? null : services.probe().probe(worker);
    if (liveness == Liveness.DEAD && !book.leftToExitWatch && exits.isWatching(attempt.id())) {
      // A child of this JVM is gone from /proc as soon as the JDK reaps it, a moment before its
      // exit watch fires with the exit code. Leave the repair to the watch once, so the failure
      // carries the exit class; if the watch has not fired by the next tick, repair from here.
      book.leftToExitWatch = true;
      return false;
    }
    if (worker != null && liveness != null && liveness.isDead()) {
      String cause = liveness == Liveness.DEAD ? TaskRepair.PROBE_DEAD : TaskRepair.PROBE_RECYCLED;
      Optional<TaskStatus> repaired = repair.repair(attempt.id(), worker, cause, null, BY_WATCHER);
      if (repaired.isPresent()) {
        exits.unregister(attempt.id());
        books.remove(key);
        tracker.forget(run.runId(), task.id());
      }
      return false;
    }
    if (level == HeartbeatLevel.DEAD
        && (liveness == Liveness.ALIVE
            || liveness == Liveness.UNKNOWN
            || task.hasCurrentResult())) {
      level = HeartbeatLevel.STALE;
    }
    boolean deferred = grace && !obs.ended();
    if (deferred && level.compareTo(book.level) > 0) {
      // Inside the grace window an age alone never raises a level (DESIGN section 9).
      level = book.level;
    }
    HeartbeatLevel previous = book.level;
    book.level = level;
    AttemptId id = attempt.id();
    if (level == HeartbeatLevel.DEAD) {
      if (previous != HeartbeatLevel.DEAD) {
        book.deadTicks = 1;
        book.deadletterDecided = false;
        events.add(
            Events.data()
                .put("attempt", id)
                .put("age", age)
                .put("ended", obs.ended())
                .event(Events.TASK_HEARTBEAT_DEAD, now));
        calls.add(
            () ->
                services
                    .listener()
                    .onHeartbeatLevelChanged(id, previous, HeartbeatLevel.DEAD, age));
      } else if (!deferred) {
        book.deadTicks++;
      }
      if (!deferred && book.deadTicks >= config.deadStreakTicks() && !book.deadletterDecided) {
        book.deadletterDecided = true;
        deadletter(run, attempt, age, now, events, calls);
      }
      return true;
    }
    book.deadTicks = 0;
    if (previous == HeartbeatLevel.DEAD) {
      events.add(
          Events.data()
              .put("attempt", id)
              .put("level", level)
              .put("age", age)
              .event(Events.TASK_HEARTBEAT_RECOVERED, now));
    }
    if (previous != level) {
      HeartbeatLevel to = level;
      calls.add(() -> services.listener().onHeartbeatLevelChanged(id, previous, to, age));
    }
    return false;
  }

  private void deadletter(
      RunSnapshot run,
      Attempt attempt,
      Duration age,
      Instant now,
      List<NewEvent> events,
      List<Runnable> calls) {
    Instant cooldownStart = now.minus(config.deadletterCooldown());
    List<StoredDeadletter> recent =
        services
            .store()
            .deadletters(
                new DeadletterFilter(
                    run.runId(),
                    attempt.id().taskId(),
                    DeadletterReason.HEARTBEAT_DEAD,
                    null,
                    null));
    for (StoredDeadletter stored : recent) {
      DeadletterEntry e = stored.entry();
      // "less than the cooldown earlier": now − at < cooldown; a future entry counts as inside.
      if (attempt.id().equals(e.attemptId()) && e.at().isAfter(cooldownStart)) {
        return;
      }
    }
    // Not caused by a committed change, so the id is per write (attempt and instant), and the
    // cooldown, checked in the store, is what keeps a restarted session from repeating it.
    DeadletterEntry entry =
        new DeadletterEntry(
            DeadletterId.derived(
                attempt.id() + "@" + now.toEpochMilli(), DeadletterReason.HEARTBEAT_DEAD),
            run.runId(),
            attempt.id().taskId(),
            attempt.id(),
            null,
            DeadletterReason.HEARTBEAT_DEAD,
            attempt.id().number(),
            "no heartbeat or activity for " + age,
            now,
            run.manifest().epoch());
    if (services.store().appendDeadletter(entry)) {
      events.add(
          Events.data()
              .put("attempt", attempt.id())
              .put("deadletter", entry.id())
              .put("reason", entry.reason())
              .event(Events.TASK_DEADLETTERED, now));
      calls.add(() -> services.listener().onDeadletter(entry));
    }
  }

  private void collect(long mono) {
    long ttl = config.bookkeepingTtl().toNanos();
    Iterator<Map.Entry<Key, Book>> it = books.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Key, Book> e = it.next();
      if (mono - e.getValue().lastSeenMono > ttl) {
        tracker.forget(e.getKey().runId(), e.getKey().taskId());
        it.remove();
      }
    }
  }

  /** Returns how many tasks have bookkeeping (for tests and diagnostics). */
  public synchronized int trackedTasks() {
    return books.size();
  }

  /** Returns how many ticks ran (for tests and diagnostics). */
  public synchronized long ticks() {
    return ticks;
  }

  /**
   * Returns the level the watcher last gave a task (for tests and diagnostics).
   *
   * @param runId the run
   * @param taskId the task
   * @return the level, or empty when the task has no bookkeeping
   */
  public synchronized Optional<HeartbeatLevel> level(RunId runId, TaskId taskId) {
    Book b = books.get(new Key(runId, taskId));
    return b == null ? Optional.empty() : Optional.of(b.level);
  }
}
