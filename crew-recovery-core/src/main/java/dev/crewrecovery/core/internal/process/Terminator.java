package dev.crewrecovery.core.internal.process;

import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.spi.Clock;
import dev.crewrecovery.api.spi.TerminationOutcome;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * TERM, then KILL after a grace, each sent only while the ref's identity still matches.
 *
 * <p>Identity is pinned twice: the {@link ProcessHandle} is obtained <em>before</em> the probe, and
 * the JDK's {@code destroy} signals only a process whose start time equals the one the handle
 * recorded when it was obtained. So once the probe has matched the ref, a pid recycled afterwards
 * is never signalled.
 *
 * <p>This is the one place of the probe that waits on real time, measured with the injected clock's
 * monotonic time. It is an operator action and must run outside any run's exclusive update.
 */
public final class Terminator {

  private static final System.Logger LOG = System.getLogger(Terminator.class.getName());

  /** First wait between two checks for a non-child; doubled up to {@link #MAX_SLICE_NANOS}. */
  private static final long FIRST_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private static final long MAX_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final Function<ProcessRef, Liveness> probe;
  private final ChildProcesses children;
  private final Clock clock;
  private final Duration killWait;

  /**
   * Creates a terminator.
   *
   * @param probe the probe
   * @param children the children of this JVM (their exit is awaited without polling)
   * @param clock the clock whose monotonic time bounds the waits
   * @param killWait how long to wait for the exit after KILL before answering FAILED
   */
  public Terminator(
      Function<ProcessRef, Liveness> probe,
      ChildProcesses children,
      Clock clock,
      Duration killWait) {
    this.probe = Objects.requireNonNull(probe, "probe");
    this.children = Objects.requireNonNull(children, "children");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.killWait = Objects.requireNonNull(killWait, "killWait");
  }

  /**
   * Terminates a process. See {@code ProcessProbe#terminate}.
   *
   * @param ref the ref
   * @param grace how long to wait between TERM and KILL
   * @return the outcome
   * @throws IllegalArgumentException if {@code grace} is negative
   */
  public TerminationOutcome terminate(ProcessRef ref, Duration grace) {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative, was " + grace);
    }
    // Obtained before the identity check on purpose: see the class comment.
    Optional<ProcessHandle> found = handle(ref.pid());
    TerminationOutcome refused = refusal(probe.apply(ref), ref);
    if (refused != null) {
      return refused;
    }
    if (found.isEmpty()) {
      if (probe.apply(ref).isDead()) {
        return TerminationOutcome.NOT_RUNNING;
      }
      LOG.log(Level.WARNING, "no process handle for " + ref + "; it cannot be signalled");
      return TerminationOutcome.FAILED;
    }
    ProcessHandle handle = found.get();
    if (ref.pid() == children.selfPid()) {
      LOG.log(Level.WARNING, "refusing to signal this JVM itself: " + ref);
      return TerminationOutcome.FAILED;
    }
    CompletableFuture<ProcessHandle> childExit = children.isChild(handle) ? handle.onExit() : null;

    LOG.log(Level.INFO, "sending TERM to " + ref);
    if (!handle.destroy()) {
      if (probe.apply(ref).isDead()) {
        return TerminationOutcome.NOT_RUNNING;
      }
      LOG.log(Level.WARNING, "TERM to " + ref + " was refused (no permission?)");
      return TerminationOutcome.FAILED;
    }
    Wait afterTerm = awaitExit(ref, childExit, grace);
    if (afterTerm == Wait.EXITED) {
      return TerminationOutcome.TERMINATED;
    }
    if (afterTerm == Wait.INTERRUPTED) {
      LOG.log(Level.INFO, "interrupted while waiting for " + ref + " after TERM; no KILL sent");
      return TerminationOutcome.FAILED;
    }

    Liveness beforeKill = probe.apply(ref);
    if (beforeKill.isDead()) {
      return TerminationOutcome.TERMINATED;
    }
    if (beforeKill != Liveness.ALIVE) {
      LOG.log(Level.WARNING, "liveness of " + ref + " became " + beforeKill + "; no KILL sent");
      return TerminationOutcome.UNKNOWN;
    }
    LOG.log(Level.INFO, "sending KILL to " + ref + " after a grace of " + grace);
    if (!handle.destroyForcibly()) {
      if (probe.apply(ref).isDead()) {
        return TerminationOutcome.TERMINATED;
      }
      LOG.log(Level.WARNING, "KILL to " + ref + " was refused (no permission?)");
      return TerminationOutcome.FAILED;
    }
    if (awaitExit(ref, childExit, killWait) == Wait.EXITED) {
      return TerminationOutcome.KILLED;
    }
    LOG.log(Level.WARNING, ref + " still runs " + killWait + " after KILL");
    return TerminationOutcome.FAILED;
  }

  private static @Nullable TerminationOutcome refusal(Liveness liveness, ProcessRef ref) {
    switch (liveness) {
      case DEAD:
        return TerminationOutcome.NOT_RUNNING;
      case RECYCLED:
        return TerminationOutcome.IDENTITY_MISMATCH;
      case UNKNOWN:
        return TerminationOutcome.UNKNOWN;
      case ALIVE:
      default:
        if (!LivenessRules.hasStartIdentity(ref)) {
          // A bare pid may belong to anyone by now: it is never signalled.
          LOG.log(Level.WARNING, "refusing to signal " + ref + ": it has no start identity");
          return TerminationOutcome.UNKNOWN;
        }
        return null;
    }
  }

  private static Optional<ProcessHandle> handle(long pid) {
    try {
      return ProcessHandle.of(pid);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private enum Wait {
    EXITED,
    TIMED_OUT,
    INTERRUPTED
  }

  /**
   * Waits until the ref probes dead or the timeout passes. A child's exit is an event (the JDK's
   * reaper), so the wait wakes at once; for any other process there is no exit event short of a
   * thread per process, so the wait re-probes at growing intervals (5 ms doubling to 100 ms),
   * bounded by the timeout.
   */
  private Wait awaitExit(
      ProcessRef ref, @Nullable CompletableFuture<ProcessHandle> exitEvent, Duration timeout) {
    CompletableFuture<ProcessHandle> childExit = exitEvent;
    long deadline = clock.monotonicNanos() + timeout.toNanos();
    long slice = FIRST_SLICE_NANOS;
    while (true) {
      if (probe.apply(ref).isDead()) {
        return Wait.EXITED;
      }
      long remaining = deadline - clock.monotonicNanos();
      if (remaining <= 0) {
        return Wait.TIMED_OUT;
      }
      long wait = Math.min(remaining, slice);
      slice = Math.min(slice * 2, MAX_SLICE_NANOS);
      if (childExit != null) {
        try {
          childExit.get(wait, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Wait.INTERRUPTED;
        } catch (TimeoutException e) {
          // Not yet: probe again.
        } catch (ExecutionException e) {
          // No event to wait for after all: fall back to probing at intervals.
          childExit = null;
        }
        if (childExit != null && childExit.isDone()) {
          // The event has fired; a completed future would return at once and spin, so any
          // further wait (the probe has yet to see the exit) parks instead.
          childExit = null;
        }
      } else {
        LockSupport.parkNanos(wait);
        if (Thread.currentThread().isInterrupted()) {
          return Wait.INTERRUPTED;
        }
      }
    }
  }
}
