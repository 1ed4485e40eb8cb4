package dev.crewrecovery.core.internal.process;

import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.spi.ProcessExit;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Completes a future when a watched process exits.
 *
 * <p>Children of this JVM are watched through the JDK's own reaper ({@link
 * ChildProcesses#exitOfChild}), up to a configured number at once. Every other ref, and children
 * beyond that number, are checked by one shared poller thread that probes all of them every poll
 * interval and completes those that are no longer alive (DEAD or RECYCLED); UNKNOWN keeps waiting.
 * No thread is started per ref. The poller starts with the first polled registration and stops at
 * {@link #close()}.
 *
 * <p>Thread-safe.
 */
public final class ExitWatcher implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(ExitWatcher.class.getName());

  /** The name of the poller thread, for thread dumps. */
  public static final String POLLER_THREAD_NAME = "crew-recovery-process-poller";

  private final Function<ProcessRef, Liveness> probe;
  private final ChildProcesses children;
  private final Duration pollInterval;
  private final int maxEventDriven;

  private final Map<Long, Watch> watches = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong();
  private final Object lock = new Object();

  // Guarded by lock.
  private int eventDriven;
  private @Nullable ScheduledExecutorService poller;
  private boolean closed;

  /** One registration. {@code eventDriven} changes only under {@code lock}. */
  private static final class Watch {
    final ProcessRef ref;
    final CompletableFuture<ProcessExit> future;
    volatile boolean eventDriven;

    Watch(ProcessRef ref, CompletableFuture<ProcessExit> future, boolean eventDriven) {
      this.ref = ref;
      this.future = future;
      this.eventDriven = eventDriven;
    }
  }

  /**
   * Creates a watcher.
   *
   * @param probe the probe; must be thread-safe and must not throw for an unreadable process
   * @param children the children of this JVM
   * @param pollInterval how often the poller probes the polled refs
   * @param maxEventDriven how many event-driven registrations may exist at once
   */
  public ExitWatcher(
      Function<ProcessRef, Liveness> probe,
      ChildProcesses children,
      Duration pollInterval,
      int maxEventDriven) {
    this.probe = Objects.requireNonNull(probe, "probe");
    this.children = Objects.requireNonNull(children, "children");
    this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
    }
    if (maxEventDriven < 0) {
      throw new IllegalArgumentException("maxEventDriven must be ≥ 0, was " + maxEventDriven);
    }
    this.maxEventDriven = maxEventDriven;
  }

  /**
   * Watches a ref. See {@code ProcessProbe#onExit}.
   *
   * @param ref the ref
   * @return a future completed with the exit; cancelling it unregisters the ref
   * @throws IllegalStateException if the watcher is closed
   */
  public CompletableFuture<ProcessExit> watch(ProcessRef ref) {
    Objects.requireNonNull(ref, "ref");
    checkOpen();
    Liveness now = probe.apply(ref);
    if (now.isDead()) {
      return CompletableFuture.completedFuture(exitOf(ref, null));
    }
    // A slot is reserved before the child's exit future is asked for: for a child the JDK did not
    // start itself, asking starts a JDK reaper thread, which the limit exists to bound.
    boolean reserved = now == Liveness.ALIVE && reserveEventSlot();
    CompletableFuture<OptionalInt> childExit = reserved ? children.exitOfChild(ref) : null;
    CompletableFuture<ProcessExit> result = new CompletableFuture<>();
    long id = nextId.incrementAndGet();
    Watch watch;
    synchronized (lock) {
      if (reserved && childExit == null) {
        eventDriven--; // not a child after all
      }
      if (closed) {
        if (childExit != null) {
          eventDriven--;
        }
        throw new IllegalStateException("the process probe is closed");
      }
      watch = new Watch(ref, result, childExit != null);
      if (childExit == null) {
        startPollerLocked();
      }
      watches.put(id, watch);
    }
    // Neither callback throws, so the dependent futures carry nothing worth checking.
    CompletableFuture<?> unusedUnregistering =
        result.whenComplete((exit, failure) -> unregister(id));
    if (watch.eventDriven && childExit != null) {
      CompletableFuture<?> unusedForwarding =
          childExit.whenComplete(
              (code, failure) -> {
                if (failure == null) {
                  result.complete(exitOf(ref, code));
                } else {
                  LOG.log(Level.DEBUG, "cannot await " + ref + " as a child; polling it", failure);
                  toPolling(watch);
                }
              });
    }
    // The child handle is looked up by pid after the probe, and the process may have exited
    // before the registration: probing again closes both gaps.
    if (probe.apply(ref).isDead()) {
      result.complete(exitOf(ref, null));
    }
    return result;
  }

  private boolean reserveEventSlot() {
    synchronized (lock) {
      if (closed || eventDriven >= maxEventDriven) {
        return false;
      }
      eventDriven++;
      return true;
    }
  }

  private ProcessExit exitOf(ProcessRef ref, @Nullable OptionalInt code) {
    if (code != null && code.isPresent()) {
      return new ProcessExit(ref, code.getAsInt());
    }
    return new ProcessExit(ref, children.exitCode(ref));
  }

  private void unregister(long id) {
    synchronized (lock) {
      Watch removed = watches.remove(id);
      if (removed != null && removed.eventDriven) {
        eventDriven--;
      }
    }
  }

  private void toPolling(Watch watch) {
    synchronized (lock) {
      if (!watch.eventDriven || closed) {
        return;
      }
      watch.eventDriven = false;
      eventDriven--;
      startPollerLocked();
    }
  }

  private void startPollerLocked() {
    if (poller != null) {
      return;
    }
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, POLLER_THREAD_NAME);
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    long nanos = pollInterval.toNanos();
    // Cancelled by shutdownNow() at close; pollOnce never throws, so the future holds no failure.
    Future<?> unused =
        executor.scheduleWithFixedDelay(this::pollOnce, nanos, nanos, TimeUnit.NANOSECONDS);
    poller = executor;
  }

  /**
   * Probes every polled ref once and completes those that are gone. Package-visible so that tests
   * can run a pass without waiting for the schedule. Never throws: an exception would cancel the
   * schedule and silently stop all watching.
   */
  void pollOnce() {
    for (Watch watch : watches.values()) {
      if (watch.eventDriven || watch.future.isDone()) {
        continue;
      }
      try {
        if (probe.apply(watch.ref).isDead()) {
          watch.future.complete(exitOf(watch.ref, null));
        }
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "probing " + watch.ref + " failed; will retry", e);
      }
    }
  }

  /** Returns how many registrations are event-driven now. */
  public int eventDrivenCount() {
    synchronized (lock) {
      return eventDriven;
    }
  }

  /** Returns how many registrations are polled now. */
  public int polledCount() {
    int polled = 0;
    for (Watch watch : watches.values()) {
      if (!watch.eventDriven) {
        polled++;
      }
    }
    return polled;
  }

  /** Returns whether the poller thread has been started (and not yet stopped). */
  public boolean pollerRunning() {
    synchronized (lock) {
      return poller != null;
    }
  }

  private void checkOpen() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the process probe is closed");
      }
    }
  }

  /**
   * Stops the poller and cancels every pending future. Idempotent. Futures already handed out are
   * cancelled rather than left pending forever.
   */
  @Override
  public void close() {
    List<Watch> pending;
    ScheduledExecutorService executor;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      executor = poller;
      poller = null;
      pending = new ArrayList<>(watches.values());
    }
    if (executor != null) {
      executor.shutdownNow();
    }
    for (Watch watch : pending) {
      watch.future.cancel(false);
    }
  }
}
