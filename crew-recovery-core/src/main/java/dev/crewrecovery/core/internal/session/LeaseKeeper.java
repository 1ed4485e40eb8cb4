package dev.crewrecovery.core.internal.session;

import dev.crewrecovery.api.LeaseLostException;
import dev.crewrecovery.api.spi.Clock;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.core.RecoveryConfig;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Renews the session's lease in place every {@link RecoveryConfig#leaseRenewInterval()} (DESIGN
 * section 2). A renewal that comes later than the lease after the previous successful one, or a
 * time discontinuity between two ticks, makes the session re-read its lease and the epochs of its
 * runs before it writes again. A renewal refused because another incarnation holds the lease stops
 * the session's writes. A transient store failure is logged and retried at the next tick.
 *
 * <p>Ticks run on the session's scheduler thread (or a test's thread); not thread-safe otherwise.
 */
public final class LeaseKeeper {
  private static final System.Logger LOG = System.getLogger(LeaseKeeper.class.getName());

  private final Session session;
  private final RunStore store;
  private final Clock clock;
  private final RecoveryConfig config;
  private final TimeSampler sampler;

  /**
   * Creates the keeper.
   *
   * @param session the session
   * @param store the store
   * @param clock the clock
   * @param config the configuration
   */
  public LeaseKeeper(Session session, RunStore store, Clock clock, RecoveryConfig config) {
    this.session = Objects.requireNonNull(session, "session");
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.config = Objects.requireNonNull(config, "config");
    this.sampler =
        new TimeSampler(
            config.leaseRenewInterval(),
            config.discontinuityDrift(),
            config.discontinuityGapFactor());
  }

  /**
   * Renews the lease once.
   *
   * @return the delay until the next tick
   */
  public Duration tick() {
    Instant now = clock.now();
    long mono = clock.monotonicNanos();
    Optional<Discontinuity> d = sampler.sample(now, mono);
    if (!session.isActive()) {
      return config.leaseRenewInterval();
    }
    if (d.isPresent()) {
      // The watcher reports discontinuities (event, listener); here only the fencing matters.
      session.requireRevalidation();
    }
    if (session.isLate(mono)) {
      session.requireRevalidation();
    }
    try {
      store.renewLease(session.id(), session.owner().incarnation(), now);
      session.renewed(mono);
    } catch (LeaseLostException e) {
      session.leaseLost(e);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "lease renewal of session " + session.id() + " failed; will retry", e);
    }
    return config.leaseRenewInterval();
  }
}
