package dev.crewrecovery.testkit;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.RecoveryListener;
import dev.crewrecovery.core.RecoveryPolicy;
import dev.crewrecovery.core.RetryPolicy;
import dev.crewrecovery.core.RunLedger;
import dev.crewrecovery.core.internal.engine.Engine;
import dev.crewrecovery.core.internal.engine.EngineAccess;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Runs the real engine ({@link CrewRecovery}: its ledger, heartbeat watcher, lease renewal and
 * recovery loop) one step at a time on fakes: a {@link FakeClock}, a {@link FakeProcessProbe} and a
 * {@link RunStore} (an {@link InMemoryRunStore} unless another is given). Nothing is scheduled and
 * no thread is started: the driver is the scheduler. It keeps, per loop of the host, the monotonic
 * instant at which the loop is next due (the delay each loop asks for after each run, as the
 * engine's own scheduler does), and runs a loop only when a test moves time past that instant or
 * asks for it. The first recovery pass of a (re)started host is due at once, as in production.
 *
 * <p>The driver also plays the host's workers: {@link #startRun} and {@link #startAttempt} spawn a
 * fake worker process per attempt, which writes a heartbeat to the store every {@linkplain
 * Builder#workerBeatInterval(Duration) beat interval} of monotonic time while it is ALIVE and not
 * paused. Workers are separate processes: they keep beating while the host is crashed or paused.
 *
 * <p>Faults, each applied at the current instant:
 *
 * <ul>
 *   <li>{@link #killWorker} ends a worker (it probes DEAD and its exit watch fires at once);
 *   <li>{@link #pauseWorker} freezes a worker (SIGSTOP): it stays ALIVE and stops beating;
 *   <li>{@link #recyclePid} ends a worker and gives its pid to an unrelated process (RECYCLED);
 *   <li>{@link #crashHost()} kills the host without any shutdown: its loops and exit watches stop,
 *       its lease stays in the store, unreleased, and workers keep running; {@link #restartHost()}
 *       then starts a new {@code CrewRecovery} with the same session id on the same store, clock
 *       and probe (a new incarnation);
 *   <li>{@link #pauseHost(Duration)} freezes the host while time passes (a long GC pause): its
 *       loops run again, once, when it wakes;
 *   <li>{@link #stepWall(Duration)} sets the wall clock (NTP), {@link #suspend(Duration)} suspends
 *       the machine (wall time moves, monotonic time does not, and nobody runs).
 * </ul>
 *
 * <p>Time moves only through {@link #advance(Duration)}, {@link #pauseHost(Duration)}, {@link
 * #stepWall(Duration)} and {@link #suspend(Duration)}. {@code advance} runs every loop and worker
 * beat that falls due inside the interval at its due instant, in order, so {@code advance(60 s)}
 * runs twelve watcher ticks, six lease renewals and one recovery pass.
 *
 * <p>Exit callbacks run on the thread that ends the process (the caller's). The driver is not
 * thread-safe: call it from one thread. {@link #store()}, {@link #clock()} and {@link #probe()} are
 * thread-safe and may be shared with other sessions, for example a second driver built on them.
 * Every method throws {@link NullPointerException} for a null argument.
 */
public final class ManualDriver implements AutoCloseable {

  /** The session id of a driver built without one. */
  public static final SessionId DEFAULT_SESSION = SessionId.of("manual-driver");

  /** The default interval between two heartbeats of a simulated worker: 5 s. */
  public static final Duration DEFAULT_WORKER_BEAT_INTERVAL = Duration.ofSeconds(5);

  private enum Kind {
    // The order breaks ties between loops due at the same instant.
    BEAT,
    LEASE,
    RECOVERY,
    WATCHER
  }

  /** A fake worker process of one attempt. */
  private static final class Worker {
    final AttemptId attempt;
    final ProcessRef ref;
    boolean paused;
    long nextBeat;

    Worker(AttemptId attempt, ProcessRef ref, long nextBeat) {
      this.attempt = attempt;
      this.ref = ref;
      this.nextBeat = nextBeat;
    }
  }

  private final FakeClock clock;
  private final RunStore store;
  private final FakeProcessProbe probe;
  private final SessionId sessionId;
  private final RecoveryConfig config;
  private final RecoveryPolicy recoveryPolicy;
  private final RetryPolicy retryPolicy;
  private final @Nullable RecoveryListener listener;
  private final String hostName;
  private final long seed;
  private final Duration beatInterval;
  private final Map<AttemptId, Worker> workers = new LinkedHashMap<>();
  private final List<ProcessRef> ended = new ArrayList<>();

  private @Nullable CrewRecovery crew;
  private int incarnations;
  private long nextPid = 1000;
  private long leaseDue;
  private long recoveryDue;
  private long watcherDue;
  private boolean closed;

  private ManualDriver(Builder b) {
    this.clock = b.clock != null ? b.clock : FakeClock.create();
    this.store = b.store != null ? b.store : InMemoryRunStore.open(clock);
    this.probe = b.probe != null ? b.probe : new FakeProcessProbe();
    this.sessionId = b.sessionId;
    this.config = b.config;
    this.recoveryPolicy = b.recoveryPolicy;
    this.retryPolicy = b.retryPolicy;
    this.listener = b.listener;
    this.hostName = b.hostName;
    this.seed = b.seed;
    this.beatInterval = b.workerBeatInterval;
    if (b.autoStart) {
      startHost();
    }
  }

  /**
   * Returns a builder with the defaults: a {@link FakeClock#create() fake clock}, a new {@link
   * InMemoryRunStore} on it, a new {@link FakeProcessProbe}, session {@link #DEFAULT_SESSION},
   * {@link RecoveryConfig#defaults()}, the default recovery and retry policies, jitter seed 7,
   * workers beating every 5 s, and the host started at {@link Builder#build()}.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  // ------------------------------------------------------------------------------ accessors

  /**
   * Returns the clock every part reads; a test may read it, and should move time via the driver.
   */
  public FakeClock clock() {
    return clock;
  }

  /** Returns the store, shared by every incarnation of the host. */
  public RunStore store() {
    return store;
  }

  /** Returns the process probe, shared by every incarnation (processes outlive a host crash). */
  public FakeProcessProbe probe() {
    return probe;
  }

  /** Returns the session id every incarnation uses. */
  public SessionId sessionId() {
    return sessionId;
  }

  /** Returns the configuration every incarnation uses. */
  public RecoveryConfig config() {
    return config;
  }

  /** Returns whether the host is up (started and not crashed). */
  public boolean hostUp() {
    return crew != null;
  }

  /**
   * Returns the running host.
   *
   * @return the facade of the current incarnation
   * @throws IllegalStateException while the host is crashed or not started
   */
  public CrewRecovery crew() {
    CrewRecovery c = crew;
    if (c == null) {
      throw new IllegalStateException(
          "the host is down; call restartHost() (or start() for a driver built unstarted)");
    }
    return c;
  }

  /** Returns the running host's ledger; see {@link #crew()}. */
  public RunLedger runs() {
    return crew().runs();
  }

  /** Returns the running host's engine, to inspect its parts; see {@link #crew()}. */
  public Engine engine() {
    return EngineAccess.engine(crew());
  }

  /** Returns how many times the host was started (1 after the first start). */
  public int starts() {
    return incarnations;
  }

  /** Returns the committed snapshot of a run. */
  public Optional<RunSnapshot> snapshot(RunId runId) {
    return store.load(Objects.requireNonNull(runId, "runId"));
  }

  /**
   * Returns the worker of a task's current attempt while it probes ALIVE.
   *
   * @param runId the run
   * @param taskId the task
   * @return the worker's ref, or empty when the task has no current attempt, no worker, or a worker
   *     that ended
   */
  public Optional<ProcessRef> worker(RunId runId, TaskId taskId) {
    return currentWorker(runId, taskId)
        .filter(w -> probe.peek(w.ref) == Liveness.ALIVE)
        .map(w -> w.ref);
  }

  /** Returns whether the worker of a task's current attempt is paused. */
  public boolean isPaused(RunId runId, TaskId taskId) {
    return currentWorker(runId, taskId).map(w -> w.paused).orElse(false);
  }

  /**
   * Returns every worker the driver ended ({@link #killWorker}, {@link #recyclePid}, a task the
   * driver completed), in order. Workers the engine terminated are in {@link
   * FakeProcessProbe#terminations()}.
   */
  public List<ProcessRef> endedWorkers() {
    return List.copyOf(ended);
  }

  /** Returns the refs of every worker the driver spawned, by attempt, in spawn order. */
  public Map<AttemptId, ProcessRef> spawnedWorkers() {
    Map<AttemptId, ProcessRef> out = new LinkedHashMap<>();
    workers.forEach((a, w) -> out.put(a, w.ref));
    return out;
  }

  // ------------------------------------------------------------------------------ the host

  /**
   * Starts the host of a driver built with {@link Builder#started(boolean) started(false)}: a new
   * incarnation acquires the lease; its first recovery pass is due at once and runs at the next
   * {@link #tick()}, {@link #runDue()} or {@link #advance(Duration)}.
   *
   * @throws IllegalStateException if the host is up or the driver closed
   */
  public void start() {
    if (crew != null) {
      throw new IllegalStateException("the host is up; crashHost() first to start it again");
    }
    startHost();
  }

  private void startHost() {
    requireOpen();
    CrewRecovery.Builder b =
        CrewRecovery.builder()
            .store(store)
            .clock(clock)
            .probe(probe)
            .sessionId(sessionId)
            .hostName(hostName)
            .config(config)
            .recoveryPolicy(recoveryPolicy)
            .retryPolicy(retryPolicy)
            .random(new SplittableRandom(seed + incarnations));
    if (listener != null) {
      b.listener(listener);
    }
    CrewRecovery c = EngineAccess.manualLoops(b).build();
    c.start();
    crew = c;
    incarnations++;
    long now = clock.monotonicNanos();
    recoveryDue = now;
    leaseDue = now + config.leaseRenewInterval().toNanos();
    watcherDue = now + config.watcherInterval().toNanos();
  }

  /**
   * Kills the host without any shutdown: no loop runs and no exit watch fires from now on, and its
   * lease stays in the store, unreleased, to expire. Workers keep running and beating.
   *
   * @throws IllegalStateException if the host is already down
   */
  public void crashHost() {
    CrewRecovery c = crew();
    Engine e = EngineAccess.engine(c);
    // What dies with the JVM: the exit watches. Not close(): a crash releases no lease.
    e.exits().cancelAll();
    e.recovery().cancelAll();
    crew = null;
  }

  /**
   * Starts the host again after {@link #crashHost()}: a new {@code CrewRecovery} with the same
   * session id on the same store, clock and probe, so a new incarnation; its first recovery pass is
   * due at once.
   *
   * @throws IllegalStateException if the host is up
   */
  public void restartHost() {
    if (crew != null) {
      throw new IllegalStateException("the host is up; crashHost() first");
    }
    startHost();
  }

  // ------------------------------------------------------------------------------ stepping

  /**
   * Runs every loop of the host once, now, as if each fell due: lease renewal, recovery tick (with
   * its time sampling), heartbeat watcher tick, in that order; each is then due again after the
   * delay it asked for. Does nothing while the host is down. Time does not move.
   */
  public void tick() {
    if (crew == null) {
      return;
    }
    long now = clock.monotonicNanos();
    runLoop(Kind.LEASE, now);
    runLoop(Kind.RECOVERY, now);
    runLoop(Kind.WATCHER, now);
  }

  /** Runs one recovery tick now (time sampling and a pass); does nothing while the host is down. */
  public void reconcile() {
    if (crew != null) {
      runLoop(Kind.RECOVERY, clock.monotonicNanos());
    }
  }

  /** Runs one heartbeat-watcher tick now; does nothing while the host is down. */
  public void watch() {
    if (crew != null) {
      runLoop(Kind.WATCHER, clock.monotonicNanos());
    }
  }

  /**
   * Runs what is due at the current instant (loops whose due instant has passed run once, as an
   * overdue scheduled task does, and worker beats), without moving time.
   */
  public void runDue() {
    runUntil(clock.monotonicNanos(), true);
  }

  /**
   * Lets {@code d} pass on both clocks, running each loop and worker beat at the instant it falls
   * due inside the interval (first what is already due).
   *
   * @param d how long, not negative
   * @throws IllegalArgumentException if {@code d} is negative
   */
  public void advance(Duration d) {
    requireNonNegative(d);
    runUntil(Math.addExact(clock.monotonicNanos(), d.toNanos()), true);
  }

  /**
   * Freezes the host for {@code d} while time passes: workers keep beating, the host's loops do not
   * run; when it wakes, each loop that fell due runs once at the next step.
   *
   * @param d how long, not negative
   * @throws IllegalArgumentException if {@code d} is negative
   */
  public void pauseHost(Duration d) {
    requireNonNegative(d);
    runUntil(Math.addExact(clock.monotonicNanos(), d.toNanos()), false);
  }

  /**
   * Steps the wall clock alone (forwards or backwards), as NTP or an operator does. Nothing runs.
   *
   * @param step the step, may be negative
   */
  public void stepWall(Duration step) {
    clock.stepWall(Objects.requireNonNull(step, "step"));
  }

  /**
   * Suspends the machine for {@code d}: wall time moves, monotonic time does not, nobody runs. The
   * host notices at its next loop run.
   *
   * @param d how long, not negative
   * @throws IllegalArgumentException if {@code d} is negative
   */
  public void suspend(Duration d) {
    requireNonNegative(d);
    clock.suspend(d);
  }

  private void runUntil(long target, boolean hostRuns) {
    requireOpen();
    while (true) {
      long now = clock.monotonicNanos();
      long next = Long.MAX_VALUE;
      Kind kind = null;
      Worker beating = null;
      for (Worker w : workers.values()) {
        if (beats(w) && w.nextBeat < next) {
          next = w.nextBeat;
          kind = Kind.BEAT;
          beating = w;
        }
      }
      if (hostRuns && crew != null) {
        if (leaseDue < next) {
          next = leaseDue;
          kind = Kind.LEASE;
        }
        if (recoveryDue < next) {
          next = recoveryDue;
          kind = Kind.RECOVERY;
        }
        if (watcherDue < next) {
          next = watcherDue;
          kind = Kind.WATCHER;
        }
      }
      if (kind == null || next > target) {
        break;
      }
      if (next > now) {
        clock.advance(Duration.ofNanos(next - now));
        now = next;
      }
      if (kind == Kind.BEAT) {
        Worker w = Objects.requireNonNull(beating);
        // A worker writes straight into the store, with or without a live host.
        var unused = store.recordHeartbeat(w.attempt, clock.now());
        w.nextBeat = Math.max(w.nextBeat, now) + beatInterval.toNanos();
      } else {
        runLoop(kind, now);
      }
    }
    long now = clock.monotonicNanos();
    if (target > now) {
      clock.advance(Duration.ofNanos(target - now));
    }
  }

  private boolean beats(Worker w) {
    return !w.paused && probe.peek(w.ref) == Liveness.ALIVE;
  }

  private void runLoop(Kind kind, long now) {
    Engine e = EngineAccess.engine(crew());
    switch (kind) {
      case LEASE -> leaseDue = now + e.leaseKeeper().tick().toNanos();
      case RECOVERY -> recoveryDue = now + e.recovery().runOnce().toNanos();
      case WATCHER -> watcherDue = now + e.watcher().runOnce().toNanos();
      case BEAT -> throw new IllegalArgumentException("a beat is not a loop of the host");
    }
  }

  // ------------------------------------------------------------------------------ the workload

  /**
   * Creates a run through the host's ledger, starts it, and starts one attempt of each task with a
   * freshly spawned worker.
   *
   * @param runId the run
   * @param tasks its tasks, at least one
   * @return the committed snapshot after the last start
   * @throws IllegalStateException while the host is down
   * @throws IllegalArgumentException if no task is given
   */
  public RunSnapshot startRun(String runId, String... tasks) {
    if (tasks.length == 0) {
      throw new IllegalArgumentException("a run needs at least one task");
    }
    RunId id = RunId.of(runId);
    List<TaskId> ids = new ArrayList<>();
    for (String t : tasks) {
      ids.add(TaskId.of(t));
    }
    runs().create(id, ids);
    runs().start(id);
    for (TaskId t : ids) {
      startAttempt(id, t);
    }
    return snapshot(id).orElseThrow();
  }

  /**
   * Spawns a worker and starts a new attempt of a QUEUED task with it through the host's ledger.
   * When the ledger refuses, the spawned worker exits without having run and the refusal is thrown.
   *
   * @param runId the run
   * @param taskId the task
   * @return the new attempt
   * @throws IllegalStateException while the host is down
   * @throws dev.crewrecovery.api.CrewRecoveryException what the ledger throws
   */
  public AttemptId startAttempt(RunId runId, TaskId taskId) {
    RunLedger ledger = runs();
    ProcessRef ref = probe.spawn(nextPid++);
    AttemptId attempt;
    try {
      attempt = ledger.startAttempt(runId, taskId, ref, null, false);
    } catch (RuntimeException e) {
      probe.exit(ref, 1);
      throw e;
    }
    long now = clock.monotonicNanos();
    workers.put(attempt, new Worker(attempt, ref, now + beatInterval.toNanos()));
    return attempt;
  }

  /**
   * Records the result of a task's current attempt through the host's ledger (the worker wrote its
   * output); the worker keeps running.
   *
   * @param runId the run
   * @param taskId the task
   * @return the committed snapshot
   * @throws IllegalStateException while the host is down, or if the task has no current attempt
   */
  public RunSnapshot recordResult(RunId runId, TaskId taskId) {
    AttemptId attempt = currentAttempt(runId, taskId);
    return runs().recordResult(attempt, "result/" + attempt);
  }

  /**
   * Completes a task as a well-behaved worker does: the result is recorded and the task completed
   * through the host's ledger, then the worker exits with code 0.
   *
   * @param runId the run
   * @param taskId the task
   * @return the committed snapshot
   * @throws IllegalStateException while the host is down, or if the task has no current attempt
   */
  public RunSnapshot completeTask(RunId runId, TaskId taskId) {
    AttemptId attempt = currentAttempt(runId, taskId);
    RunSnapshot s = runs().complete(attempt, "result/" + attempt);
    Worker w = workers.get(attempt);
    if (w != null && probe.peek(w.ref) == Liveness.ALIVE) {
      ended.add(w.ref);
      probe.exit(w.ref, 0);
    }
    return s;
  }

  // ------------------------------------------------------------------------------ faults

  /**
   * Kills the worker of a task's current attempt (SIGKILL): it probes DEAD from now on, stops
   * beating, and its exit watches fire at once on this thread.
   *
   * @param runId the run
   * @param taskId the task
   * @return the killed worker
   * @throws IllegalStateException if the task has no ALIVE worker
   */
  public ProcessRef killWorker(RunId runId, TaskId taskId) {
    Worker w = liveWorker(runId, taskId);
    ended.add(w.ref);
    probe.exit(w.ref, FakeProcessProbe.EXIT_CODE_KILL);
    return w.ref;
  }

  /**
   * Freezes the worker of a task's current attempt (SIGSTOP): it stays ALIVE and stops beating.
   *
   * @param runId the run
   * @param taskId the task
   * @throws IllegalStateException if the task has no ALIVE worker
   */
  public void pauseWorker(RunId runId, TaskId taskId) {
    liveWorker(runId, taskId).paused = true;
  }

  /**
   * Thaws a paused worker (SIGCONT): it beats again at once and then every beat interval.
   *
   * @param runId the run
   * @param taskId the task
   * @throws IllegalStateException if the task has no ALIVE worker
   */
  public void resumeWorker(RunId runId, TaskId taskId) {
    Worker w = liveWorker(runId, taskId);
    if (w.paused) {
      w.paused = false;
      w.nextBeat = clock.monotonicNanos();
    }
  }

  /**
   * Ends the worker of a task's current attempt and gives its pid to an unrelated new process: the
   * worker's ref probes RECYCLED, its exit watches fire at once, and {@code identify(pid)} finds
   * the newcomer.
   *
   * @param runId the run
   * @param taskId the task
   * @return the newcomer's ref (same pid, other start identity)
   * @throws IllegalStateException if the task has no ALIVE worker
   */
  public ProcessRef recyclePid(RunId runId, TaskId taskId) {
    Worker w = liveWorker(runId, taskId);
    ended.add(w.ref);
    return probe.recycle(w.ref);
  }

  // ------------------------------------------------------------------------------ helpers

  private Optional<Worker> currentWorker(RunId runId, TaskId taskId) {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(taskId, "taskId");
    return store
        .load(runId)
        .flatMap(s -> s.task(taskId))
        .flatMap(TaskState::currentAttempt)
        .map(Attempt::id)
        .map(workers::get);
  }

  private Worker liveWorker(RunId runId, TaskId taskId) {
    return currentWorker(runId, taskId)
        .filter(w -> probe.peek(w.ref) == Liveness.ALIVE)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "task "
                        + taskId
                        + " of run "
                        + runId
                        + " has no ALIVE worker of its current attempt that this driver spawned"));
  }

  private AttemptId currentAttempt(RunId runId, TaskId taskId) {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(taskId, "taskId");
    return store
        .load(runId)
        .flatMap(s -> s.task(taskId))
        .flatMap(TaskState::currentAttempt)
        .map(Attempt::id)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "task " + taskId + " of run " + runId + " has no current attempt"));
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the driver is closed");
    }
  }

  private static void requireNonNegative(Duration d) {
    Objects.requireNonNull(d, "duration");
    if (d.isNegative()) {
      throw new IllegalArgumentException("a duration of time passing must not be negative: " + d);
    }
  }

  /** Returns the wall time now, for convenience. */
  public Instant now() {
    return clock.now();
  }

  /**
   * Closes the running host as a clean shutdown does (lease released). The store is left open: it
   * may belong to the test. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    CrewRecovery c = crew;
    crew = null;
    if (c != null) {
      c.close();
    }
  }

  /** A builder of {@link ManualDriver}; see {@link ManualDriver#builder()} for the defaults. */
  public static final class Builder {
    private @Nullable FakeClock clock;
    private @Nullable RunStore store;
    private @Nullable FakeProcessProbe probe;
    private SessionId sessionId = DEFAULT_SESSION;
    private RecoveryConfig config = RecoveryConfig.defaults();
    private RecoveryPolicy recoveryPolicy = RecoveryPolicy.defaults();
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private @Nullable RecoveryListener listener;
    private String hostName = FakeProcessProbe.DEFAULT_HOST;
    private long seed = 7;
    private Duration workerBeatInterval = DEFAULT_WORKER_BEAT_INTERVAL;
    private boolean autoStart = true;

    private Builder() {}

    /** Sets the clock (shared with a store given to {@link #store}, if any). */
    public Builder clock(FakeClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Sets the store; by default a new {@link InMemoryRunStore} on the driver's clock. */
    public Builder store(RunStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Sets the probe; its {@link FakeProcessProbe#spawn} host must be {@link #hostName}. */
    public Builder probe(FakeProcessProbe probe) {
      this.probe = Objects.requireNonNull(probe, "probe");
      return this;
    }

    /** Sets the session id of every incarnation. */
    public Builder sessionId(SessionId sessionId) {
      this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
      return this;
    }

    /** Sets the engine configuration. */
    public Builder config(RecoveryConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** Sets the recovery policy. */
    public Builder recoveryPolicy(RecoveryPolicy policy) {
      this.recoveryPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Sets the retry policy. */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Sets the listener every incarnation calls. */
    public Builder listener(RecoveryListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Sets the host name of this host (default {@link FakeProcessProbe#DEFAULT_HOST}). */
    public Builder hostName(String hostName) {
      this.hostName = Objects.requireNonNull(hostName, "hostName");
      return this;
    }

    /** Sets the seed of the retry jitter (incarnation {@code n} uses {@code seed + n − 1}). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Sets how often a simulated worker beats.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder workerBeatInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("a beat interval must be positive, was " + interval);
      }
      this.workerBeatInterval = interval;
      return this;
    }

    /** Sets whether {@link #build()} starts the host (default true); else call {@code start()}. */
    public Builder started(boolean started) {
      this.autoStart = started;
      return this;
    }

    /**
     * Builds the driver and, unless told otherwise, starts the host (its first recovery pass is due
     * at once and runs at the first step).
     *
     * @return the driver
     */
    public ManualDriver build() {
      return new ManualDriver(this);
    }
  }
}
