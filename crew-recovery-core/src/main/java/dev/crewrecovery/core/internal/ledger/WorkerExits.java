package dev.crewrecovery.core.internal.ledger;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.spi.ProcessExit;
import dev.crewrecovery.api.spi.ProcessProbe;
import dev.crewrecovery.core.ExitClassifier;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Watches the exit of every worker the session starts ({@code ProcessProbe.onExit}) and hands an
 * exit to task-level repair at once, on the session's callback executor (its scheduler thread, so
 * exits never run concurrently with a watcher tick). A registration ends when its attempt stops
 * being the current attempt of a RUNNING or WAITING task, when the exit fires, or at close; ending
 * it cancels the probe's future, which unregisters it from the probe.
 *
 * <p>Thread-safe.
 */
public final class WorkerExits {
  private static final System.Logger LOG = System.getLogger(WorkerExits.class.getName());

  private final ProcessProbe probe;
  private final TaskRepair repair;
  private final Map<RunId, Map<AttemptId, CompletableFuture<ProcessExit>>> registrations =
      new ConcurrentHashMap<>();
  private volatile Executor executor = Runnable::run;

  /**
   * Creates the watch.
   *
   * @param probe the process probe
   * @param repair the task-level repair exits are handed to
   */
  public WorkerExits(ProcessProbe probe, TaskRepair repair) {
    this.probe = Objects.requireNonNull(probe, "probe");
    this.repair = Objects.requireNonNull(repair, "repair");
  }

  /**
   * Sets where exit callbacks run (the session's scheduler; the caller's thread by default).
   *
   * @param executor the executor
   */
  public void executor(Executor executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /**
   * Watches an attempt's worker.
   *
   * @param attempt the attempt
   * @param worker its worker
   */
  public void register(AttemptId attempt, ProcessRef worker) {
    CompletableFuture<ProcessExit> exit;
    try {
      exit = probe.onExit(worker);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot watch the exit of worker of " + attempt, e);
      return;
    }
    CompletableFuture<ProcessExit> previous =
        registrations
            .computeIfAbsent(attempt.runId(), k -> new ConcurrentHashMap<>())
            .put(attempt, exit);
    if (previous != null) {
      previous.cancel(false);
    }
    try {
      CompletableFuture<ProcessExit> unused =
          exit.whenCompleteAsync((e, error) -> fired(attempt, worker, exit, e, error), executor);
    } catch (RejectedExecutionException e) {
      // Closing: nothing will be repaired by this session any more.
      unregister(attempt);
    }
  }

  private void fired(
      AttemptId attempt,
      ProcessRef worker,
      CompletableFuture<ProcessExit> exit,
      @Nullable ProcessExit result,
      @Nullable Throwable error) {
    Map<AttemptId, CompletableFuture<ProcessExit>> ofRun = registrations.get(attempt.runId());
    boolean current = ofRun != null && ofRun.remove(attempt, exit);
    if (error != null) {
      Throwable cause =
          error instanceof CompletionException && error.getCause() != null
              ? error.getCause()
              : error;
      if (!(cause instanceof CancellationException)) {
        LOG.log(Level.WARNING, "exit watch of worker of " + attempt + " failed", cause);
      }
      return;
    }
    if (!current || result == null) {
      return;
    }
    try {
      repair.repair(
          attempt,
          worker,
          TaskRepair.WORKER_EXIT,
          // A worker that is not this JVM's child is seen dead by a probe, with no exit code: it
          // has no exit class (DESIGN section 8), rather than a guessed PROTOCOL_EXIT.
          result.exitCode() == null ? null : ExitClassifier.classifyExitCode(result.exitCode()),
          TaskRepair.WORKER_EXIT);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "repair after the exit of worker of " + attempt + " failed", e);
    }
  }

  /**
   * Returns whether an exit watch of the attempt's worker is registered and has not fired yet.
   *
   * @param attempt the attempt
   * @return whether the attempt's worker is watched
   */
  public boolean isWatching(AttemptId attempt) {
    Map<AttemptId, CompletableFuture<ProcessExit>> ofRun = registrations.get(attempt.runId());
    return ofRun != null && ofRun.containsKey(attempt);
  }

  /**
   * Stops watching an attempt's worker.
   *
   * @param attempt the attempt
   */
  public void unregister(AttemptId attempt) {
    Map<AttemptId, CompletableFuture<ProcessExit>> ofRun = registrations.get(attempt.runId());
    if (ofRun == null) {
      return;
    }
    CompletableFuture<ProcessExit> f = ofRun.remove(attempt);
    if (f != null) {
      f.cancel(false);
    }
  }

  /**
   * Ends the registrations of a run whose attempts are no longer the current attempt of a RUNNING
   * or WAITING task in a committed snapshot.
   *
   * @param snapshot the committed snapshot
   */
  public void reconcile(RunSnapshot snapshot) {
    Map<AttemptId, CompletableFuture<ProcessExit>> ofRun = registrations.get(snapshot.runId());
    if (ofRun == null) {
      return;
    }
    List<AttemptId> ended = new ArrayList<>();
    for (AttemptId attempt : ofRun.keySet()) {
      Optional<TaskState> task = snapshot.task(attempt.taskId());
      boolean watched =
          !snapshot.status().isTerminal()
              && task.isPresent()
              && !task.get().status().isTerminal()
              && task.get().currentAttempt().map(Attempt::id).map(attempt::equals).orElse(false);
      if (!watched) {
        ended.add(attempt);
      }
    }
    ended.forEach(this::unregister);
  }

  /** Ends every registration. */
  public void cancelAll() {
    for (Map<AttemptId, CompletableFuture<ProcessExit>> ofRun : registrations.values()) {
      for (AttemptId a : new ArrayList<>(ofRun.keySet())) {
        unregister(a);
      }
    }
    registrations.clear();
  }

  /** Returns how many workers are watched. */
  public int size() {
    int n = 0;
    for (Map<AttemptId, CompletableFuture<ProcessExit>> ofRun : registrations.values()) {
      n += ofRun.size();
    }
    return n;
  }
}
