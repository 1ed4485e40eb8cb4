package dev.crewrecovery.cli.internal.ops;

import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.spi.Clock;
import dev.crewrecovery.api.spi.ProcessProbe;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.SystemClock;
import dev.crewrecovery.core.SystemProcessProbe;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What the operator commands take from the world: the clock, the process probe, the operator
 * session's id, the recovery configuration, whether standard output is a terminal, and the
 * environment variables. Tests replace it to make ages, liveness and colours deterministic.
 * Immutable.
 *
 * @param clock the clock (ages and decisions)
 * @param probes opens the process probe of one command; closed after it when {@link AutoCloseable}
 * @param operatorSession the session id the repairing commands act as
 * @param config the recovery configuration (thresholds, lease duration) of the operator session
 * @param terminal whether standard output is a terminal
 * @param getenv reads an environment variable (null when unset)
 */
public record Environment(
    Clock clock,
    Supplier<ProcessProbe> probes,
    SessionId operatorSession,
    RecoveryConfig config,
    boolean terminal,
    Function<String, @Nullable String> getenv) {

  /** Validates the components. */
  public Environment {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(probes, "probes");
    Objects.requireNonNull(operatorSession, "operatorSession");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(getenv, "getenv");
  }

  /**
   * Returns the environment of a real invocation: the system clock, a {@link SystemProcessProbe},
   * session {@code crew-cli-<host>}, default configuration, a terminal when {@link
   * System#console()} is present.
   *
   * @return the environment
   */
  @SuppressWarnings("SystemConsoleNull") // Java 17: null exactly when not on a terminal
  public static Environment system() {
    return new Environment(
        SystemClock.instance(),
        () -> SystemProcessProbe.builder().build(),
        SessionId.of(operatorSessionFor(hostName())),
        RecoveryConfig.defaults(),
        System.console() != null,
        System::getenv);
  }

  /**
   * Returns a copy with another clock.
   *
   * @param other the clock
   * @return the copy
   */
  public Environment withClock(Clock other) {
    return new Environment(other, probes, operatorSession, config, terminal, getenv);
  }

  /**
   * Returns whether colours may be used: on a terminal, unless {@code NO_COLOR} is set to a
   * non-empty value.
   *
   * @return true when colours may be used
   */
  public boolean colours() {
    String noColor = getenv.apply("NO_COLOR");
    return terminal && (noColor == null || noColor.isEmpty());
  }

  private static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException | SecurityException e) {
      return "localhost";
    }
  }

  /**
   * Returns the operator session id for a host name: {@code crew-cli-} plus the name with every
   * character outside {@code [A-Za-z0-9_-]} replaced by {@code -}, lower case, at most 128
   * characters.
   *
   * @param host the host name
   * @return the session id text
   */
  static String operatorSessionFor(String host) {
    StringBuilder b = new StringBuilder("crew-cli-");
    for (int i = 0; i < host.length() && b.length() < 128; i++) {
      char c = host.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-';
      b.append(ok ? c : '-');
    }
    return b.toString().toLowerCase(Locale.ROOT);
  }
}
