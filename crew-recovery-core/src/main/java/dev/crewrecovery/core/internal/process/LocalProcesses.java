package dev.crewrecovery.core.internal.process;

import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.ProcessRef;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Probes and identifies processes of this host: through {@code /proc} on Linux (start ticks and
 * boot id), through {@link ProcessHandle} elsewhere (start instant with a tolerance).
 *
 * <p>Thread-safe and stateless beyond its configuration; never blocks on a process.
 */
public final class LocalProcesses {

  private static final System.Logger LOG = System.getLogger(LocalProcesses.class.getName());

  private final String hostName;
  private final @Nullable ProcFs procFs;
  private final @Nullable String bootId;
  private final Duration startInstantTolerance;
  private final boolean handlesAgreeWithProc;

  /**
   * Creates the prober.
   *
   * @param hostName this host's name, as refs record it
   * @param procFs the {@code /proc} reader on Linux, null elsewhere
   * @param bootId this boot's id, null where unknown
   * @param startInstantTolerance how far apart two start instants of the same process may be
   * @param handlesAgreeWithProc whether {@link ProcessHandle} sees the same processes as {@code
   *     procFs} (false when {@code procFs} is a fake tree in a test): only then may a start instant
   *     from {@code ProcessHandle} be added to a ref identified through {@code procFs}
   */
  public LocalProcesses(
      String hostName,
      @Nullable ProcFs procFs,
      @Nullable String bootId,
      Duration startInstantTolerance,
      boolean handlesAgreeWithProc) {
    this.hostName = Objects.requireNonNull(hostName, "hostName");
    this.procFs = procFs;
    this.bootId = bootId;
    this.startInstantTolerance =
        Objects.requireNonNull(startInstantTolerance, "startInstantTolerance");
    this.handlesAgreeWithProc = handlesAgreeWithProc;
  }

  /** Returns this host's name. */
  public String hostName() {
    return hostName;
  }

  /** Returns this boot's id, or empty where unknown. */
  public Optional<String> bootId() {
    return Optional.ofNullable(bootId);
  }

  /**
   * Probes a ref. See {@link LivenessRules} for the rules.
   *
   * @param ref the ref
   * @return the liveness; never throws for an unreadable process
   */
  public Liveness probe(ProcessRef ref) {
    Objects.requireNonNull(ref, "ref");
    Liveness early = LivenessRules.withoutProbing(ref, hostName, bootId);
    if (early != null) {
      return early;
    }
    ProcFs fs = procFs;
    if (fs != null && (ref.startTicks() != null || ref.startInstant() == null)) {
      return LivenessRules.judgeLinux(ref, fs.readStat(ref.pid()), bootId);
    }
    if (fs != null) {
      // A portable ref on Linux: /proc still settles absence and zombies, which ProcessHandle
      // may report as alive; the start instant comes from ProcessHandle.
      StatRead read = fs.readStat(ref.pid());
      if (read instanceof StatRead.Missing) {
        return Liveness.DEAD;
      }
      if (read instanceof StatRead.Present present && present.stat().terminated()) {
        return Liveness.DEAD;
      }
    }
    if (ref.startTicks() != null && ref.startInstant() == null) {
      // Start ticks cannot be checked without /proc.
      return Liveness.UNKNOWN;
    }
    return LivenessRules.judgePortable(ref, HandleView.of(ref.pid()), startInstantTolerance);
  }

  /**
   * Captures the identity of a running process of this host.
   *
   * @param pid the pid
   * @return the ref, or empty when no such process runs (a zombie does not run)
   * @throws IllegalArgumentException if {@code pid ≤ 0}
   */
  public Optional<ProcessRef> identify(long pid) {
    if (pid <= 0) {
      throw new IllegalArgumentException("pid must be positive, was " + pid);
    }
    ProcFs fs = procFs;
    if (fs == null) {
      return identifyPortable(pid);
    }
    StatRead read = fs.readStat(pid);
    if (read instanceof StatRead.Missing) {
      return Optional.empty();
    }
    if (read instanceof StatRead.Unreadable unreadable) {
      LOG.log(
          Level.WARNING,
          "cannot read the start ticks of pid "
              + pid
              + " ("
              + unreadable.reason()
              + (handlesAgreeWithProc
                  ? "); identifying it by ProcessHandle only, without start ticks"
                  : "); cannot identify it"));
      return handlesAgreeWithProc ? identifyPortable(pid) : Optional.empty();
    }
    ProcStat stat = ((StatRead.Present) read).stat();
    if (stat.terminated()) {
      return Optional.empty();
    }
    Instant startInstant = handlesAgreeWithProc ? startInstantMatching(fs, stat) : null;
    return Optional.of(new ProcessRef(pid, hostName, bootId, stat.startTicks(), startInstant));
  }

  /**
   * Reads the start instant from {@link ProcessHandle} and keeps it only if the pid still holds the
   * same process afterwards, so that a pid recycled between the two reads cannot lend its instant
   * to the ref.
   */
  private static @Nullable Instant startInstantMatching(ProcFs fs, ProcStat stat) {
    HandleView view = HandleView.of(stat.pid());
    Instant instant = view.startInstant();
    if (instant == null) {
      return null;
    }
    StatRead again = fs.readStat(stat.pid());
    boolean same =
        again instanceof StatRead.Present present
            && present.stat().startTicks() == stat.startTicks();
    return same ? instant : null;
  }

  private Optional<ProcessRef> identifyPortable(long pid) {
    HandleView view = HandleView.of(pid);
    if (view.kind() != HandleView.Kind.ALIVE) {
      return Optional.empty();
    }
    return Optional.of(new ProcessRef(pid, hostName, bootId, null, view.startInstant()));
  }
}
