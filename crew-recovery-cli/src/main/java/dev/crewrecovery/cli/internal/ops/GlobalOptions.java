package dev.crewrecovery.cli.internal.ops;

import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The options of the root command that every operator command uses: where the store is, whether
 * errors show stack traces, and (hidden, for tests and reproducible reports) the instant at which
 * ages are judged. Holds the {@link Environment}. Mutable, set by picocli; one per invocation.
 */
public final class GlobalOptions {

  /** The mixin name under which the root command registers these options. */
  public static final String MIXIN = "global";

  @Option(
      names = "--store",
      paramLabel = "DIR",
      defaultValue = ".crew",
      description = "The store directory (default: ${DEFAULT-VALUE}).")
  private Path store = Path.of(".crew");

  @Option(names = "--verbose", description = "Show the stack trace of an error.")
  private boolean verbose;

  @Option(
      names = "--now",
      hidden = true,
      paramLabel = "INSTANT",
      description = "Judge ages and liveness at this ISO-8601 instant instead of the clock's.")
  private @Nullable String now;

  private Environment environment = Environment.system();

  /** Creates the options with the system environment. */
  public GlobalOptions() {}

  /**
   * Replaces the environment (tests).
   *
   * @param environment the environment
   */
  public void environment(Environment environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  /**
   * Returns the environment, with a fixed wall clock when {@code --now} was given.
   *
   * @return the environment
   * @throws CliException when {@code --now} is not an ISO-8601 instant
   */
  public Environment environment() {
    String fixed = now;
    if (fixed == null) {
      return environment;
    }
    Instant at;
    try {
      at = Instant.parse(fixed);
    } catch (DateTimeParseException e) {
      throw new CliException(
          ExitCodes.USAGE, "--now " + fixed + " is not an instant like 2026-01-01T00:00:00Z");
    }
    return environment.withClock(new FixedWallClock(at, environment.clock()));
  }

  /**
   * Refuses {@code --now} for a command that writes: a repair judged at an instant other than the
   * clock's could act on leases and heartbeats that are in fact live.
   *
   * @param command the writing command, for the message
   * @throws CliException when {@code --now} was given
   */
  public void refuseFixedTime(String command) {
    if (now != null) {
      throw new CliException(
          ExitCodes.USAGE,
          "--now only applies to reading; " + command + " writes at the clock's time");
    }
  }

  /**
   * Returns the store directory.
   *
   * @return the directory, as given
   */
  public Path store() {
    return store;
  }

  /**
   * Returns whether errors show their stack trace.
   *
   * @return true with {@code --verbose}
   */
  public boolean verbose() {
    return verbose;
  }
}
