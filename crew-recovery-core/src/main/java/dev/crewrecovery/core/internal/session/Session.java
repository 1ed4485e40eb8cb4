package dev.crewrecovery.core.internal.session;

import dev.crewrecovery.api.CrewRecoveryException;
import dev.crewrecovery.api.Lease;
import dev.crewrecovery.api.LeaseLostException;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.StaleOwnerException;
import dev.crewrecovery.api.spi.Clock;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.internal.decide.DecisionPolicy;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One live instance of a host: its {@link SessionId}, the incarnation its lease gave it, and the
 * runs it owns with the epoch it last knew of each (DESIGN sections 2 and 8).
 *
 * <p><b>Writing.</b> Every write the session makes first calls {@link #writer()}, which refuses
 * before {@code start()} and after {@code close()} ({@link IllegalStateException}) and once the
 * lease was lost ({@link LeaseLostException}). When the last successful renewal is older than the
 * lease (monotonic time), or a loop saw a time discontinuity, it first re-reads the lease (renewing
 * it in place if it still names this incarnation) and the epochs of the owned runs, dropping the
 * runs whose owner or epoch changed.
 *
 * <p><b>Fencing.</b> {@link #checkOwner} is called inside every host write's update: the run's
 * owner must be this incarnation and its epoch the one this session knows.
 *
 * <p>Thread-safe.
 */
public final class Session {
  private static final System.Logger LOG = System.getLogger(Session.class.getName());

  /** The life cycle of a session. */
  public enum State {
    /** Built, lease not acquired: nothing may be written. */
    NEW,
    /** Lease held: writes allowed. */
    STARTED,
    /** A newer incarnation took the lease: this one stops writing. */
    LOST,
    /** Closed: nothing may be written. */
    CLOSED
  }

  private final SessionId id;
  private final RunStore store;
  private final Clock clock;
  private final RecoveryConfig config;
  private final SafeListener listener;
  private final ConcurrentHashMap<RunId, Long> epochs = new ConcurrentHashMap<>();
  private final Object graceLock = new Object();

  private volatile State state = State.NEW;
  private volatile Owner owner;
  private volatile long lastRenewalMono;
  private volatile boolean revalidate;
  private volatile boolean graceOpen;
  private long lastDiscontinuityMono;
  private @Nullable Episode episode;
  private @Nullable Duration lastForwardJump;
  private @Nullable Instant lastForwardJumpAt;

  /**
   * Creates a session that is not started.
   *
   * @param id the session id
   * @param store the store
   * @param clock the clock
   * @param config the configuration
   * @param listener the guarded listener
   */
  public Session(
      SessionId id, RunStore store, Clock clock, RecoveryConfig config, SafeListener listener) {
    this.id = Objects.requireNonNull(id, "id");
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.config = Objects.requireNonNull(config, "config");
    this.listener = Objects.requireNonNull(listener, "listener");
    // A placeholder until start(): incarnation 1 is never written while the state is NEW.
    this.owner = new Owner(id, 1);
  }

  /** Returns the session id. */
  public SessionId id() {
    return id;
  }

  /** Returns the state. */
  public State state() {
    return state;
  }

  /** Returns whether the session holds its lease and may write. */
  public boolean isActive() {
    return state == State.STARTED;
  }

  /**
   * Acquires the lease with a new incarnation.
   *
   * @return the new lease
   * @throws IllegalStateException unless the session is NEW
   */
  public synchronized Lease start() {
    if (state != State.NEW) {
      throw new IllegalStateException("session " + id + " is " + state + "; it starts only once");
    }
    Lease lease = store.acquireLease(id, clock.now());
    owner = lease.owner();
    lastRenewalMono = clock.monotonicNanos();
    state = State.STARTED;
    LOG.log(Level.INFO, "session {0} started as incarnation {1}", id, lease.incarnation());
    return lease;
  }

  /**
   * Closes the session: from now on nothing is written.
   *
   * @return the owner whose lease should be released, or empty when none is held
   */
  public synchronized Optional<Owner> close() {
    State previous = state;
    state = State.CLOSED;
    return previous == State.STARTED ? Optional.of(owner) : Optional.empty();
  }

  /**
   * Returns this incarnation as an owner, for reads and comparisons.
   *
   * @return the owner
   * @throws IllegalStateException before {@code start()}
   */
  public Owner owner() {
    if (state == State.NEW) {
      throw new IllegalStateException(
          "session " + id + " is not started; call CrewRecovery.start() first");
    }
    return owner;
  }

  /**
   * Checks that the session may write and returns the owner writes carry. Revalidates the lease and
   * the owned runs' epochs first when the renewal is late or a discontinuity was seen.
   *
   * @return the owner
   * @throws IllegalStateException before {@code start()} or after {@code close()}
   * @throws LeaseLostException when a newer incarnation holds the lease
   */
  public Owner writer() {
    State s = state;
    switch (s) {
      case NEW ->
          throw new IllegalStateException(
              "session " + id + " is not started; call CrewRecovery.start() before writing");
      case CLOSED -> throw new IllegalStateException("session " + id + " is closed");
      case LOST ->
          throw new LeaseLostException(id, owner.incarnation(), store.lease(id).orElse(null));
      case STARTED -> {
        if (revalidate || isLate(clock.monotonicNanos())) {
          revalidate();
        }
      }
    }
    return owner;
  }

  /**
   * Records a successful renewal.
   *
   * @param mono the monotonic time of the renewal
   */
  public void renewed(long mono) {
    lastRenewalMono = mono;
  }

  /**
   * Tells whether the last successful renewal is older than the lease.
   *
   * @param mono the monotonic time now
   * @return true when late
   */
  public boolean isLate(long mono) {
    return mono - lastRenewalMono > config.leaseDuration().toNanos();
  }

  /** Makes the next write re-read the lease and the owned runs' epochs first. */
  public void requireRevalidation() {
    revalidate = true;
  }

  /** Returns whether a revalidation is pending (for tests and diagnostics). */
  public boolean revalidationPending() {
    return revalidate;
  }

  /**
   * Marks the lease lost: the session stops writing and tells the listener once.
   *
   * @param cause what the store said
   */
  public void leaseLost(LeaseLostException cause) {
    boolean first;
    synchronized (this) {
      first = state == State.STARTED;
      if (first) {
        state = State.LOST;
      }
    }
    if (first) {
      LOG.log(Level.WARNING, "session {0} lost its lease: {1}", id, cause.getMessage());
      listener.onLeaseLost(id, owner.incarnation());
    }
  }

  private void revalidate() {
    List<Runnable> calls = new ArrayList<>();
    synchronized (this) {
      if (state != State.STARTED || !(revalidate || isLate(clock.monotonicNanos()))) {
        return;
      }
      try {
        store.renewLease(id, owner.incarnation(), clock.now());
        lastRenewalMono = clock.monotonicNanos();
      } catch (LeaseLostException e) {
        // Released under the lock; the listener is told below, outside it.
        state = State.LOST;
        calls.add(() -> listener.onLeaseLost(id, owner.incarnation()));
        LOG.log(Level.WARNING, "session {0} lost its lease: {1}", id, e.getMessage());
        runAll(calls);
        throw e;
      }
      for (Map.Entry<RunId, Long> e : epochs.entrySet()) {
        RunId runId = e.getKey();
        try {
          Optional<RunSnapshot> loaded = store.load(runId);
          if (loaded.isEmpty()) {
            epochs.remove(runId);
            continue;
          }
          Manifest m = loaded.get().manifest();
          if (!owner.equals(m.owner()) || m.epoch() != e.getValue()) {
            epochs.remove(runId);
            calls.add(() -> listener.onRunDropped(runId, m.owner(), m.epoch()));
            LOG.log(
                Level.WARNING,
                "session {0} dropped run {1}: now owned by {2} at epoch {3}",
                owner,
                runId,
                m.owner(),
                m.epoch());
          }
        } catch (CrewRecoveryException ex) {
          // The run stays known; the owner check inside each update still fences it.
          LOG.log(Level.WARNING, "could not re-read run " + runId + " while revalidating", ex);
        }
      }
      revalidate = false;
    }
    runAll(calls);
  }

  private static void runAll(List<Runnable> calls) {
    for (Runnable r : calls) {
      r.run();
    }
  }

  /**
   * Checks inside a host write's update that this incarnation owns the run at the epoch it knows.
   *
   * @param current the fresh snapshot
   * @param writer the owner the write carries
   * @throws StaleOwnerException when another owner (or none) holds the run, or the epoch moved
   */
  public void checkOwner(RunSnapshot current, Owner writer) {
    Manifest m = current.manifest();
    Long known = epochs.get(m.runId());
    if (!writer.equals(m.owner()) || (known != null && known != m.epoch())) {
      throw new StaleOwnerException(
          m.runId(), writer, known == null ? 0 : known, m.owner(), m.epoch());
    }
  }

  /**
   * Remembers that this incarnation owns a run at an epoch (after create, a checked write, or an
   * adoption).
   *
   * @param runId the run
   * @param epoch its epoch
   */
  public void own(RunId runId, long epoch) {
    epochs.put(runId, epoch);
  }

  /**
   * Forgets a run (terminal, vanished, or adopted by another party).
   *
   * @param runId the run
   */
  public void forget(RunId runId) {
    epochs.remove(runId);
  }

  /**
   * Returns the epoch this session knows for a run it owns.
   *
   * @param runId the run
   * @return the epoch, or empty when the session does not know the run as its own
   */
  public Optional<Long> knownEpoch(RunId runId) {
    return Optional.ofNullable(epochs.get(runId));
  }

  /** Returns the runs this session knows it owns, ordered. */
  public Set<RunId> ownedRuns() {
    return new TreeSet<>(epochs.keySet());
  }

  /**
   * Opens (or extends) the grace window after a discontinuity at {@code mono}, without an episode
   * (tests and callers that only need the window).
   *
   * @param mono the monotonic time the discontinuity was seen
   */
  public void discontinuity(long mono) {
    synchronized (graceLock) {
      lastDiscontinuityMono = mono;
      graceOpen = true;
    }
    revalidate = true;
  }

  /**
   * Records a discontinuity one of the session's loops saw (DESIGN section 9): opens (or extends)
   * the grace window, makes the next write revalidate the lease and the owned runs, remembers a
   * forward wall step (a step of at most {@link DecisionPolicy#DEFAULT_LARGE_FORWARD_JUMP} never
   * replaces a larger one, so a small drift cannot end the 24 h proposal period of a large step),
   * and returns the {@link Episode} it belongs to. Sightings by different loops whose sampling
   * intervals overlap are one episode, so that each run gets one {@code time.discontinuity} event
   * and the listener one call however many loops saw it.
   *
   * @param d what the loop saw
   * @param wall the wall time of the sighting
   * @param mono the monotonic time of the sighting
   * @return the episode
   */
  public Episode discontinuity(Discontinuity d, Instant wall, long mono) {
    Objects.requireNonNull(d, "d");
    Objects.requireNonNull(wall, "wall");
    long gap = d.gap().isNegative() ? 0 : saturatedNanos(d.gap());
    long from = mono - gap;
    Episode e;
    synchronized (graceLock) {
      lastDiscontinuityMono = graceOpen ? Math.max(lastDiscontinuityMono, mono) : mono;
      graceOpen = true;
      Duration drift = d.drift();
      if (drift.compareTo(Duration.ZERO) > 0) {
        Duration current = lastForwardJump;
        boolean large = drift.compareTo(DecisionPolicy.DEFAULT_LARGE_FORWARD_JUMP) > 0;
        boolean currentLarge =
            current != null && current.compareTo(DecisionPolicy.DEFAULT_LARGE_FORWARD_JUMP) > 0;
        if (large || !currentLarge) {
          lastForwardJump = drift;
          lastForwardJumpAt = wall;
        }
      }
      e = episode;
      // Intervals that touch count as one: two loops sampling at the same monotonic instant saw
      // the same step.
      if (e == null || from > e.toMono) {
        e = new Episode(mono);
        episode = e;
      } else {
        e.toMono = Math.max(e.toMono, mono);
      }
    }
    revalidate = true;
    return e;
  }

  /**
   * Returns the last forward wall step the session's loops saw (the larger one while a large one is
   * remembered) and the wall time at which it was seen.
   *
   * @return the step and its instant, or empty when none was seen
   */
  public Optional<Map.Entry<Duration, Instant>> lastForwardJump() {
    synchronized (graceLock) {
      Duration size = lastForwardJump;
      Instant at = lastForwardJumpAt;
      return size == null || at == null ? Optional.empty() : Optional.of(Map.entry(size, at));
    }
  }

  /** One discontinuity as the session's loops see it: whom it was announced to. Thread-safe. */
  public static final class Episode {
    private final Set<RunId> notified = new HashSet<>();
    private boolean announced;
    private long toMono;

    private Episode(long toMono) {
      this.toMono = toMono;
    }

    /**
     * Claims the episode's one {@code time.discontinuity} event of a run.
     *
     * @param runId the run
     * @return true the first time for this run (the caller appends the event)
     */
    public synchronized boolean firstFor(RunId runId) {
      return notified.add(runId);
    }

    /**
     * Forgets a claim whose event could not be appended, so that another loop may try.
     *
     * @param runId the run
     */
    public synchronized void release(RunId runId) {
      notified.remove(runId);
    }

    /**
     * Claims the episode's one listener call.
     *
     * @return true the first time (the caller calls the listener)
     */
    public synchronized boolean announce() {
      if (announced) {
        return false;
      }
      announced = true;
      return true;
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Tells whether judgments resting on an age alone are deferred at {@code mono}: the grace window
   * ends one dead threshold after the last discontinuity.
   *
   * @param mono the monotonic time now
   * @return true inside the window
   */
  public boolean inGrace(long mono) {
    synchronized (graceLock) {
      return graceOpen && mono - lastDiscontinuityMono <= config.heartbeatDead().toNanos();
    }
  }

  /**
   * Returns the wall time now from the session's clock.
   *
   * @return now
   */
  public Instant now() {
    return clock.now();
  }
}
