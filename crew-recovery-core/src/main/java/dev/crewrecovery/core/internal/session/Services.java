package dev.crewrecovery.core.internal.session;

import dev.crewrecovery.api.spi.Clock;
import dev.crewrecovery.api.spi.ProcessProbe;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.RetryPolicy;
import dev.crewrecovery.core.internal.delivery.DeliverySource;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * What the parts of one session's engine share. Every component is thread-safe.
 *
 * @param session the session
 * @param store the store
 * @param clock the clock
 * @param probe the process probe
 * @param listener the guarded listener
 * @param config the configuration
 * @param retryPolicy the retry policy
 * @param random the jitter source, safe to share
 * @param deliveries where results and terminal transitions go after their commit
 * @param localHost the host name that process refs of this host carry
 */
public record Services(
    Session session,
    RunStore store,
    Clock clock,
    ProcessProbe probe,
    SafeListener listener,
    RecoveryConfig config,
    RetryPolicy retryPolicy,
    RandomGenerator random,
    DeliverySource deliveries,
    String localHost) {

  /** Validates the components. */
  public Services {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(probe, "probe");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(retryPolicy, "retryPolicy");
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(deliveries, "deliveries");
    Objects.requireNonNull(localHost, "localHost");
  }
}
