package dev.crewrecovery.testkit;

import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.spi.ProcessExit;
import dev.crewrecovery.api.spi.ProcessProbe;
import dev.crewrecovery.api.spi.TerminationOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A scriptable {@link ProcessProbe}: a test says what each {@link ProcessRef} probes as, spawns and
 * exits fake processes, and reads back every probe and termination the code under test made.
 *
 * <ul>
 *   <li>{@link #set(ProcessRef, Liveness)} scripts a ref; refs never scripted probe as {@link
 *       #defaultLiveness(Liveness) the default} ({@link Liveness#UNKNOWN} unless changed).
 *   <li>{@link #spawn(long)} and {@link #register(ProcessRef)} make a ref ALIVE and known to {@link
 *       #identify(long)}; {@link #recycle(ProcessRef)} gives its pid to a new process.
 *   <li>{@link #onExit(ProcessRef)} returns a future that {@link #exit(ProcessRef, Integer)}
 *       completes (and that completes at once when the ref already probes DEAD or RECYCLED).
 *   <li>{@link #terminate(ProcessRef, Duration)} follows the {@code ProcessProbe} contract: it
 *       signals only an ALIVE ref, which then exits (TERMINATED, or KILLED when the ref {@linkplain
 *       #ignoreTerm(ProcessRef) ignores TERM}, or FAILED when it is {@linkplain
 *       #unkillable(ProcessRef) unkillable}); it never blocks.
 * </ul>
 *
 * <p>Thread-safe: every method may be called from any thread. Futures are completed outside the
 * probe's monitor.
 */
public final class FakeProcessProbe implements ProcessProbe {

  /** The host name of refs made by {@link #spawn(long)} unless another was given. */
  public static final String DEFAULT_HOST = "testhost";

  /** The boot id of refs made by {@link #spawn(long)} unless another was given. */
  public static final String DEFAULT_BOOT_ID = "00000000-0000-0000-0000-000000000001";

  /** The exit code a fake process reports after TERM (128 + 15). */
  public static final int EXIT_CODE_TERM = 143;

  /** The exit code a fake process reports after KILL (128 + 9). */
  public static final int EXIT_CODE_KILL = 137;

  /**
   * One call of {@link #terminate(ProcessRef, Duration)}.
   *
   * @param ref the ref passed
   * @param grace the grace passed
   * @param outcome what the fake answered
   */
  public record Termination(ProcessRef ref, Duration grace, TerminationOutcome outcome) {
    /** Validates the components. */
    public Termination {
      Objects.requireNonNull(ref, "ref");
      Objects.requireNonNull(grace, "grace");
      Objects.requireNonNull(outcome, "outcome");
    }
  }

  private final String host;
  private final String bootId;
  private final Map<ProcessRef, Liveness> states = new HashMap<>();
  private final Map<ProcessRef, Integer> exitCodes = new HashMap<>();
  private final Map<Long, ProcessRef> byPid = new HashMap<>();
  private final Map<ProcessRef, List<CompletableFuture<ProcessExit>>> watchers =
      new LinkedHashMap<>();
  private final Set<ProcessRef> ignoringTerm = new HashSet<>();
  private final Set<ProcessRef> unkillable = new HashSet<>();
  private final List<ProcessRef> probeCalls = new ArrayList<>();
  private final List<Long> identifyCalls = new ArrayList<>();
  private final List<Termination> terminations = new ArrayList<>();
  private Liveness defaultLiveness = Liveness.UNKNOWN;
  private long nextStartTicks = 1000;

  /** Creates a probe whose spawned refs use {@link #DEFAULT_HOST} and {@link #DEFAULT_BOOT_ID}. */
  public FakeProcessProbe() {
    this(DEFAULT_HOST, DEFAULT_BOOT_ID);
  }

  /**
   * Creates a probe whose spawned refs use the given host and boot id.
   *
   * @param host the host name of spawned refs
   * @param bootId the boot id of spawned refs
   */
  public FakeProcessProbe(String host, String bootId) {
    this.host = Objects.requireNonNull(host, "host");
    this.bootId = Objects.requireNonNull(bootId, "bootId");
  }

  /**
   * Sets what refs that were never scripted probe as.
   *
   * @param liveness the default answer (initially UNKNOWN)
   * @return this probe
   */
  public synchronized FakeProcessProbe defaultLiveness(Liveness liveness) {
    defaultLiveness = Objects.requireNonNull(liveness, "liveness");
    return this;
  }

  /**
   * Starts a fake process on this probe's host: a new Linux ref for {@code pid} with fresh start
   * ticks, ALIVE and returned by {@link #identify(long)}.
   *
   * @param pid the pid, positive
   * @return the new ref
   * @throws IllegalArgumentException if {@code pid ≤ 0}
   */
  public ProcessRef spawn(long pid) {
    requirePositive(pid);
    ProcessRef ref;
    synchronized (this) {
      ref = ProcessRef.linux(pid, host, bootId, nextStartTicks++);
    }
    return register(ref);
  }

  /**
   * Registers a running process: the ref becomes ALIVE and {@link #identify(long)} of its pid
   * returns it.
   *
   * @param ref the ref
   * @return the same ref
   */
  public ProcessRef register(ProcessRef ref) {
    Objects.requireNonNull(ref, "ref");
    synchronized (this) {
      byPid.put(ref.pid(), ref);
    }
    set(ref, Liveness.ALIVE);
    return ref;
  }

  /**
   * Gives the pid of {@code ref} to a new process: {@code ref} becomes RECYCLED (its exit futures
   * complete without exit code) and a new ALIVE ref with the same pid and other start ticks is
   * registered.
   *
   * @param ref the original process
   * @return the new process's ref
   */
  public ProcessRef recycle(ProcessRef ref) {
    Objects.requireNonNull(ref, "ref");
    ProcessRef successor;
    synchronized (this) {
      successor =
          new ProcessRef(ref.pid(), ref.host(), ref.bootId(), nextStartTicks++, ref.startInstant());
    }
    set(ref, Liveness.RECYCLED);
    return register(successor);
  }

  /**
   * Scripts what a ref probes as. DEAD or RECYCLED completes its pending {@link #onExit} futures
   * (with the exit code recorded by {@link #exit(ProcessRef, Integer)}, if any).
   *
   * @param ref the ref
   * @param liveness its answer from now on
   */
  public void set(ProcessRef ref, Liveness liveness) {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(liveness, "liveness");
    List<CompletableFuture<ProcessExit>> toComplete = List.of();
    Integer code;
    synchronized (this) {
      states.put(ref, liveness);
      code = exitCodes.get(ref);
      if (liveness.isDead()) {
        List<CompletableFuture<ProcessExit>> pending = watchers.remove(ref);
        if (pending != null) {
          toComplete = pending;
        }
      }
    }
    ProcessExit exit = new ProcessExit(ref, code);
    for (CompletableFuture<ProcessExit> f : toComplete) {
      f.complete(exit);
    }
  }

  /**
   * Makes a process exit: it probes DEAD from now on and its {@link #onExit} futures complete with
   * this exit code.
   *
   * @param ref the ref
   * @param exitCode the exit code, or null when unknown (not a child of this JVM)
   */
  public void exit(ProcessRef ref, @Nullable Integer exitCode) {
    Objects.requireNonNull(ref, "ref");
    synchronized (this) {
      if (exitCode == null) {
        exitCodes.remove(ref);
      } else {
        exitCodes.put(ref, exitCode);
      }
    }
    set(ref, Liveness.DEAD);
  }

  /**
   * Makes a process exit with an unknown exit code.
   *
   * @param ref the ref
   */
  public void exit(ProcessRef ref) {
    exit(ref, null);
  }

  /**
   * Makes the process ignore SIGTERM, so {@link #terminate} has to KILL it (outcome KILLED).
   *
   * @param ref the ref
   * @return this probe
   */
  public synchronized FakeProcessProbe ignoreTerm(ProcessRef ref) {
    ignoringTerm.add(Objects.requireNonNull(ref, "ref"));
    return this;
  }

  /**
   * Makes the process survive both signals (as without permission), so {@link #terminate} answers
   * FAILED and the process stays ALIVE.
   *
   * @param ref the ref
   * @return this probe
   */
  public synchronized FakeProcessProbe unkillable(ProcessRef ref) {
    unkillable.add(Objects.requireNonNull(ref, "ref"));
    return this;
  }

  /** Records the call and answers what was scripted for {@code ref}, else the default. */
  @Override
  public synchronized Liveness probe(ProcessRef ref) {
    Objects.requireNonNull(ref, "ref");
    probeCalls.add(ref);
    return stateOf(ref);
  }

  /**
   * Returns the ref last registered for {@code pid} while it is not DEAD or RECYCLED.
   *
   * @throws IllegalArgumentException if {@code pid ≤ 0}
   */
  @Override
  public synchronized Optional<ProcessRef> identify(long pid) {
    requirePositive(pid);
    identifyCalls.add(pid);
    ProcessRef ref = byPid.get(pid);
    if (ref == null || stateOf(ref).isDead()) {
      return Optional.empty();
    }
    return Optional.of(ref);
  }

  /**
   * Returns a future completed by {@link #exit}, {@link #set} to DEAD or RECYCLED, or a successful
   * {@link #terminate}; completed at once when the ref already probes DEAD or RECYCLED. Cancelling
   * it unregisters it. Not recorded as a probe call.
   */
  @Override
  public CompletableFuture<ProcessExit> onExit(ProcessRef ref) {
    Objects.requireNonNull(ref, "ref");
    CompletableFuture<ProcessExit> future = new CompletableFuture<>();
    Integer code;
    synchronized (this) {
      if (!stateOf(ref).isDead()) {
        watchers.computeIfAbsent(ref, r -> new ArrayList<>()).add(future);
        // The dependent stage is only a cleanup hook; nothing waits on it.
        CompletableFuture<ProcessExit> unused =
            future.whenComplete((exit, error) -> unwatch(ref, future));
        return future;
      }
      code = exitCodes.get(ref);
    }
    future.complete(new ProcessExit(ref, code));
    return future;
  }

  /**
   * Signals only an ALIVE ref: TERM makes it exit (TERMINATED, exit code 143) unless it {@linkplain
   * #ignoreTerm ignores TERM}, then KILL makes it exit (KILLED, exit code 137) unless it is
   * {@linkplain #unkillable unkillable} (FAILED, still ALIVE). DEAD answers NOT_RUNNING, RECYCLED
   * answers IDENTITY_MISMATCH and UNKNOWN answers UNKNOWN, without a signal. Never blocks; the
   * grace is only recorded.
   */
  @Override
  public TerminationOutcome terminate(ProcessRef ref, Duration grace) {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(grace, "grace");
    TerminationOutcome outcome;
    synchronized (this) {
      outcome =
          switch (stateOf(ref)) {
            case DEAD -> TerminationOutcome.NOT_RUNNING;
            case RECYCLED -> TerminationOutcome.IDENTITY_MISMATCH;
            case UNKNOWN -> TerminationOutcome.UNKNOWN;
            case ALIVE -> {
              if (unkillable.contains(ref)) {
                yield TerminationOutcome.FAILED;
              }
              yield ignoringTerm.contains(ref)
                  ? TerminationOutcome.KILLED
                  : TerminationOutcome.TERMINATED;
            }
          };
      terminations.add(new Termination(ref, grace, outcome));
    }
    if (outcome == TerminationOutcome.TERMINATED) {
      exit(ref, EXIT_CODE_TERM);
    } else if (outcome == TerminationOutcome.KILLED) {
      exit(ref, EXIT_CODE_KILL);
    }
    return outcome;
  }

  /**
   * Returns what {@code ref} probes as now, without recording a probe call.
   *
   * @param ref the ref
   * @return its scripted answer, else the default
   */
  public synchronized Liveness peek(ProcessRef ref) {
    return stateOf(Objects.requireNonNull(ref, "ref"));
  }

  /**
   * Returns every ref passed to {@link #probe}, in call order.
   *
   * @return a copy of the probe calls
   */
  public synchronized List<ProcessRef> probeCalls() {
    return List.copyOf(probeCalls);
  }

  /**
   * Returns every pid passed to {@link #identify}, in call order.
   *
   * @return a copy of the identify calls
   */
  public synchronized List<Long> identifyCalls() {
    return List.copyOf(identifyCalls);
  }

  /**
   * Returns every {@link #terminate} call, in call order.
   *
   * @return a copy of the terminations
   */
  public synchronized List<Termination> terminations() {
    return List.copyOf(terminations);
  }

  /**
   * Returns how many {@link #onExit} futures are pending (neither completed nor cancelled).
   *
   * @return the number of pending exit watchers
   */
  public synchronized int pendingExitWatchers() {
    return watchers.values().stream().mapToInt(List::size).sum();
  }

  /** Forgets the recorded calls; scripted states, registrations and watchers stay. */
  public synchronized void clearCalls() {
    probeCalls.clear();
    identifyCalls.clear();
    terminations.clear();
  }

  /**
   * Forgets everything: recorded calls, scripted states, exit codes, registrations, TERM and KILL
   * behaviour, and the default (back to UNKNOWN). Pending {@link #onExit} futures are cancelled.
   */
  public void reset() {
    List<CompletableFuture<ProcessExit>> pending = new ArrayList<>();
    synchronized (this) {
      watchers.values().forEach(pending::addAll);
      watchers.clear();
      states.clear();
      exitCodes.clear();
      byPid.clear();
      ignoringTerm.clear();
      unkillable.clear();
      clearCalls();
      defaultLiveness = Liveness.UNKNOWN;
    }
    for (CompletableFuture<ProcessExit> f : pending) {
      f.cancel(false);
    }
  }

  private Liveness stateOf(ProcessRef ref) {
    return states.getOrDefault(ref, defaultLiveness);
  }

  private synchronized void unwatch(ProcessRef ref, CompletableFuture<ProcessExit> future) {
    List<CompletableFuture<ProcessExit>> list = watchers.get(ref);
    if (list != null) {
      list.removeIf(f -> f == future);
      if (list.isEmpty()) {
        watchers.remove(ref);
      }
    }
  }

  private static void requirePositive(long pid) {
    if (pid <= 0) {
      throw new IllegalArgumentException("pid must be positive, was " + pid);
    }
  }
}
