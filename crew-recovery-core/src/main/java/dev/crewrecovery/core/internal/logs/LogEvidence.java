package dev.crewrecovery.core.internal.logs;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.core.internal.decide.Evidence;
import dev.crewrecovery.core.internal.decide.ProcessJudgment;
import dev.crewrecovery.core.internal.decide.TaskEvidence;
import dev.crewrecovery.core.internal.decide.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Gathers the log evidence of one run, outside any exclusion, next to the probes it depends on
 * (DESIGN section 5, "Logs"; the seed rule "verify PID liveness and the background log before
 * declaring a run stuck"):
 *
 * <ul>
 *   <li>for a process of this host that probes ALIVE or UNKNOWN, the instant its log was last seen
 *       growing, when that is within the activity window (inclusive): activity of its task (the
 *       runner's log: run activity). Never for a process that probes DEAD or RECYCLED, and the
 *       decision function ignores it for such a process anyway;
 *   <li>for a process of this host that probes DEAD or RECYCLED, the bounded, redacted tail of its
 *       log, which the repair's failure carries ({@link Gathered#withTails}).
 * </ul>
 *
 * <p>Logs of processes on other hosts are never read: the same path on this host is another file.
 * Keyed by attempt (and for the runner by its ref), so evidence about one attempt never speaks for
 * the next. Thread-safe.
 */
public final class LogEvidence {

  /**
   * The log evidence of one run.
   *
   * @param taskGrowth per attempt, the last growth of its worker's log within the activity window
   * @param runner the runner the runner entries are about, or null
   * @param runnerGrowth the last growth of the runner's log within the window, or null
   * @param tails per attempt whose worker probed DEAD or RECYCLED, its log's tail
   * @param runnerTail the tail of the log of a runner that probed DEAD or RECYCLED, or null
   */
  public record Gathered(
      Map<AttemptId, Instant> taskGrowth,
      @Nullable ProcessRef runner,
      @Nullable Instant runnerGrowth,
      Map<AttemptId, String> tails,
      @Nullable String runnerTail) {

    /** Nothing gathered. */
    public static final Gathered NONE = new Gathered(Map.of(), null, null, Map.of(), null);

    /** Copies the maps. */
    public Gathered {
      taskGrowth = Map.copyOf(taskGrowth);
      tails = Map.copyOf(tails);
    }

    /**
     * Adds the growth instants that still concern {@code s} (the task's current attempt, the
     * manifest's runner) to evidence about it.
     *
     * @param b the evidence being built
     * @param s the snapshot it is about (the listed one, or the fresh one inside an update)
     */
    public void addTo(Evidence.Builder b, RunSnapshot s) {
      for (TaskState task : s.tasks()) {
        Attempt current = task.currentAttempt().orElse(null);
        Instant at = current == null ? null : taskGrowth.get(current.id());
        if (at != null) {
          b.taskLogGrowth(task.id(), at);
        }
      }
      if (runnerGrowth != null && Objects.equals(runner, s.manifest().runner())) {
        b.runnerLogGrowth(runnerGrowth);
      }
    }

    /**
     * Puts the log tails into the {@code WORKER_LOST} failures that a repair just recorded on
     * process evidence: an attempt failed in {@code next} (it had no failure in {@code before})
     * gets its worker's tail when the fresh verdict judges that worker dead; when the verdict rests
     * on the runner's death and the worker left no tail, it gets the runner's tail.
     *
     * @param before the snapshot the repair started from
     * @param next the snapshot the repair would commit
     * @param fresh the verdict the repair rests on
     * @return {@code next}, with tails where known
     */
    public RunSnapshot withTails(RunSnapshot before, RunSnapshot next, Verdict fresh) {
      if (tails.isEmpty() && runnerTail == null) {
        return next;
      }
      String runnerTailIfDead = runnerTailIfDead(before, fresh);
      RunSnapshot out = next;
      for (TaskState task : next.tasks()) {
        Attempt last = task.lastAttempt().orElse(null);
        Failure f = last == null ? null : last.failure();
        if (last == null
            || f == null
            || !Failure.WORKER_LOST.equals(f.code())
            || f.logTail() != null
            || !newlyFailed(before, task, last)) {
          continue;
        }
        TaskEvidence ev = fresh.task(task.id()).orElse(null);
        ProcessJudgment worker = ev == null ? null : ev.worker();
        String tail = worker != null && worker.isDead() ? tails.get(last.id()) : null;
        if (tail == null) {
          tail = runnerTailIfDead;
        }
        if (tail == null) {
          continue;
        }
        Failure withTail =
            new Failure(
                f.code(), f.message(), f.exitClass(), f.verdict(), f.heartbeatAge(), tail, f.at());
        out = out.withTask(task.toBuilder().replaceLastAttempt(last.withFailure(withTail)).build());
      }
      return out;
    }

    /** Returns the runner's tail when the verdict judges the recorded runner dead, else null. */
    public @Nullable String runnerTailIfDead(RunSnapshot before, Verdict fresh) {
      ProcessJudgment r = fresh.runner();
      if (runnerTail == null
          || r == null
          || !r.isDead()
          || !Objects.equals(runner, before.manifest().runner())) {
        return null;
      }
      return runnerTail;
    }

    private static boolean newlyFailed(RunSnapshot before, TaskState task, Attempt last) {
      return before
          .task(task.id())
          .flatMap(TaskState::lastAttempt)
          .filter(a -> a.id().equals(last.id()))
          .map(a -> a.failure() == null)
          .orElse(false);
    }
  }

  private final LogActivity activity = new LogActivity();
  private final Duration activityWindow;
  private final Pattern redaction;
  private final String localHost;

  /**
   * Creates the gatherer of one session.
   *
   * @param activityWindow growth at most this old is activity
   * @param redaction the pattern of secrets in tails
   * @param localHost the host name that refs of this host carry
   */
  public LogEvidence(Duration activityWindow, Pattern redaction, String localHost) {
    this.activityWindow = Objects.requireNonNull(activityWindow, "activityWindow");
    this.redaction = Objects.requireNonNull(redaction, "redaction");
    this.localHost = Objects.requireNonNull(localHost, "localHost");
  }

  /**
   * Gathers the log evidence of a run from its probe results.
   *
   * @param s the snapshot
   * @param workerProbes the probe results of the current attempts' workers, by attempt
   * @param runnerProbe the probe result of the manifest's runner, or null when unprobed
   * @param now the wall time of the gathering, from the configured clock
   * @return what was found
   */
  public Gathered gather(
      RunSnapshot s,
      Map<AttemptId, ? extends Map.Entry<ProcessRef, Liveness>> workerProbes,
      @Nullable Liveness runnerProbe,
      Instant now) {
    Map<AttemptId, Instant> growth = new HashMap<>();
    Map<AttemptId, String> tails = new HashMap<>();
    for (TaskState task : s.tasks()) {
      if (task.status() != TaskStatus.RUNNING && task.status() != TaskStatus.WAITING) {
        continue;
      }
      Attempt current = task.currentAttempt().orElse(null);
      if (current == null || current.worker() == null || current.logPath() == null) {
        continue;
      }
      Map.Entry<ProcessRef, Liveness> probed = workerProbes.get(current.id());
      if (probed == null || !probed.getKey().equals(current.worker())) {
        continue;
      }
      Instant grew = growth(current.worker(), current.logPath(), probed.getValue(), now);
      if (grew != null) {
        growth.put(current.id(), grew);
      }
      String tail = tail(current.worker(), current.logPath(), probed.getValue());
      if (tail != null) {
        tails.put(current.id(), tail);
      }
    }
    Manifest m = s.manifest();
    ProcessRef runner = m.runner();
    Instant runnerGrowth = null;
    String runnerTail = null;
    if (runner != null && runnerProbe != null && m.runnerLogPath() != null) {
      runnerGrowth = growth(runner, m.runnerLogPath(), runnerProbe, now);
      runnerTail = tail(runner, m.runnerLogPath(), runnerProbe);
    }
    if (growth.isEmpty() && tails.isEmpty() && runnerGrowth == null && runnerTail == null) {
      return Gathered.NONE;
    }
    return new Gathered(growth, runner, runnerGrowth, tails, runnerTail);
  }

  /**
   * Reads the tail of a dead process's log, for a repair that learns of the death elsewhere (an
   * observed exit, the watcher's probe).
   *
   * @param ref the process
   * @param logPath its log, or null
   * @return the tail, or null when the process is of another host or the log cannot be read
   */
  public @Nullable String tailOfDead(ProcessRef ref, @Nullable String logPath) {
    return tail(ref, logPath, Liveness.DEAD);
  }

  private boolean local(ProcessRef ref) {
    return ref.host().equalsIgnoreCase(localHost);
  }

  private @Nullable Instant growth(ProcessRef ref, String logPath, Liveness probe, Instant now) {
    if (!local(ref) || (probe != Liveness.ALIVE && probe != Liveness.UNKNOWN)) {
      return null;
    }
    Instant grew = activity.lastGrowth(logPath, now);
    if (grew == null) {
      return null;
    }
    Duration age = grew.isAfter(now) ? Duration.ZERO : Duration.between(grew, now);
    return age.compareTo(activityWindow) <= 0 ? grew : null;
  }

  private @Nullable String tail(ProcessRef ref, @Nullable String logPath, Liveness probe) {
    if (logPath == null || !local(ref) || !probe.isDead()) {
      return null;
    }
    return LogTail.read(logPath, redaction);
  }

  /** Returns how many logs the activity tracker remembers. */
  public int remembered() {
    return activity.size();
  }
}
