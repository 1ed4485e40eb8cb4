package dev.crewrecovery.core.internal.waiting;

import dev.crewrecovery.api.CorruptStateException;
import dev.crewrecovery.api.CrewRecoveryException;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunNotFoundException;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.spi.RunChange;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.core.FileRunStore;
import dev.crewrecovery.core.RunChangeListener;
import dev.crewrecovery.core.RunSubscription;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The one hub of a session's waiters and run listeners (issue 9). Three sources tell it that a run
 * may have changed, and each makes it re-read that run with {@link RunStore#load} and pass the
 * snapshot on:
 *
 * <ol>
 *   <li>the store's change feed, when it has one: a commit made in this JVM completes its waiters
 *       inside the committing call (the feed publishes on the committing thread after the lock is
 *       released);
 *   <li>for a {@link FileRunStore}, a directory watch ({@link FileWatch}) on one thread, for the
 *       commits of other processes;
 *   <li>a periodic re-read of every awaited run on the hub's one executor thread, which catches
 *       whatever the other two missed (dropped or overflowed watch events, stores without a feed).
 *       For a file store it first compares {@code run.json}'s file key, modification time and size
 *       with those seen at the last read, so an idle re-read costs one {@code stat} per run.
 * </ol>
 *
 * <p>Time is read only by the executor's scheduling: nothing here reads a clock.
 *
 * <p>Waiters cost no thread: an entry per awaited run holds its waiters and listeners; it is
 * removed with its last waiter or listener (completion, cancellation or timeout of a future,
 * closing a subscription). Deliveries to one run's entry are serialized (one drainer at a time), so
 * listeners see strictly increasing versions and a future completes exactly once.
 *
 * <p>Threads start at the first registration, not before; in manual mode none starts and {@link
 * #rescan()} is called by hand. Thread-safe.
 */
public final class RunWaiters implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RunWaiters.class.getName());

  /** The stamp of a {@code run.json} that does not exist. */
  private static final Object MISSING = new Object();

  private final RunStore store;
  private final Duration rescanInterval;
  private final boolean fileWatch;
  private final boolean background;
  private final String threadName;
  private final @Nullable Path root;
  private final ConcurrentHashMap<RunId, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicLong loads = new AtomicLong();
  private final AtomicLong rescans = new AtomicLong();
  private final Object life = new Object();
  private boolean started;
  private boolean closed;
  private @Nullable AutoCloseable feed;
  private @Nullable ScheduledThreadPoolExecutor executor;
  private volatile @Nullable FileWatch watch;

  /**
   * Creates the hub; nothing starts before the first registration.
   *
   * @param store the session's store
   * @param rescanInterval how often every awaited run is re-read
   * @param fileWatch whether a file store's directories are watched
   * @param background whether threads may be started (false in manual mode)
   * @param threadName the name of the hub's threads
   */
  public RunWaiters(
      RunStore store,
      Duration rescanInterval,
      boolean fileWatch,
      boolean background,
      String threadName) {
    this.store = Objects.requireNonNull(store, "store");
    this.rescanInterval = Objects.requireNonNull(rescanInterval, "rescanInterval");
    this.fileWatch = fileWatch;
    this.background = background;
    this.threadName = Objects.requireNonNull(threadName, "threadName");
    this.root = store instanceof FileRunStore f ? f.root() : null;
  }

  // ------------------------------------------------------------------------------ registration

  /**
   * Returns a future completed with the first terminal snapshot of the run.
   *
   * @param runId the run
   * @return the future
   * @throws IllegalStateException after {@link #close()}
   */
  public CompletableFuture<RunSnapshot> awaitRun(RunId runId) {
    return await(Objects.requireNonNull(runId, "runId"), null);
  }

  /**
   * Returns a future completed with the first snapshot in which the task is terminal.
   *
   * @param runId the run
   * @param taskId the task
   * @return the future
   * @throws IllegalStateException after {@link #close()}
   */
  public CompletableFuture<RunSnapshot> awaitTask(RunId runId, TaskId taskId) {
    return await(Objects.requireNonNull(runId, "runId"), Objects.requireNonNull(taskId, "taskId"));
  }

  private CompletableFuture<RunSnapshot> await(RunId runId, @Nullable TaskId task) {
    ensureStarted();
    Waiter w = new Waiter(task);
    attach(runId, e -> e.waiters.add(w));
    // Any completion (result, failure, cancel, orTimeout, a caller's complete) removes the waiter.
    CompletableFuture<RunSnapshot> unused =
        w.future.whenComplete((r, x) -> detach(runId, e -> e.waiters.remove(w)));
    check(runId, true);
    return w.future;
  }

  /**
   * Subscribes a listener to a run; it is called with the current snapshot before this returns,
   * unless another thread is passing on a change of the run at that moment (that thread calls it).
   *
   * @param runId the run
   * @param listener the listener
   * @return the handle
   * @throws IllegalStateException after {@link #close()}
   */
  public RunSubscription subscribe(RunId runId, RunChangeListener listener) {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(listener, "listener");
    ensureStarted();
    Sub sub = new Sub(listener);
    attach(runId, e -> e.subs.add(sub));
    check(runId, true);
    return () -> detach(runId, e -> e.subs.remove(sub));
  }

  private void attach(RunId runId, Consumer<Entry> add) {
    boolean[] created = {false};
    entries.compute(
        runId,
        (k, e) -> {
          Entry x = e;
          if (x == null) {
            x = new Entry(k);
            created[0] = true;
          }
          synchronized (x) {
            add.accept(x);
          }
          return x;
        });
    if (created[0]) {
      syncWatch(runId);
    }
  }

  private void detach(RunId runId, Consumer<Entry> remove) {
    boolean[] removed = {false};
    entries.computeIfPresent(
        runId,
        (k, e) -> {
          synchronized (e) {
            remove.accept(e);
            if (e.waiters.isEmpty() && e.subs.isEmpty()) {
              removed[0] = true;
              return null;
            }
          }
          return e;
        });
    if (removed[0]) {
      syncWatch(runId);
    }
  }

  /** Registers or cancels the run's directory watch on the executor, the watch's one caller. */
  private void syncWatch(RunId runId) {
    ScheduledThreadPoolExecutor ex = executor;
    if (watch == null || ex == null) {
      return;
    }
    try {
      ex.execute(
          () -> {
            FileWatch w = watch;
            if (w == null) {
              return;
            }
            if (entries.containsKey(runId)) {
              w.watchRun(runId);
            } else {
              w.unwatchRun(runId);
            }
          });
    } catch (RejectedExecutionException e) {
      // Closing.
    }
  }

  // ------------------------------------------------------------------------------ life cycle

  private void ensureStarted() {
    synchronized (life) {
      if (closed) {
        throw new IllegalStateException(
            "this session is closed; build a new CrewRecovery to wait for runs");
      }
      if (started) {
        return;
      }
      started = true;
      feed = store.changes().map(f -> f.subscribe(this::committed)).orElse(null);
      if (!background) {
        return;
      }
      ScheduledThreadPoolExecutor ex =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
              });
      ex.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      ex.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
      executor = ex;
      long period = rescanInterval.toNanos();
      // The periodic task never completes normally, and rescanQuietly catches what it throws, so
      // its future carries nothing to check; shutdown cancels it.
      var unused =
          ex.scheduleWithFixedDelay(this::rescanQuietly, period, period, TimeUnit.NANOSECONDS);
      Path r = root;
      if (fileWatch && r != null) {
        watch = FileWatch.start(r, this::changedElsewhere, this::overflowed, threadName + "-watch");
      }
    }
  }

  /**
   * Closes the hub: stops its threads, unsubscribes from the feed and cancels every pending waiter
   * ({@link CancellationException}). Idempotent.
   */
  @Override
  public void close() {
    AutoCloseable f;
    ScheduledThreadPoolExecutor ex;
    FileWatch w;
    synchronized (life) {
      if (closed) {
        return;
      }
      closed = true;
      f = feed;
      ex = executor;
      w = watch;
      watch = null;
    }
    if (f != null) {
      try {
        f.close();
      } catch (Exception e) {
        LOG.log(Level.DEBUG, "closing the change feed subscription failed", e);
      }
    }
    if (w != null) {
      w.close();
    }
    if (ex != null) {
      ex.shutdownNow();
    }
    for (Entry e : List.copyOf(entries.values())) {
      List<Waiter> pending;
      synchronized (e) {
        pending = List.copyOf(e.waiters);
      }
      for (Waiter waiter : pending) {
        waiter.future.completeExceptionally(
            new CancellationException("the session closed while waiting for run " + e.runId));
      }
    }
    entries.clear();
  }

  // ------------------------------------------------------------------------------ sources

  private void committed(RunChange change) {
    Entry e = entries.get(change.runId());
    if (e == null) {
      return;
    }
    synchronized (e) {
      if (!change.status().isTerminal() && e.subs.isEmpty() && e.taskWaiters() == 0) {
        return; // only run waiters, and the run is not terminal: nothing to complete
      }
    }
    check(change.runId(), true);
  }

  private void changedElsewhere(RunId runId) {
    ScheduledThreadPoolExecutor ex = executor;
    if (ex == null || !entries.containsKey(runId)) {
      return;
    }
    try {
      ex.execute(() -> check(runId, false));
    } catch (RejectedExecutionException e) {
      // Closing.
    }
  }

  private void overflowed() {
    ScheduledThreadPoolExecutor ex = executor;
    if (ex == null) {
      return;
    }
    try {
      ex.execute(this::rescanQuietly);
    } catch (RejectedExecutionException e) {
      // Closing.
    }
  }

  private void rescanQuietly() {
    try {
      rescan();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "re-reading awaited runs failed; next period retries", e);
    }
  }

  /**
   * Re-reads every awaited run that may have changed and passes new snapshots on. Called
   * periodically by the hub's executor; in manual mode by the driver.
   */
  public void rescan() {
    for (RunId runId : List.copyOf(entries.keySet())) {
      check(runId, false);
    }
    rescans.incrementAndGet();
  }

  /**
   * Re-reads a run (unless {@code force} is false and its file is unchanged since the last read)
   * and passes the result to its waiters and listeners. A transient store error leaves them
   * waiting; the next re-read tries again.
   */
  private void check(RunId runId, boolean force) {
    Entry e = entries.get(runId);
    if (e == null) {
      return;
    }
    Object stamp = stamp(runId);
    if (!force && stamp != null && stamp.equals(e.stamp)) {
      return;
    }
    Object result;
    try {
      loads.incrementAndGet();
      Optional<RunSnapshot> s = store.load(runId);
      result = s.isPresent() ? s.get() : new RunNotFoundException(runId);
    } catch (CorruptStateException ex) {
      result = ex; // quarantined (or of a newer schema): waiting cannot end well
    } catch (CrewRecoveryException ex) {
      LOG.log(Level.DEBUG, "re-reading awaited run " + runId + " failed; trying again later", ex);
      return;
    }
    e.stamp = stamp;
    deliver(e, result);
  }

  /**
   * Identifies the content of a file store's {@code run.json} without reading it: file key,
   * modification time and size (a commit replaces the file, so its key changes). Null when unknown:
   * the run is then always re-read.
   */
  private @Nullable Object stamp(RunId runId) {
    Path r = root;
    if (r == null) {
      return null;
    }
    try {
      BasicFileAttributes a =
          Files.readAttributes(
              r.resolve("runs").resolve(runId.value()).resolve("run.json"),
              BasicFileAttributes.class,
              LinkOption.NOFOLLOW_LINKS);
      Object key = a.fileKey();
      return key == null ? null : List.of(key, a.lastModifiedTime(), a.size());
    } catch (NoSuchFileException ex) {
      return MISSING;
    } catch (IOException | RuntimeException ex) {
      return null;
    }
  }

  private void deliver(Entry e, Object result) {
    List<Waiter> done = new ArrayList<>();
    boolean drain;
    synchronized (e) {
      for (Iterator<Waiter> it = e.waiters.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        if (w.decidedBy(result)) {
          done.add(w);
        }
      }
      drain = !e.subs.isEmpty();
      if (drain) {
        e.pending.add(result);
        drain = !e.draining;
        e.draining = true;
      }
    }
    // Waiters are settled by every thread that sees their end, not only by a drainer: a commit in
    // this JVM therefore completes them before its call returns. A future completes only once.
    for (Waiter w : done) {
      w.settle(e.runId, result);
    }
    if (drain) {
      drainListeners(e);
    }
  }

  /** Passes queued results to the listeners; one drainer per entry, so calls never overlap. */
  private static void drainListeners(Entry e) {
    while (true) {
      Object next;
      List<Sub> subs;
      synchronized (e) {
        next = e.pending.poll();
        if (next == null) {
          e.draining = false;
          return;
        }
        subs = List.copyOf(e.subs);
      }
      for (Sub s : subs) {
        s.offer(e.runId, next);
      }
    }
  }

  // ------------------------------------------------------------------------------ introspection

  /** Returns how many runs have waiters or listeners (the hub's only per-run state). */
  public int awaitedRuns() {
    return entries.size();
  }

  /** Returns how many futures are pending. */
  public int pendingWaiters() {
    int n = 0;
    for (Entry e : entries.values()) {
      synchronized (e) {
        n += e.waiters.size();
      }
    }
    return n;
  }

  /** Returns how many re-reads of every awaited run have finished. */
  public long rescans() {
    return rescans.get();
  }

  /** Returns how many times the hub read a run from the store. */
  public long loads() {
    return loads.get();
  }

  // ------------------------------------------------------------------------------ parts

  private static final class Entry {
    final RunId runId;
    final Set<Waiter> waiters = new LinkedHashSet<>();
    final List<Sub> subs = new ArrayList<>();
    final ArrayDeque<Object> pending = new ArrayDeque<>();
    boolean draining;
    volatile @Nullable Object stamp;

    Entry(RunId runId) {
      this.runId = runId;
    }

    int taskWaiters() {
      int n = 0;
      for (Waiter w : waiters) {
        if (w.task != null) {
          n++;
        }
      }
      return n;
    }
  }

  /** One pending future. Identity matters: two waiters of the same run are distinct. */
  private static final class Waiter {
    final @Nullable TaskId task;
    final CompletableFuture<RunSnapshot> future = new CompletableFuture<>();

    Waiter(@Nullable TaskId task) {
      this.task = task;
    }

    boolean decidedBy(Object result) {
      if (!(result instanceof RunSnapshot s)) {
        return true;
      }
      if (task == null) {
        return s.status().isTerminal();
      }
      Optional<TaskState> t = s.task(task);
      return t.isEmpty() || t.get().status().isTerminal();
    }

    void settle(RunId runId, Object result) {
      if (result instanceof RunSnapshot s) {
        if (task != null && s.task(task).isEmpty()) {
          future.completeExceptionally(
              new IllegalArgumentException("run " + runId + " has no task " + task));
        } else {
          future.complete(s);
        }
      } else {
        future.completeExceptionally((Throwable) result);
      }
    }
  }

  /** One listener and what it was last given; touched only by an entry's one drainer. */
  private static final class Sub {
    final RunChangeListener listener;
    long lastVersion;
    boolean unavailable;

    Sub(RunChangeListener listener) {
      this.listener = listener;
    }

    void offer(RunId runId, Object result) {
      try {
        if (result instanceof RunSnapshot s) {
          if (s.version() <= lastVersion && !unavailable) {
            return;
          }
          lastVersion = s.version();
          unavailable = false;
          listener.onChange(s);
        } else if (!unavailable) {
          unavailable = true;
          listener.onUnavailable(runId, (CrewRecoveryException) result);
        }
      } catch (RuntimeException ex) {
        LOG.log(Level.WARNING, "a run listener of " + runId + " threw; it stays subscribed", ex);
      }
    }
  }
}
