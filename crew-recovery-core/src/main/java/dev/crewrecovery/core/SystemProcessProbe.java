package dev.crewrecovery.core;

import dev.crewrecovery.api.InvalidConfigurationException;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.spi.Clock;
import dev.crewrecovery.api.spi.ProcessExit;
import dev.crewrecovery.api.spi.ProcessProbe;
import dev.crewrecovery.api.spi.TerminationOutcome;
import dev.crewrecovery.core.internal.process.ChildProcesses;
import dev.crewrecovery.core.internal.process.ExitWatcher;
import dev.crewrecovery.core.internal.process.LocalProcesses;
import dev.crewrecovery.core.internal.process.ProcFs;
import dev.crewrecovery.core.internal.process.Terminator;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link ProcessProbe}: judges processes of this host through {@code /proc} on Linux
 * and through {@link ProcessHandle} elsewhere.
 *
 * <h2>Identity</h2>
 *
 * <p>On Linux a ref is (host, boot id from {@code /proc/sys/kernel/random/boot_id}, pid, start
 * ticks from field 22 of {@code /proc/<pid>/stat}); {@link #identify(long)} also records the start
 * instant where {@code ProcessHandle} reports it. Elsewhere it is (host, pid, start instant), and
 * two start instants within {@link Builder#startInstantTolerance} match.
 *
 * <h2>Probing</h2>
 *
 * <ul>
 *   <li>A ref of another host is {@link Liveness#UNKNOWN} and a ref of this host with another boot
 *       id is {@link Liveness#DEAD}, both without looking at any process.
 *   <li>No such pid: DEAD. A zombie ({@code Z}) or dying ({@code X}) process: DEAD. Another start
 *       identity: {@link Liveness#RECYCLED}.
 *   <li>Anything that cannot be read (permission denied, an unreadable {@code /proc}, a {@code
 *       /proc} that hides other users' processes, a malformed stat line): UNKNOWN, never DEAD.
 *   <li>A ref without start identity (neither ticks nor instant) is ALIVE whenever its pid exists:
 *       such a ref cannot tell its process from a later one with the same pid, so it is weak
 *       evidence, and {@link #terminate} never signals it.
 * </ul>
 *
 * <h2>Watching exits</h2>
 *
 * <p>{@link #onExit} is event-driven for children of this JVM (through the JDK's reaper, which
 * costs no extra thread for processes started with {@link ProcessBuilder}), at most {@link
 * Builder#maxEventDrivenRegistrations} at once. Every other ref, and children beyond that number,
 * are probed by one shared daemon thread ({@code crew-recovery-process-poller}) every {@link
 * Builder#pollInterval}; a ref that probes DEAD or RECYCLED completes, UNKNOWN keeps waiting. The
 * exit code is reported for processes handed over with {@link #identify(Process)}.
 *
 * <h2>Terminating</h2>
 *
 * <p>{@link #terminate} re-checks the identity before TERM and again before KILL, and signals
 * through a {@link ProcessHandle} obtained before the first check, which the JDK refuses to signal
 * once its pid belongs to another process. It blocks up to the grace plus {@link Builder#killWait}.
 *
 * <p>Thread-safe. {@link #close()} stops the poller and cancels pending {@code onExit} futures.
 * Logs through {@link System.Logger}, with loggers named after classes under {@code
 * dev.crewrecovery.core}: signals at INFO, refusals and unreadable {@code /proc} at WARNING, each
 * probe answer at TRACE.
 */
public final class SystemProcessProbe implements ProcessProbe, AutoCloseable {

  /** The default root of the proc file system. */
  public static final Path DEFAULT_PROC_ROOT = Path.of("/proc");

  /** The default interval of the shared poller: 1 s. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

  /** The default number of event-driven {@code onExit} registrations at once: {@value}. */
  public static final int DEFAULT_MAX_EVENT_DRIVEN_REGISTRATIONS = 1_000;

  /** The default tolerance between two start instants of the same process (non-Linux): 1 s. */
  public static final Duration DEFAULT_START_INSTANT_TOLERANCE = Duration.ofSeconds(1);

  /** The default wait for a process to vanish after KILL before answering FAILED: 2 s. */
  public static final Duration DEFAULT_KILL_WAIT = Duration.ofSeconds(2);

  /** The shortest poll interval accepted. */
  static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(1);

  /** The longest poll interval accepted. */
  static final Duration MAX_POLL_INTERVAL = Duration.ofHours(1);

  private static final System.Logger LOG = System.getLogger(SystemProcessProbe.class.getName());

  private final LocalProcesses local;
  private final ChildProcesses children;
  private final ExitWatcher watcher;
  private final Terminator terminator;
  private final @Nullable Path procRoot;

  private SystemProcessProbe(
      LocalProcesses local,
      ChildProcesses children,
      ExitWatcher watcher,
      Terminator terminator,
      @Nullable Path procRoot) {
    this.local = local;
    this.children = children;
    this.watcher = watcher;
    this.terminator = terminator;
    this.procRoot = procRoot;
  }

  /**
   * Returns a probe with every default.
   *
   * @return a new probe; close it when done
   * @throws InvalidConfigurationException if the host name cannot be determined
   */
  public static SystemProcessProbe create() {
    return builder().build();
  }

  /**
   * Returns a builder with every default.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads one small file (Linux) or asks {@link ProcessHandle}; does not block on the process.
   *
   * @throws NullPointerException if {@code ref} is null
   */
  @Override
  public Liveness probe(ProcessRef ref) {
    Liveness liveness = local.probe(ref);
    LOG.log(Level.TRACE, () -> ref + " probes " + liveness);
    return liveness;
  }

  /**
   * {@inheritDoc}
   *
   * <p>On Linux the ref carries host, boot id and start ticks, and the start instant when {@link
   * ProcessHandle} reports it for the same process. A zombie does not run: empty. When the stat
   * file cannot be read the ref falls back to what {@code ProcessHandle} shows (host and start
   * instant), or is empty if that shows nothing either.
   */
  @Override
  public Optional<ProcessRef> identify(long pid) {
    return local.identify(pid);
  }

  /**
   * Captures the identity of a process this JVM started and remembers the {@link Process}, so that
   * {@link #onExit} reports its exit code.
   *
   * @param process a process started by this JVM
   * @return the ref, or empty when the process no longer runs
   * @throws NullPointerException if {@code process} is null
   */
  public Optional<ProcessRef> identify(Process process) {
    Objects.requireNonNull(process, "process");
    Optional<ProcessRef> ref = local.identify(process.pid());
    ref.ifPresent(r -> children.remember(r, process));
    return ref;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The future's exit code is set for processes handed over with {@link #identify(Process)},
   * null otherwise. A ref of another host probes UNKNOWN and so waits until cancelled.
   *
   * @throws IllegalStateException if this probe is closed
   * @throws NullPointerException if {@code ref} is null
   */
  @Override
  public CompletableFuture<ProcessExit> onExit(ProcessRef ref) {
    return watcher.watch(ref);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Outcomes: DEAD answers NOT_RUNNING, RECYCLED answers IDENTITY_MISMATCH and UNKNOWN (or a ref
   * without start identity) answers UNKNOWN, all without a signal. Otherwise TERM is sent; an exit
   * within {@code grace} is TERMINATED; else, if the identity still matches, KILL is sent and an
   * exit within {@link Builder#killWait} is KILLED. A signal refused by the system, a process still
   * running after KILL, this JVM itself, or an interrupt of the waiting thread (no KILL is sent
   * then; the interrupt flag stays set) is FAILED. Waits on real time, bounded by the injected
   * clock's monotonic time; never call it inside a run's exclusive update.
   *
   * @throws IllegalArgumentException if {@code grace} is negative
   * @throws NullPointerException if an argument is null
   */
  @Override
  public TerminationOutcome terminate(ProcessRef ref, Duration grace) {
    return terminator.terminate(ref, grace);
  }

  /**
   * Returns the host name this probe records in refs and compares refs against.
   *
   * @return the host name
   */
  public String hostName() {
    return local.hostName();
  }

  /**
   * Returns this boot's id, read once when the probe was built.
   *
   * @return the boot id, or empty on platforms without one or when it could not be read
   */
  public Optional<String> bootId() {
    return local.bootId();
  }

  /**
   * Returns the proc root this probe reads, or empty when it uses {@link ProcessHandle} only (not
   * Linux).
   *
   * @return the proc root
   */
  public Optional<Path> procRoot() {
    return Optional.ofNullable(procRoot);
  }

  /** Returns how many {@code onExit} registrations are event-driven now. For tests. */
  int eventDrivenRegistrations() {
    return watcher.eventDrivenCount();
  }

  /** Returns how many {@code onExit} registrations the shared poller checks now. For tests. */
  int polledRegistrations() {
    return watcher.polledCount();
  }

  /** Returns whether the shared poller thread runs. For tests. */
  boolean pollerRunning() {
    return watcher.pollerRunning();
  }

  /**
   * Stops the shared poller and cancels every pending {@code onExit} future. Idempotent. {@link
   * #probe}, {@link #identify} and {@link #terminate} keep working after close; {@link #onExit}
   * throws.
   */
  @Override
  public void close() {
    watcher.close();
  }

  @Override
  public String toString() {
    return "SystemProcessProbe[host="
        + local.hostName()
        + ", bootId="
        + local.bootId().orElse("none")
        + ", procRoot="
        + (procRoot == null ? "none" : procRoot)
        + "]";
  }

  /**
   * Configures a {@link SystemProcessProbe}. Setters take any non-null value; {@link #build()}
   * validates them all and names the first bad field. Not thread-safe; build once.
   */
  public static final class Builder {
    private @Nullable String hostName;
    private Path procRoot = DEFAULT_PROC_ROOT;
    private boolean procRootSet;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private int maxEventDrivenRegistrations = DEFAULT_MAX_EVENT_DRIVEN_REGISTRATIONS;
    private Duration startInstantTolerance = DEFAULT_START_INSTANT_TOLERANCE;
    private Duration killWait = DEFAULT_KILL_WAIT;
    private Clock clock = SystemClock.instance();

    private Builder() {}

    /**
     * Sets the host name recorded in refs and compared with theirs (case-insensitively). Default:
     * {@code <procRoot>/sys/kernel/hostname} on Linux, else {@link InetAddress#getLocalHost()}.
     *
     * @param hostName a non-blank name
     * @return this builder
     */
    public Builder hostName(String hostName) {
      this.hostName = Objects.requireNonNull(hostName, "hostName");
      return this;
    }

    /**
     * Sets the root of the proc file system. Default {@link #DEFAULT_PROC_ROOT}, used on Linux
     * only; setting it explicitly selects the {@code /proc} path on any platform, which is how
     * tests point the probe at a fake tree. Portable refs (start instant only) are still judged by
     * {@link ProcessHandle}, which always sees the real system.
     *
     * @param procRoot the directory
     * @return this builder
     */
    public Builder procRoot(Path procRoot) {
      this.procRoot = Objects.requireNonNull(procRoot, "procRoot");
      this.procRootSet = true;
      return this;
    }

    /**
     * Sets how often the shared poller probes the refs it watches. Default {@link
     * #DEFAULT_POLL_INTERVAL}; between 1 ms and 1 h.
     *
     * @param pollInterval the interval
     * @return this builder
     */
    public Builder pollInterval(Duration pollInterval) {
      this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
      return this;
    }

    /**
     * Sets how many {@code onExit} registrations of children may be event-driven at once; the rest
     * are polled. Default {@link #DEFAULT_MAX_EVENT_DRIVEN_REGISTRATIONS}; 0 polls all.
     *
     * @param maxEventDrivenRegistrations a count, at least 0
     * @return this builder
     */
    public Builder maxEventDrivenRegistrations(int maxEventDrivenRegistrations) {
      this.maxEventDrivenRegistrations = maxEventDrivenRegistrations;
      return this;
    }

    /**
     * Sets how far apart two start instants of the same process may be (refs identified by start
     * instant, outside Linux). Default {@link #DEFAULT_START_INSTANT_TOLERANCE}; not negative.
     *
     * @param startInstantTolerance the tolerance
     * @return this builder
     */
    public Builder startInstantTolerance(Duration startInstantTolerance) {
      this.startInstantTolerance =
          Objects.requireNonNull(startInstantTolerance, "startInstantTolerance");
      return this;
    }

    /**
     * Sets how long {@link SystemProcessProbe#terminate} waits for the process to vanish after KILL
     * before answering FAILED. Default {@link #DEFAULT_KILL_WAIT}; not negative.
     *
     * @param killWait the wait
     * @return this builder
     */
    public Builder killWait(Duration killWait) {
      this.killWait = Objects.requireNonNull(killWait, "killWait");
      return this;
    }

    /**
     * Sets the clock whose monotonic time bounds the waits of {@code terminate}. Default {@link
     * SystemClock#instance()}.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Validates the configuration and builds the probe. Reads the boot id and, unless set, the host
     * name once.
     *
     * @return a new probe; close it when done
     * @throws InvalidConfigurationException naming the first field that is out of its domain, or
     *     {@code hostName} when it was not set and cannot be determined
     */
    public SystemProcessProbe build() {
      if (pollInterval.compareTo(MIN_POLL_INTERVAL) < 0
          || pollInterval.compareTo(MAX_POLL_INTERVAL) > 0) {
        throw new InvalidConfigurationException(
            "pollInterval", "must be between 1 ms and 1 h, was " + pollInterval);
      }
      if (maxEventDrivenRegistrations < 0) {
        throw new InvalidConfigurationException(
            "maxEventDrivenRegistrations",
            "must be at least 0 (0 polls every ref), was " + maxEventDrivenRegistrations);
      }
      if (startInstantTolerance.isNegative()) {
        throw new InvalidConfigurationException(
            "startInstantTolerance", "must not be negative, was " + startInstantTolerance);
      }
      if (killWait.isNegative()) {
        throw new InvalidConfigurationException(
            "killWait", "must not be negative, was " + killWait);
      }
      String explicitHost = hostName;
      if (explicitHost != null && explicitHost.isBlank()) {
        throw new InvalidConfigurationException("hostName", "must not be blank");
      }

      ProcFs procFs = procRootSet || isLinux() ? new ProcFs(procRoot) : null;
      if (procFs != null && !Files.isDirectory(procFs.root())) {
        LOG.log(
            Level.WARNING,
            procFs.root() + " is not a readable directory: every ref of this host probes UNKNOWN");
      }
      String bootId = procFs == null ? null : procFs.bootId().orElse(null);
      if (procFs != null && bootId == null) {
        LOG.log(
            Level.WARNING,
            "no boot id under "
                + procFs.root()
                + ": refs with a boot id cannot be matched and probe UNKNOWN while alive");
      }
      String host = explicitHost != null ? explicitHost : defaultHostName(procFs);
      // ProcessHandle reads the real /proc on Linux: its start instants belong in refs only when
      // the probe reads that same tree, not a test's fake one.
      boolean handlesAgree = procFs != null && isLinux() && procFs.root().equals(DEFAULT_PROC_ROOT);

      ChildProcesses children = new ChildProcesses();
      LocalProcesses local =
          new LocalProcesses(host, procFs, bootId, startInstantTolerance, handlesAgree);
      ExitWatcher watcher =
          new ExitWatcher(local::probe, children, pollInterval, maxEventDrivenRegistrations);
      Terminator terminator = new Terminator(local::probe, children, clock, killWait);
      SystemProcessProbe probe =
          new SystemProcessProbe(
              local, children, watcher, terminator, procFs == null ? null : procFs.root());
      LOG.log(Level.DEBUG, () -> "built " + probe);
      return probe;
    }

    private static boolean isLinux() {
      return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");
    }

    private static String defaultHostName(@Nullable ProcFs procFs) {
      if (procFs != null) {
        Optional<String> fromProc = procFs.hostName();
        if (fromProc.isPresent()) {
          return fromProc.get();
        }
      }
      try {
        String name = InetAddress.getLocalHost().getHostName();
        if (name != null && !name.isBlank()) {
          return name;
        }
        throw new IOException("the local host name is blank");
      } catch (IOException e) {
        throw new InvalidConfigurationException(
            "hostName", "could not be determined (" + e.getMessage() + "); set it explicitly");
      }
    }
  }
}
