package dev.crewrecovery.core.internal.waiting;

import dev.crewrecovery.api.InvalidIdException;
import dev.crewrecovery.api.RunId;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The directory watch of a file store (DESIGN section 12 layout): {@code active/} (a run's marker
 * is removed after its terminal commit) and, for each awaited run up to a bound, {@code
 * runs/<runId>/} (its {@code run.json} is replaced by an atomic move on every commit, or moved to
 * quarantine). One thread blocks on the watch service; every event it sees names a run to re-read,
 * and an overflow asks for a re-read of every awaited run. Events can be lost (and some platforms
 * only poll), which is why the hub re-reads periodically anyway.
 *
 * <p>{@link #watchRun} and {@link #unwatchRun} are called from one thread only (the hub's
 * executor), so the key of a run is never registered and cancelled at once.
 */
final class FileWatch implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(FileWatch.class.getName());

  /** The most run directories watched at once; runs beyond it rely on the periodic re-read. */
  static final int MAX_RUN_WATCHES = 4096;

  private static final String RUN_JSON = "run.json";

  private final WatchService service;
  private final Path runs;
  private final Path active;
  private final Consumer<RunId> changed;
  private final Runnable overflow;
  private final Map<RunId, WatchKey> runKeys = new HashMap<>();
  private final Thread thread;
  private boolean warnedFull;

  private FileWatch(
      WatchService service,
      Path root,
      Consumer<RunId> changed,
      Runnable overflow,
      String threadName) {
    this.service = service;
    this.runs = root.resolve("runs");
    this.active = root.resolve("active");
    this.changed = changed;
    this.overflow = overflow;
    this.thread = new Thread(this::loop, threadName);
    this.thread.setDaemon(true);
  }

  /**
   * Starts watching a store root, or returns null when the platform offers no watch (the hub then
   * relies on its periodic re-read alone).
   */
  static @Nullable FileWatch start(
      Path root, Consumer<RunId> changed, Runnable overflow, String threadName) {
    WatchService service;
    try {
      service = root.getFileSystem().newWatchService();
    } catch (IOException | UnsupportedOperationException e) {
      LOG.log(Level.INFO, "no directory watch for " + root + "; re-reading periodically only", e);
      return null;
    }
    FileWatch w = new FileWatch(service, root, changed, overflow, threadName);
    try {
      w.active.register(
          service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.INFO, "cannot watch " + w.active + "; re-reading periodically only", e);
      w.closeService();
      return null;
    }
    w.thread.start();
    return w;
  }

  /** Watches a run's directory, unless the bound is reached or it cannot be watched. */
  void watchRun(RunId runId) {
    if (runKeys.containsKey(runId)) {
      return;
    }
    if (runKeys.size() >= MAX_RUN_WATCHES) {
      if (!warnedFull) {
        warnedFull = true;
        LOG.log(
            Level.INFO,
            "{0} run directories watched; further runs are re-read periodically only",
            MAX_RUN_WATCHES);
      }
      return;
    }
    try {
      WatchKey key =
          runs.resolve(runId.value())
              .register(
                  service,
                  StandardWatchEventKinds.ENTRY_CREATE,
                  StandardWatchEventKinds.ENTRY_MODIFY,
                  StandardWatchEventKinds.ENTRY_DELETE);
      runKeys.put(runId, key);
    } catch (NoSuchFileException e) {
      // The run has no directory: the first re-read reports it missing.
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.DEBUG, "cannot watch the directory of run " + runId, e);
    }
  }

  /** Stops watching a run's directory. */
  void unwatchRun(RunId runId) {
    WatchKey key = runKeys.remove(runId);
    if (key != null) {
      key.cancel();
    }
  }

  /** Returns how many run directories are watched (called on the hub's executor). */
  int watchedRuns() {
    return runKeys.size();
  }

  private void loop() {
    while (true) {
      WatchKey key;
      try {
        key = service.take();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      try {
        handle(key);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "a directory watch event could not be handled", e);
      }
    }
  }

  private void handle(WatchKey key) {
    Path dir = (Path) key.watchable();
    boolean activeDir = dir.equals(active);
    boolean relevant = false;
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
        overflow.run();
        continue;
      }
      Object context = event.context();
      if (!(context instanceof Path name)) {
        continue;
      }
      if (activeDir) {
        runOf(name).ifPresent(changed);
      } else if (name.toString().startsWith(RUN_JSON)) {
        // run.json replaced or moved to quarantine (its tombstone is run.json.quarantined); the
        // heartbeat slots and the event log change far more often and say nothing here.
        relevant = true;
      }
    }
    boolean valid = key.reset();
    if (!activeDir && (relevant || !valid)) {
      // A key that is no longer valid: the run's directory went away.
      runOf(dir.getFileName()).ifPresent(changed);
    }
  }

  private static java.util.Optional<RunId> runOf(@Nullable Path name) {
    if (name == null) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(RunId.of(name.toString()));
    } catch (InvalidIdException | IllegalArgumentException e) {
      return java.util.Optional.empty(); // a temp file, not a marker
    }
  }

  private void closeService() {
    try {
      service.close();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "closing a watch service failed", e);
    }
  }

  @Override
  public void close() {
    closeService();
    thread.interrupt();
  }
}
