package dev.crewrecovery.testkit;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.core.RecoveryConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The invariants of DESIGN sections 7 and 8 that a {@link Simulation} checks after every action of
 * a single host. Each factory gives a fresh instance per execution.
 *
 * <ul>
 *   <li>{@value #TERMINAL_RUN}: once a run's snapshot is terminal, it never changes (the schedules
 *       make no explicit retry, resume or redrive);
 *   <li>{@value #TERMINAL_TASK}: once a task is terminal, it never changes;
 *   <li>{@value #NO_LIVE_WORKER_FAILED}: an attempt is failed only when the driver ended its worker
 *       (killed, recycled); a worker that is alive, paused or unknown is never failed, and the
 *       engine terminates only workers whose attempt has its result (the orphans of a repair on
 *       process evidence; the schedules record no runner and do not enable KILL_STALE);
 *   <li>{@value #RESULT_WINS}: an attempt with a result is never failed, and a task whose current
 *       attempt has a result is never FAILED;
 *   <li>{@value #DEAD_REPAIRED}: an attempt whose worker the driver ended without a result stops
 *       being the current RUNNING attempt of its task within one recovery scan plus one grace
 *       window (the dead threshold) plus two watcher intervals of the host being up.
 * </ul>
 */
public final class SimulationInvariants {

  /** Name of the invariant: a terminal run is never modified. */
  public static final String TERMINAL_RUN = "terminal run never modified";

  /** Name of the invariant: a terminal task never changes. */
  public static final String TERMINAL_TASK = "terminal task never changed";

  /** Name of the invariant: no live worker's attempt is failed. */
  public static final String NO_LIVE_WORKER_FAILED = "no live worker failed";

  /** Name of the invariant: a result of the current attempt wins. */
  public static final String RESULT_WINS = "result wins";

  /** Name of the invariant: dead workers are repaired in time. */
  public static final String DEAD_REPAIRED = "dead workers repaired in time";

  private SimulationInvariants() {}

  /**
   * Returns the standard invariants by name, in the order they are checked.
   *
   * @return name to factory
   */
  public static Map<String, Supplier<? extends Simulation.Invariant>> standard() {
    Map<String, Supplier<? extends Simulation.Invariant>> out = new LinkedHashMap<>();
    out.put(TERMINAL_RUN, TerminalRuns::new);
    out.put(TERMINAL_TASK, TerminalTasks::new);
    out.put(NO_LIVE_WORKER_FAILED, () -> SimulationInvariants::noLiveWorkerFailed);
    out.put(RESULT_WINS, () -> SimulationInvariants::resultWins);
    out.put(DEAD_REPAIRED, DeadRepaired::new);
    return out;
  }

  private static List<RunSnapshot> snapshots(ManualDriver d) {
    return d.store().allRuns().stream().flatMap(id -> d.snapshot(id).stream()).toList();
  }

  private static final class TerminalRuns implements Simulation.Invariant {
    private final Map<RunId, RunSnapshot> terminal = new HashMap<>();

    @Override
    public void check(ManualDriver d, int step, Simulation.Action action) {
      for (RunSnapshot s : snapshots(d)) {
        RunSnapshot first = terminal.get(s.runId());
        if (first != null && !first.equals(s)) {
          throw new AssertionError(
              "run " + s.runId() + " was terminal as " + first + " and became " + s);
        }
        if (first == null && s.manifest().status().isTerminal()) {
          terminal.put(s.runId(), s);
        }
      }
    }
  }

  private static final class TerminalTasks implements Simulation.Invariant {
    private final Map<String, TaskState> terminal = new HashMap<>();

    @Override
    public void check(ManualDriver d, int step, Simulation.Action action) {
      for (RunSnapshot s : snapshots(d)) {
        for (TaskState t : s.tasks()) {
          String key = s.runId() + "/" + t.id();
          TaskState first = terminal.get(key);
          if (first != null && !first.equals(t)) {
            throw new AssertionError(
                "task " + key + " was terminal as " + first + " and became " + t);
          }
          if (first == null && t.status().isTerminal()) {
            terminal.put(key, t);
          }
        }
      }
    }
  }

  private static void noLiveWorkerFailed(ManualDriver d, int step, Simulation.Action action) {
    Set<ProcessRef> ended = new HashSet<>(d.endedWorkers());
    for (RunSnapshot s : snapshots(d)) {
      for (TaskState t : s.tasks()) {
        for (Attempt a : t.attempts()) {
          if (a.failure() != null && (a.worker() == null || !ended.contains(a.worker()))) {
            throw new AssertionError(
                "attempt "
                    + a.id()
                    + " was failed ("
                    + a.failure()
                    + ") but its worker "
                    + a.worker()
                    + " probes "
                    + (a.worker() == null ? "nothing" : d.probe().peek(a.worker()))
                    + " and was never ended by the driver");
          }
        }
      }
    }
    // Without a runner, a run is PROCESS_DEAD only when no task is live, so the only orphans a
    // repair on process evidence may terminate are workers whose attempt already has its result.
    Map<ProcessRef, Attempt> byWorker = new HashMap<>();
    for (RunSnapshot s : snapshots(d)) {
      for (TaskState t : s.tasks()) {
        for (Attempt a : t.attempts()) {
          if (a.worker() != null) {
            byWorker.put(a.worker(), a);
          }
        }
      }
    }
    for (FakeProcessProbe.Termination term : d.probe().terminations()) {
      Attempt a = byWorker.get(term.ref());
      if (a == null || a.result() == null) {
        throw new AssertionError(
            "the engine terminated worker "
                + term.ref()
                + " of attempt "
                + a
                + " without a result");
      }
    }
  }

  private static void resultWins(ManualDriver d, int step, Simulation.Action action) {
    for (RunSnapshot s : snapshots(d)) {
      for (TaskState t : s.tasks()) {
        for (Attempt a : t.attempts()) {
          if (a.result() != null && a.failure() != null) {
            throw new AssertionError(
                "attempt " + a.id() + " has a result and was failed: " + a.failure());
          }
        }
        if (t.hasCurrentResult() && t.status() == TaskStatus.FAILED) {
          throw new AssertionError(
              "task " + s.runId() + "/" + t.id() + " is FAILED with a result of its attempt");
        }
      }
    }
  }

  private static final class DeadRepaired implements Simulation.Invariant {
    private final Map<AttemptId, Long> deathSeen = new HashMap<>();
    private long upSince;
    private int starts = -1;
    private boolean wasUp;

    @Override
    public void check(ManualDriver d, int step, Simulation.Action action) {
      long now = d.clock().monotonicNanos();
      boolean up = d.hostUp();
      if (!up) {
        wasUp = false;
        return;
      }
      if (!wasUp || d.starts() != starts || action instanceof Simulation.PauseHost) {
        // The host (re)started or woke: its first pass is due at once; count from here.
        upSince = now;
      }
      wasUp = true;
      starts = d.starts();
      RecoveryConfig c = d.config();
      long allowed =
          c.scanInterval()
              .plus(c.heartbeatDead())
              .plus(c.watcherInterval().multipliedBy(2))
              .toNanos();
      Set<ProcessRef> ended = new HashSet<>(d.endedWorkers());
      Map<AttemptId, ProcessRef> spawned = d.spawnedWorkers();
      for (RunSnapshot s : snapshots(d)) {
        for (TaskState t : s.tasks()) {
          Attempt a = t.currentAttempt().orElse(null);
          if (a == null
              || t.status() != TaskStatus.RUNNING
              || a.result() != null
              || !ended.contains(spawned.get(a.id()))) {
            continue;
          }
          long seen = deathSeen.computeIfAbsent(a.id(), k -> now);
          long from = Math.max(seen, upSince);
          if (now - from > allowed) {
            throw new AssertionError(
                "the worker of "
                    + a.id()
                    + " ended "
                    + Duration.ofNanos(now - seen)
                    + " ago (host up for "
                    + Duration.ofNanos(now - upSince)
                    + ") and task "
                    + t.id()
                    + " is still RUNNING that attempt; allowed "
                    + Duration.ofNanos(allowed));
          }
        }
      }
    }
  }
}
