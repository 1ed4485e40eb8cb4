package dev.crewrecovery.core.internal.engine;

import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.RedriveRefusedException;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.spi.Clock;
import dev.crewrecovery.api.spi.DeliverySink;
import dev.crewrecovery.api.spi.ProcessProbe;
import dev.crewrecovery.api.spi.PruneResult;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.core.DeadletterListener;
import dev.crewrecovery.core.Deadletters;
import dev.crewrecovery.core.DeliveryCoordinator;
import dev.crewrecovery.core.DeliveryListener;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.RecoveryListener;
import dev.crewrecovery.core.RecoveryPolicy;
import dev.crewrecovery.core.RetryPolicy;
import dev.crewrecovery.core.internal.deadletter.DefaultDeadletters;
import dev.crewrecovery.core.internal.deadletter.RedriveBinding;
import dev.crewrecovery.core.internal.delivery.DefaultDeliveryCoordinator;
import dev.crewrecovery.core.internal.delivery.DeliverySource;
import dev.crewrecovery.core.internal.delivery.RecordingDeliverySource;
import dev.crewrecovery.core.internal.delivery.Redeliveries;
import dev.crewrecovery.core.internal.delivery.ResultRederivation;
import dev.crewrecovery.core.internal.heartbeat.HeartbeatWatcher;
import dev.crewrecovery.core.internal.heartbeat.ObservationTracker;
import dev.crewrecovery.core.internal.ledger.Ledger;
import dev.crewrecovery.core.internal.ledger.TaskRepair;
import dev.crewrecovery.core.internal.ledger.WorkerExits;
import dev.crewrecovery.core.internal.recovery.RecoveryLoop;
import dev.crewrecovery.core.internal.session.LeaseKeeper;
import dev.crewrecovery.core.internal.session.LockedRandom;
import dev.crewrecovery.core.internal.session.Loop;
import dev.crewrecovery.core.internal.session.SafeListener;
import dev.crewrecovery.core.internal.session.Services;
import dev.crewrecovery.core.internal.session.Session;
import dev.crewrecovery.core.internal.waiting.RunWaiters;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * One session's engine: its parts, its scheduler thread and its life cycle. {@code start()}
 * acquires the lease with a new incarnation, then starts the lease renewal, the recovery loop
 * (first pass at once, then every scan interval) and the heartbeat watcher on one daemon scheduler
 * thread (self-rescheduling loops, so ticks never overlap); worker exits are handled on the same
 * thread. {@code close()} stops the loops, waits for the tick in flight, ends the exit watches and
 * releases the lease. Both are idempotent and thread-safe.
 *
 * <p>In <em>manual</em> mode (the testkit's) nothing is scheduled: a test calls {@link
 * HeartbeatWatcher#tick()}, {@link LeaseKeeper#tick()} and {@link RecoveryLoop#pass()} itself, and
 * exits are handled on the thread that completes them.
 */
public final class Engine {
  private static final System.Logger LOG = System.getLogger(Engine.class.getName());
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(60);

  /**
   * How often the session prunes the deadletter (DESIGN section 10: retention and capacity come
   * from the configuration); the first prune runs right after start.
   */
  public static final Duration DEADLETTER_PRUNE_INTERVAL = Duration.ofHours(1);

  private enum Life {
    NEW,
    STARTED,
    CLOSED
  }

  private final Services services;
  private final Session session;
  private final ObservationTracker tracker = new ObservationTracker();
  private final TaskRepair repair;
  private final WorkerExits exits;
  private final Ledger ledger;
  private final RunWaiters waiters;
  private final HeartbeatWatcher watcher;
  private final LeaseKeeper leaseKeeper;
  private final RecoveryLoop recovery;
  private final DeliverySource deliverySource;
  private final @Nullable DefaultDeliveryCoordinator coordinator;
  private final @Nullable RecordingDeliverySource recorder;
  private final DefaultDeadletters deadletters;
  private final @Nullable DeliverySink sink;
  private final boolean manual;
  private final @Nullable AutoCloseable ownedProbe;
  private final List<Loop> loops = new ArrayList<>();

  private Life life = Life.NEW;
  private @Nullable ScheduledThreadPoolExecutor scheduler;
  private volatile @Nullable Thread schedulerThread;

  /**
   * Assembles an engine.
   *
   * @param sessionId the session id
   * @param store the store
   * @param clock the clock
   * @param probe the process probe
   * @param listener the host's listener
   * @param config the configuration
   * @param retryPolicy the retry policy
   * @param recoveryPolicy the recovery policy
   * @param random the jitter source
   * @param localHost this host's name as process refs carry it
   * @param sink the delivery sink; with one the engine runs a delivery coordinator, without one it
   *     only records what would be delivered
   * @param manual whether loops are driven by hand
   * @param ownedProbe the probe the engine created and closes with itself, if any
   */
  public Engine(
      SessionId sessionId,
      RunStore store,
      Clock clock,
      ProcessProbe probe,
      RecoveryListener listener,
      RecoveryConfig config,
      RetryPolicy retryPolicy,
      RecoveryPolicy recoveryPolicy,
      RandomGenerator random,
      String localHost,
      @Nullable DeliverySink sink,
      boolean manual,
      @Nullable AutoCloseable ownedProbe) {
    SafeListener safe = new SafeListener(listener);
    this.session = new Session(sessionId, store, clock, config, safe);
    if (sink != null) {
      DefaultDeliveryCoordinator c =
          new DefaultDeliveryCoordinator(
              store,
              sink,
              clock,
              config.deliveryConfig(),
              new DeliveryListener() {
                @Override
                public void deadlettered(Delivery delivery, DeadletterEntry entry) {
                  safe.onDeadletter(entry);
                }
              },
              System.getLogger(DeliveryCoordinator.class.getName()));
      this.coordinator = c;
      this.recorder = null;
      this.deliverySource = c;
    } else {
      // Without a sink nothing can be delivered: keep a bounded record (for diagnostics and tests)
      // instead of queueing and persisting items that no one would ever take.
      RecordingDeliverySource r = new RecordingDeliverySource(config.deliveryQueueBound());
      this.coordinator = null;
      this.recorder = r;
      this.deliverySource = r;
    }
    this.services =
        new Services(
            session,
            store,
            clock,
            probe,
            safe,
            config,
            retryPolicy,
            new LockedRandom(random),
            deliverySource,
            localHost);
    this.repair = new TaskRepair(services, tracker);
    this.exits = new WorkerExits(probe, repair);
    this.waiters =
        new RunWaiters(
            store,
            config.awaitRescanInterval(),
            config.awaitFileWatch(),
            !manual,
            "crew-recovery-await-" + sessionId);
    this.ledger = new Ledger(services, exits, waiters);
    this.watcher = new HeartbeatWatcher(services, repair, exits, tracker);
    this.leaseKeeper = new LeaseKeeper(session, store, clock, config);
    this.recovery = new RecoveryLoop(services, tracker, exits, recoveryPolicy);
    this.deadletters =
        new DefaultDeadletters(
            store,
            config.deadletterConfig(),
            new DeadletterListener() {
              @Override
              public void appended(DeadletterEntry entry) {
                safe.onDeadletter(entry);
              }

              @Override
              public void overCapacity(PruneResult result) {
                safe.onDeadletterOverCapacity(result, config.deadletterCapacity());
              }
            },
            System.getLogger(DefaultDeadletters.class.getName()),
            new SessionRedrive());
    recovery.bindDeadletters(deadletters);
    this.sink = sink;
    this.manual = manual;
    this.ownedProbe = ownedProbe;
  }

  /**
   * Starts the session: lease, then loops. Idempotent while started.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized void start() {
    if (life == Life.STARTED) {
      return;
    }
    if (life == Life.CLOSED) {
      throw new IllegalStateException(
          "session " + session.id() + " is closed; build a new CrewRecovery to start again");
    }
    session.start();
    life = Life.STARTED;
    DefaultDeliveryCoordinator c = coordinator;
    if (c != null) {
      try {
        ResultRederivation.rederive(
            services.store(),
            c,
            session.id(),
            services.clock().now().minus(services.config().deliveryTtl()),
            System.getLogger(DeliveryCoordinator.class.getName()));
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "could not re-derive result deliveries at start", e);
      }
    }
    if (manual) {
      exits.executor(Runnable::run);
      recovery.executor(Runnable::run);
      return;
    }
    ScheduledThreadPoolExecutor s =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "crew-recovery-" + session.id());
              t.setDaemon(true);
              schedulerThread = t;
              return t;
            });
    s.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    s.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    s.setRemoveOnCancelPolicy(true);
    scheduler = s;
    exits.executor(s);
    recovery.executor(s);
    RecoveryConfig config = services.config();
    Loop lease = new Loop("lease renewal", s, leaseKeeper::tick, config.leaseRenewInterval());
    Loop watch = new Loop("heartbeat watcher", s, this::watcherTick, config.watcherInterval());
    // The recovery loop shares the one scheduler thread, so a pass never overlaps a watcher tick;
    // its first pass runs at once.
    Loop recover = new Loop("recovery loop", s, recovery::runOnce, config.scanInterval());
    loops.add(lease);
    loops.add(watch);
    loops.add(recover);
    Loop prune =
        new Loop(
            "deadletter prune",
            s,
            () -> {
              pruneDeadletters();
              return DEADLETTER_PRUNE_INTERVAL;
            },
            DEADLETTER_PRUNE_INTERVAL);
    loops.add(prune);
    lease.start(config.leaseRenewInterval());
    recover.start(Duration.ZERO);
    watch.start(config.watcherInterval());
    prune.start(Duration.ZERO);
  }

  /**
   * Closes the session: stops the loops, waits for the tick in flight (unless called from the
   * scheduler thread itself), ends the exit watches and releases the lease. Idempotent.
   */
  public synchronized void close() {
    if (life == Life.CLOSED) {
      return;
    }
    life = Life.CLOSED;
    Optional<Owner> held = session.close();
    loops.forEach(Loop::stop);
    ScheduledThreadPoolExecutor s = scheduler;
    if (s != null) {
      s.shutdown();
      if (Thread.currentThread() != schedulerThread) {
        try {
          if (!s.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.log(Level.WARNING, "a tick of session {0} did not finish in time", session.id());
            s.shutdownNow();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          s.shutdownNow();
        }
      }
    }
    exits.cancelAll();
    recovery.cancelAll();
    waiters.close();
    if (ownedProbe != null) {
      try {
        ownedProbe.close();
      } catch (Exception e) {
        LOG.log(Level.WARNING, "could not close the default process probe", e);
      }
    }
    if (held.isPresent()) {
      Owner o = held.get();
      try {
        services.store().releaseLease(o.session(), o.incarnation());
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "could not release the lease of " + o, e);
      }
    }
  }

  /** Returns whether {@link #start()} succeeded and {@link #close()} was not called. */
  public synchronized boolean isStarted() {
    return life == Life.STARTED;
  }

  /** Returns the ledger. */
  public Ledger ledger() {
    return ledger;
  }

  /** Returns the hub of waiters and run listeners. */
  public RunWaiters waiters() {
    return waiters;
  }

  /** Returns the session. */
  public Session session() {
    return session;
  }

  /** Returns the heartbeat watcher. */
  public HeartbeatWatcher watcher() {
    return watcher;
  }

  /** Returns the recovery loop. */
  public RecoveryLoop recovery() {
    return recovery;
  }

  /** Returns the lease keeper. */
  public LeaseKeeper leaseKeeper() {
    return leaseKeeper;
  }

  /** Returns the watch of worker exits. */
  public WorkerExits exits() {
    return exits;
  }

  /**
   * One tick of the watcher loop: the heartbeat watcher's tick, then the delivery coordinator's
   * (DESIGN section 11: the head is retried on each watcher tick while active), with expiry
   * deferred while the session's time-discontinuity grace window is open (DESIGN section 9).
   *
   * @return the delay to the next tick, as the watcher asks
   */
  public Duration watcherTick() {
    Duration next = watcher.runOnce();
    deliveryTick();
    return next;
  }

  /**
   * The delivery coordinator's part of a watcher tick; does nothing without a sink. A failure is
   * logged, never thrown.
   */
  public void deliveryTick() {
    DefaultDeliveryCoordinator c = coordinator;
    if (c == null) {
      return;
    }
    try {
      c.deferExpiry(session.inGrace(services.clock().monotonicNanos()));
      c.tick();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "delivery tick failed; the next tick retries", e);
    }
  }

  /**
   * Returns the delivery coordinator, present when the host gave a sink.
   *
   * @return the coordinator, or empty without a sink
   */
  public Optional<DeliveryCoordinator> coordinator() {
    return Optional.ofNullable(coordinator);
  }

  /**
   * Returns the items handed to delivery and not delivered yet: the coordinator's queue, or without
   * a sink the bounded record of what the ledger handed over.
   *
   * @return the items, oldest first
   */
  public List<Delivery> deliveryItems() {
    DefaultDeliveryCoordinator c = coordinator;
    if (c != null) {
      return c.queued();
    }
    return Objects.requireNonNull(recorder, "recorder").items();
  }

  /**
   * Prunes the deadletter now with the configured retention and capacity (the scheduled prune's
   * body; tests in manual mode call it).
   *
   * @return what was pruned
   */
  public PruneResult pruneDeadletters() {
    return deadletters.prune(services.clock().now());
  }

  /** Returns the session-bound deadletter service. */
  public Deadletters deadletters() {
    return deadletters;
  }

  /** Binds redrives to this session: its owner, its lease, its bookkeeping of adopted runs. */
  private final class SessionRedrive implements RedriveBinding {
    @Override
    public Owner redriver() {
      return session.owner();
    }

    @Override
    public Owner writer() {
      return session.writer();
    }

    @Override
    public void adopted(RunSnapshot committed, @Nullable Owner previous) {
      Manifest m = committed.manifest();
      session.own(committed.runId(), m.epoch());
      exits.reconcile(committed);
      deliverySource.runAdopted(committed.runId(), previous, m.owner());
      if (previous != null && !previous.equals(m.owner())) {
        services.listener().onRunAdopted(committed.runId(), previous, m.epoch());
      }
    }

    @Override
    public String redeliver(DeadletterEntry entry, RunSnapshot run, boolean dryRun) {
      DefaultDeliveryCoordinator c = coordinator;
      if (c == null) {
        throw new RedriveRefusedException(
            entry.id(),
            "this session has no delivery coordinator (no DeliverySink was set with"
                + " CrewRecovery.builder().sink(...)), so it cannot re-enqueue a delivery");
      }
      return Redeliveries.redeliver(c, entry, run, dryRun);
    }
  }

  /** Returns where the ledger and the recovery loop hand results and terminal transitions. */
  public DeliverySource deliveries() {
    return deliverySource;
  }

  /** Returns the services the parts share. */
  public Services services() {
    return services;
  }

  /** Returns the delivery sink the host gave, if any (for the delivery coordinator). */
  public Optional<DeliverySink> sink() {
    return Optional.ofNullable(sink);
  }

  /** Returns whether loops are driven by hand. */
  public boolean manual() {
    return manual;
  }
}
