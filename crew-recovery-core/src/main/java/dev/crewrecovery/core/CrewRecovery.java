package dev.crewrecovery.core;

import dev.crewrecovery.api.InvalidConfigurationException;
import dev.crewrecovery.api.LeaseLostException;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.spi.Clock;
import dev.crewrecovery.api.spi.DeliverySink;
import dev.crewrecovery.api.spi.ProcessProbe;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.core.internal.engine.Engine;
import dev.crewrecovery.core.internal.engine.EngineAccess;
import dev.crewrecovery.core.internal.engine.LocalHost;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The one entry point of a host (DESIGN section 14): built once with {@link #builder()}, started
 * with {@link #start()}, used through {@link #runs()}, closed on shutdown.
 *
 * <pre>{@code
 * CrewRecovery crew = CrewRecovery.builder()
 *     .store(store)             // SystemClock and SystemProcessProbe by default
 *     .build();
 * crew.start();                 // lease (new incarnation), lease renewal, recovery, watcher
 * RunLedger runs = crew.runs(); // create runs, start attempts, heartbeat, complete, fail, wait
 * crew.recovery().deadletters() // list, discard, redrive deadletter entries
 * crew.deliveries()             // activate a session, deliver steers (with a sink)
 * crew.close();                 // stops the loops, releases the lease
 * }</pre>
 *
 * <p><b>Session.</b> A facade is one session: its {@link SessionId} (stable, configurable) plus an
 * incarnation, taken anew at every start from the store's lease (previous + 1). The lease is
 * renewed in place every {@link RecoveryConfig#leaseRenewInterval()}; after a late renewal or a
 * time discontinuity the session re-reads its lease and its runs' epochs before writing again and
 * drops runs that another session took over. When a newer incarnation of the same session id holds
 * the lease, this one stops writing ({@link LeaseLostException}).
 *
 * <p><b>Threads.</b> The session owns one daemon scheduler thread that runs the lease renewal and
 * the heartbeat watcher (never two ticks at once) and handles worker exits. Listener calls never
 * run under a run lock; a throwing listener never breaks a tick.
 *
 * <p>Defaults: {@link SystemClock}, {@link SystemProcessProbe}, {@link RecoveryConfig#defaults()},
 * {@link RetryPolicy#defaults()}, a session id derived from this host's name.
 *
 * <p>{@link #start()} and {@link #close()} are idempotent and thread-safe; a closed facade cannot
 * be started again.
 */
public final class CrewRecovery implements AutoCloseable {

  static {
    EngineAccess.install(
        new EngineAccess.Hooks() {
          @Override
          public Engine engine(CrewRecovery crew) {
            return crew.engine;
          }

          @Override
          public void manualLoops(Builder builder) {
            builder.manualLoops = true;
          }
        });
  }

  private final Engine engine;
  private final RecoveryConfig config;

  private CrewRecovery(Engine engine, RecoveryConfig config) {
    this.engine = engine;
    this.config = config;
  }

  /**
   * Returns a new builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the session: acquires the lease with a new incarnation, then starts the lease renewal
   * and the heartbeat watcher. Does nothing when already started.
   *
   * @throws IllegalStateException after {@link #close()}
   * @throws dev.crewrecovery.api.CrewRecoveryException when the store cannot grant the lease (the
   *     facade stays unstarted and {@code start()} may be called again)
   */
  public void start() {
    engine.start();
  }

  /**
   * Returns the run ledger. Its writes need a started session.
   *
   * @return the ledger
   */
  public RunLedger runs() {
    return engine.ledger();
  }

  /**
   * Returns the recovery side of the session: {@link Recovery#reconcileNow()} runs a pass at once.
   * The session also runs a pass at {@link #start()}, every {@link RecoveryConfig#scanInterval()},
   * and at once when a watched runner exits.
   *
   * @return the recovery side
   */
  public Recovery recovery() {
    return engine.recovery();
  }

  /**
   * Returns the delivery coordinator of this session (DESIGN section 11): every result recorded
   * through {@link #runs()} and every terminal transition of a run (through the ledger or a repair)
   * becomes an item for the {@link Builder#sink sink}; {@link DeliveryCoordinator#activate} hands
   * the queued items of a session to it in order. Results are persisted through the store by
   * default ({@link RecoveryConfig#deliveryPersistResults()}), so with the file store a result
   * recorded while no session was active is delivered after a restart and {@code activate}. The
   * session's watcher tick retries the head of the queue while active and expires items older than
   * the TTL, except inside a time-discontinuity grace window; the recovery loop and redrive re-own
   * the queued items of a run they adopt. At {@link #start()} the results recorded within the TTL
   * in the active runs this session id owns are handed over again, so a crash between a result's
   * commit and its hand-over loses nothing (already pending, delivered or deadlettered ones are not
   * repeated).
   *
   * @return the coordinator (the same instance on every call)
   * @throws IllegalStateException if the facade was built without a {@link Builder#sink sink}
   */
  public DeliveryCoordinator deliveries() {
    return engine
        .coordinator()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no DeliverySink was set: build with CrewRecovery.builder().sink(...) to use"
                        + " deliveries"));
  }

  /**
   * Returns the session id.
   *
   * @return the session id
   */
  public SessionId sessionId() {
    return engine.session().id();
  }

  /**
   * Returns the owner (session id and incarnation) this facade writes as, once started.
   *
   * @return the owner, or empty before {@link #start()}
   */
  public Optional<Owner> owner() {
    try {
      return Optional.of(engine.session().owner());
    } catch (IllegalStateException e) {
      return Optional.empty();
    }
  }

  /**
   * Returns whether the facade is started and not closed.
   *
   * @return true while running
   */
  public boolean isStarted() {
    return engine.isStarted();
  }

  /**
   * Returns the configuration.
   *
   * @return the configuration
   */
  public RecoveryConfig config() {
    return config;
  }

  /**
   * Closes the session: stops the loops, waits for the tick in flight, ends the exit watches and
   * releases the lease. Never throws for a store failure while releasing (it is logged).
   * Idempotent.
   */
  @Override
  public void close() {
    engine.close();
  }

  /**
   * Builds a {@link CrewRecovery}. A store is required; everything else has a default. Not
   * thread-safe.
   */
  public static final class Builder {
    private @Nullable RunStore store;
    private @Nullable DeliverySink sink;
    private Clock clock = SystemClock.instance();
    private @Nullable ProcessProbe probe;
    private RecoveryListener listener = RecoveryListener.NO_OP;
    private @Nullable SessionId sessionId;
    private RecoveryConfig config = RecoveryConfig.defaults();
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private RecoveryPolicy recoveryPolicy = RecoveryPolicy.defaults();
    private @Nullable RandomGenerator random;
    private @Nullable String hostName;
    private boolean manualLoops;
    private @Nullable ReportSink reportSink;

    private Builder() {}

    /**
     * Sets the store (required).
     *
     * @param store the store
     * @return this builder
     */
    public Builder store(RunStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Sets where results, notifications and steers are delivered: with a sink the facade runs a
     * {@link DeliveryCoordinator} ({@link CrewRecovery#deliveries()}), created at {@link #build()}
     * with the configuration's delivery settings, which at once queues the results the store kept
     * pending. Without one nothing is delivered or persisted for delivery.
     *
     * @param sink the sink
     * @return this builder
     */
    public Builder sink(DeliverySink sink) {
      this.sink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /**
     * Sets the clock; {@link SystemClock} by default.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the process probe; by default a {@link SystemProcessProbe} on this builder's clock,
     * created at {@link #build()} and closed with the facade.
     *
     * @param probe the probe
     * @return this builder
     */
    public Builder probe(ProcessProbe probe) {
      this.probe = Objects.requireNonNull(probe, "probe");
      return this;
    }

    /**
     * Sets the listener; a no-op by default.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(RecoveryListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Sets the session id; by default {@code crew-} plus this host's name, made to follow the id
     * rule.
     *
     * @param sessionId the session id (validated by {@link SessionId})
     * @return this builder
     */
    public Builder sessionId(SessionId sessionId) {
      this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
      return this;
    }

    /**
     * Sets the configuration; {@link RecoveryConfig#defaults()} by default.
     *
     * @param config the configuration
     * @return this builder
     */
    public Builder config(RecoveryConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Sets the retry policy; {@link RetryPolicy#defaults()} by default.
     *
     * @param retryPolicy the policy
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /**
     * Sets the recovery policy; {@link RecoveryPolicy#defaults()} by default.
     *
     * @param recoveryPolicy the policy
     * @return this builder
     */
    public Builder recoveryPolicy(RecoveryPolicy recoveryPolicy) {
      this.recoveryPolicy = Objects.requireNonNull(recoveryPolicy, "recoveryPolicy");
      return this;
    }

    /**
     * Sets the source of back-off jitter; {@link RandomGenerator#getDefault()} by default. A seeded
     * generator makes back-offs reproducible.
     *
     * @param random the generator (used under a lock, so it need not be thread-safe)
     * @return this builder
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Sets the name of this host as the probe writes it into {@code ProcessRef.host}; by default
     * the {@link SystemProcessProbe}'s host name, else the probe's own view of this process, else
     * the system's host name. A previous worker of this host that probes UNKNOWN blocks a new
     * attempt; one of another host does not.
     *
     * @param hostName the host name, not blank
     * @return this builder
     */
    public Builder hostName(String hostName) {
      Objects.requireNonNull(hostName, "hostName");
      if (hostName.isBlank()) {
        throw new InvalidConfigurationException("hostName", "must not be blank");
      }
      this.hostName = hostName;
      return this;
    }

    /**
     * Sets where DIAGNOSE reports go. By default a session over a {@link FileRunStore} writes them
     * to {@code <root>/reports/<runId>-<epochMillis>.json} ({@link ReportSink#directory}); over any
     * other store it keeps them only in the results that carry them ({@link ReportSink#none()}).
     *
     * @param reportSink the sink
     * @return this builder
     */
    public Builder reportSink(ReportSink reportSink) {
      this.reportSink = Objects.requireNonNull(reportSink, "reportSink");
      return this;
    }

    /**
     * Builds the facade, not started.
     *
     * @return the facade
     * @throws InvalidConfigurationException when the store is missing, or the default probe cannot
     *     determine this host's name
     */
    public CrewRecovery build() {
      RunStore s = store;
      if (s == null) {
        throw new InvalidConfigurationException("store", "is required; set it with store(...)");
      }
      ProcessProbe p = probe;
      SystemProcessProbe owned = null;
      if (p == null) {
        owned = SystemProcessProbe.builder().clock(clock).build();
        p = owned;
      }
      String host = hostName != null ? hostName : LocalHost.name(p);
      SessionId id = sessionId != null ? sessionId : SessionId.of(LocalHost.sessionIdFor(host));
      RandomGenerator r = random != null ? random : RandomGenerator.getDefault();
      Engine engine =
          new Engine(
              id,
              s,
              clock,
              p,
              listener,
              config,
              retryPolicy,
              recoveryPolicy,
              r,
              host,
              sink,
              manualLoops,
              owned);
      ReportSink reports = reportSink;
      if (reports == null) {
        reports =
            s instanceof FileRunStore f
                ? ReportSink.directory(f.reportsDirectory())
                : ReportSink.none();
      }
      engine.recovery().reportSink(reports);
      return new CrewRecovery(engine, config);
    }
  }
}
