package dev.crewrecovery.cli.internal.ops;

import dev.crewrecovery.api.CrewRecoveryException;
import dev.crewrecovery.api.InvalidIdException;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.spi.Clock;
import dev.crewrecovery.api.spi.ProcessProbe;
import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.DeadletterConfig;
import dev.crewrecovery.core.DeadletterListener;
import dev.crewrecovery.core.Deadletters;
import dev.crewrecovery.core.FileRunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What one command works with: the open store, the clock, a process probe and, for commands that
 * repair, the operator session. Opened per command and closed after it (the session's lease is
 * released, the probe and the store closed). Not thread-safe.
 */
final class Operator implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Operator.class.getName());

  private final Environment env;
  private final FileRunStore store;
  private @Nullable ProcessProbe probe;
  private @Nullable CrewRecovery session;

  private Operator(Environment env, FileRunStore store) {
    this.env = env;
    this.store = store;
  }

  /**
   * Opens the store the options name. The directory must exist and hold a store ({@code runs/}):
   * the command never creates a store where an operator mistyped a path.
   *
   * @param options the root options
   * @return the operator context
   * @throws CliException when there is no store there
   */
  static Operator open(GlobalOptions options) {
    Environment env = options.environment();
    Path dir = options.store();
    if (!Files.isDirectory(dir)) {
      throw new CliException(
          ExitCodes.STORE, "no store at " + dir.toAbsolutePath() + " (use --store DIR)");
    }
    if (!Files.isDirectory(dir.resolve("runs"))) {
      throw new CliException(
          ExitCodes.STORE,
          dir.toAbsolutePath() + " is not a crew-recovery store (it has no runs/ directory)");
    }
    FileRunStore store =
        FileRunStore.open(dir, FileRunStore.Options.builder().clock(env.clock()).build());
    return new Operator(env, store);
  }

  Environment env() {
    return env;
  }

  FileRunStore store() {
    return store;
  }

  Clock clock() {
    return env.clock();
  }

  Instant now() {
    return env.clock().now();
  }

  ProcessProbe probe() {
    ProcessProbe p = probe;
    if (p == null) {
      p = env.probes().get();
      probe = p;
    }
    return p;
  }

  Deadletters deadletters() {
    return Deadletters.create(
        store,
        DeadletterConfig.builder()
            .retention(env.config().deadletterRetention())
            .capacity(env.config().deadletterCapacity())
            .build(),
        DeadletterListener.NONE,
        LOG);
  }

  /**
   * Returns the operator session, started on first use: a {@link CrewRecovery} on this store with
   * the operator session id and its own lease, whose loops are not scheduled (it repairs only what
   * the command asks for).
   *
   * @return the started session
   */
  CrewRecovery session() {
    CrewRecovery s = session;
    if (s == null) {
      s =
          CrewRecovery.builder()
              .store(store)
              .clock(env.clock())
              .probe(probe())
              .sessionId(env.operatorSession())
              .config(env.config())
              .scheduledLoops(false)
              .build();
      session = s;
      s.start();
    }
    return s;
  }

  /**
   * Parses a run id given on the command line.
   *
   * @param text the id
   * @return the run id
   * @throws CliException when the text is not a valid run id
   */
  static RunId runId(String text) {
    try {
      return RunId.of(text);
    } catch (InvalidIdException e) {
      throw new CliException(ExitCodes.USAGE, Text.message(e));
    }
  }

  /**
   * Loads a run that must exist.
   *
   * @param runId the run
   * @return its snapshot
   * @throws CliException when the store holds no such run
   * @throws CrewRecoveryException when it cannot be read (corrupt, newer schema, I/O)
   */
  RunSnapshot run(RunId runId) {
    return store
        .load(runId)
        .orElseThrow(
            () -> new CliException(ExitCodes.STORE, "no run " + runId + " in " + store.root()));
  }

  @Override
  public void close() {
    CrewRecovery s = session;
    if (s != null) {
      s.close();
    }
    ProcessProbe p = probe;
    if (p instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.log(System.Logger.Level.WARNING, "could not close the process probe", e);
      }
    }
    store.close();
  }
}
