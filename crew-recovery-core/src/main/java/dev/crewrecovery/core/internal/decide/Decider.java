package dev.crewrecovery.core.internal.decide;

import dev.crewrecovery.api.ApprovalMarker;
import dev.crewrecovery.api.ApprovalState;
import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Lease;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.api.WaitMarker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The decision function of DESIGN section 7: one pure function from evidence to a verdict, used by
 * every caller that judges a run (recovery loop, {@code plan()}, the re-decision inside {@code
 * RunStore.update}, the watcher's owner-side repairs). Stateless and thread-safe.
 *
 * <p>Steps are tried in order, first match wins: 0 terminal; 1 intentional wait; 2 result evidence;
 * 3 a dead runner; 4 the task classes of a runner-less run; 5 a live runner with nothing moving; 6
 * healthy. Ages are {@code now − instant} and never negative (a future instant is fresh); "older
 * than" is strict and "within" inclusive (DESIGN section 9).
 *
 * <p>Inside a grace window every judgment that rests on an age alone is deferred: a wait marker
 * that would shield but for its age, a stale task, a remote death by lease age, abandonment and
 * runner staleness give {@link VerdictKind#DEFERRED}. Process evidence and result evidence never
 * are: dead workers still get task-level repair under a DEFERRED verdict.
 */
public final class Decider {

  private Decider() {}

  /**
   * Decides what {@code evidence} says about its run at {@code now}.
   *
   * @param evidence the snapshot, observations, keyed probe results, leases and log instants
   * @param now the wall time of the decision, from the configured clock
   * @param time the state of time-discontinuity detection
   * @param policy the thresholds
   * @return the verdict; equal arguments give an equal verdict, and the verdict kind does not
   *     depend on the order of the run's tasks
   * @throws NullPointerException if an argument is null
   */
  public static Verdict decide(
      Evidence evidence, Instant now, TimeState time, DecisionPolicy policy) {
    Objects.requireNonNull(evidence, "evidence");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(policy, "policy");
    RunSnapshot snapshot = evidence.snapshot();
    Manifest manifest = snapshot.manifest();
    boolean grace = time.graceWindowOpen();

    ProcessRef runnerRef = manifest.runner();
    ProcessJudgment runner =
        runnerRef == null
            ? null
            : judge(
                runnerRef,
                evidence.runnerProbe(runnerRef, manifest.epoch()),
                manifest.runnerVouchedBy(),
                evidence,
                now,
                policy);
    List<TaskEvidence> tasks = new ArrayList<>(snapshot.tasks().size());
    for (TaskState task : snapshot.tasks()) {
      tasks.add(classify(task, evidence, now, grace, policy));
    }
    Duration manifestAge = Ages.age(manifest.updatedAt(), now);
    Instant lastMove = null;
    for (TaskEvidence t : tasks) {
      lastMove = later(lastMove, t.lastLifeAt());
    }
    if (runner != null && runner.isAliveOrUnknown()) {
      // The runner's log is run activity only while the runner may live.
      lastMove = later(lastMove, evidence.runnerLogGrowth());
    }
    Duration lastMoveAge = lastMove == null ? null : Ages.age(lastMove, now);
    Context ctx = new Context(tasks, runner, manifestAge, lastMoveAge);

    // Step 0.
    RunStatus status = manifest.status();
    if (status.isTerminal()) {
      return ctx.verdict(Rule.RUN_TERMINAL, null, Repair.NONE, null, List.of());
    }

    // Step 1. The approval marker never expires; wait markers expire by age and deadline.
    ApprovalMarker approval = manifest.approval();
    if (status == RunStatus.BLOCKED
        && approval != null
        && approval.state() == ApprovalState.PENDING) {
      return ctx.verdict(Rule.APPROVAL_PENDING, null, Repair.NONE, null, List.of());
    }
    TaskId shieldedButForAge = null;
    for (TaskState task : snapshot.tasks()) {
      WaitMarker marker = task.waitMarker();
      if (task.status() != TaskStatus.WAITING || marker == null) {
        continue;
      }
      Instant deadline = marker.deadline();
      if (deadline != null && now.isAfter(deadline)) {
        continue;
      }
      if (Ages.age(marker.askedAt(), now).compareTo(policy.waitMarkerMaxAge()) <= 0) {
        return ctx.verdict(Rule.WAIT_MARKER_FRESH, null, Repair.NONE, null, List.of(task.id()));
      }
      if (shieldedButForAge == null) {
        shieldedButForAge = task.id();
      }
    }
    if (grace && shieldedButForAge != null) {
      return ctx.verdict(
          Rule.WAIT_MARKER_AGE_DEFERRED,
          VerdictKind.WAITING_ANSWER,
          Repair.NONE,
          null,
          List.of(shieldedButForAge));
    }

    // Step 2. Result evidence beats process evidence and is never deferred.
    if (!tasks.isEmpty() && tasks.stream().allMatch(Decider::settled)) {
      RunStatus derived = derivedRunStatus(snapshot.tasks());
      if (status == RunStatus.BLOCKED && derived == RunStatus.COMPLETED) {
        return ctx.verdict(
            Rule.RESULTS_READY_BLOCKED, null, Repair.PROPOSE_DIAGNOSE, derived, List.of());
      }
      return ctx.verdict(Rule.RESULTS_COMPLETE, null, Repair.FINALIZE, derived, List.of());
    }

    // Step 3. A fresh heartbeat never overrides a dead runner.
    if (runner != null && runner.isDead()) {
      if (grace && runner.restsOnLeaseAge()) {
        return ctx.verdict(
            Rule.RUNNER_REMOTE_DEATH_DEFERRED,
            VerdictKind.PROCESS_DEAD,
            Repair.NONE,
            null,
            List.of());
      }
      return ctx.verdict(Rule.RUNNER_DEAD, null, Repair.REPAIR, null, List.of());
    }

    // Step 4.
    if (runner == null) {
      return runnerless(ctx, grace, time, now, policy);
    }

    // Step 5. An unprobed runner on this host is neither alive nor dead: step 6.
    if (runner.isAliveOrUnknown()
        && manifestAge.compareTo(policy.runnerStaleness()) > 0
        && (lastMoveAge == null || lastMoveAge.compareTo(policy.runnerStaleness()) > 0)) {
      if (grace) {
        return ctx.verdict(
            Rule.RUNNER_STALENESS_DEFERRED,
            VerdictKind.ALIVE_BUT_STALE,
            Repair.NONE,
            null,
            List.of());
      }
      return ctx.verdict(
          Rule.RUNNER_ALIVE_BUT_STALE, null, run24hRepair(time, now, policy), null, List.of());
    }

    // Step 6.
    return ctx.verdict(Rule.HEALTHY, null, Repair.NONE, null, List.of());
  }

  /** Step 4: no runner recorded; the task classes decide, first match. */
  private static Verdict runnerless(
      Context ctx, boolean grace, TimeState time, Instant now, DecisionPolicy policy) {
    Repair taskRepair = ctx.deadTasks.isEmpty() ? Repair.NONE : Repair.TASK_REPAIR;
    List<TaskId> live = ctx.ofClass(TaskClass.LIVE);
    if (!live.isEmpty()) {
      return ctx.verdict(Rule.LIVE_TASK, null, taskRepair, null, live);
    }
    List<TaskId> deferred = new ArrayList<>();
    boolean anyDead = false;
    for (TaskEvidence t : ctx.tasks) {
      if (t.deferred()) {
        deferred.add(t.task());
      }
      anyDead |= t.taskClass() == TaskClass.DEAD;
    }
    if (!deferred.isEmpty()) {
      // Without the deferred age judgments the run might have a live task (ACTIVE), so no
      // run-level repair; dead workers on process evidence still get task-level repair.
      return ctx.verdict(
          Rule.TASK_AGE_DEFERRED,
          anyDead ? VerdictKind.PROCESS_DEAD : VerdictKind.STALE_NO_PROCESS,
          taskRepair,
          null,
          deferred);
    }
    if (!ctx.deadTasks.isEmpty()) {
      return ctx.verdict(Rule.DEAD_TASK, null, Repair.REPAIR, null, ctx.deadTasks);
    }
    List<TaskId> stale = ctx.ofClass(TaskClass.STALE);
    if (!stale.isEmpty()) {
      return ctx.verdict(Rule.STALE_TASK, null, Repair.REPAIR, null, stale);
    }
    if (ctx.manifestAge.compareTo(policy.abandonment()) > 0) {
      if (grace) {
        return ctx.verdict(
            Rule.ABANDONMENT_DEFERRED, VerdictKind.ABANDONED, Repair.NONE, null, List.of());
      }
      return ctx.verdict(
          Rule.MANIFEST_ABANDONED, null, run24hRepair(time, now, policy), null, List.of());
    }
    return ctx.verdict(Rule.NOTHING_TO_JUDGE, null, Repair.NONE, null, List.of());
  }

  private static Repair run24hRepair(TimeState time, Instant now, DecisionPolicy policy) {
    return time.onlyProposes24hRepairs(now, policy) ? Repair.PROPOSE_REPAIR : Repair.REPAIR;
  }

  private static boolean settled(TaskEvidence t) {
    return t.taskClass() == TaskClass.TERMINAL || t.taskClass() == TaskClass.HAS_RESULT;
  }

  /** Judges one process: by its probe on this host, by probe and lease on another. */
  private static ProcessJudgment judge(
      ProcessRef ref,
      @Nullable Liveness probe,
      @Nullable SessionId vouchedBy,
      Evidence evidence,
      Instant now,
      DecisionPolicy policy) {
    if (ref.host().equalsIgnoreCase(policy.localHost())) {
      // No lease ever overrides what a local probe says.
      return probe == null
          ? new ProcessJudgment(ref, vouchedBy, null, null, ProcessJudgment.Basis.UNPROBED, false)
          : new ProcessJudgment(ref, vouchedBy, probe, probe, ProcessJudgment.Basis.PROBE, false);
    }
    if (probe != null && probe != Liveness.UNKNOWN) {
      // A probe that can see another host is taken at its word.
      return new ProcessJudgment(ref, vouchedBy, probe, probe, ProcessJudgment.Basis.PROBE, false);
    }
    // Probing another host can only answer UNKNOWN, so an unprobed remote ref is UNKNOWN too.
    if (vouchedBy == null) {
      return new ProcessJudgment(
          ref,
          null,
          probe,
          Liveness.UNKNOWN,
          ProcessJudgment.Basis.REMOTE_NO_VOUCHING_SESSION,
          false);
    }
    Lease lease = evidence.lease(vouchedBy);
    if (lease == null) {
      return new ProcessJudgment(
          ref, vouchedBy, probe, Liveness.UNKNOWN, ProcessJudgment.Basis.REMOTE_NO_LEASE, false);
    }
    if (lease.released()) {
      return new ProcessJudgment(
          ref, vouchedBy, probe, Liveness.DEAD, ProcessJudgment.Basis.REMOTE_LEASE_EXPIRED, false);
    }
    if (lease.isExpiredAt(now, policy.leaseDuration())) {
      return new ProcessJudgment(
          ref, vouchedBy, probe, Liveness.DEAD, ProcessJudgment.Basis.REMOTE_LEASE_EXPIRED, true);
    }
    return new ProcessJudgment(
        ref, vouchedBy, probe, Liveness.UNKNOWN, ProcessJudgment.Basis.REMOTE_LEASE_LIVE, false);
  }

  /** Classifies one task (step 4) and gathers its evidence, whatever step fires. */
  private static TaskEvidence classify(
      TaskState task, Evidence evidence, Instant now, boolean grace, DecisionPolicy policy) {
    Attempt current = task.currentAttempt().orElse(null);
    AttemptId attemptId = current == null ? null : current.id();
    ProcessJudgment worker = null;
    if (current != null) {
      ProcessRef ref = current.worker();
      if (ref != null) {
        worker =
            judge(
                ref,
                evidence.workerProbe(current.id(), ref),
                current.vouchedBy(),
                evidence,
                now,
                policy);
      }
    }

    TaskObservation observation = evidence.observations().get(task.id());
    if (observation != null && !observation.attempt().equals(attemptId)) {
      observation = null; // a slot of a non-current attempt says nothing about this one
    }
    boolean ended = observation != null && observation.ended();
    boolean hasTimestamp =
        task.lastSeenAt() != null
            || task.lastActivityAt() != null
            || (observation != null
                && (observation.lastSeenAt() != null || observation.lastActivityAt() != null));
    Instant lastLifeAt = null;
    if (!ended) {
      lastLifeAt = later(task.lastSeenAt(), task.lastActivityAt());
      if (observation != null) {
        lastLifeAt = later(lastLifeAt, observation.lastSeenAt());
        lastLifeAt = later(lastLifeAt, observation.lastActivityAt());
      }
    }
    Instant logGrowth = evidence.taskLogGrowth().get(task.id());
    if (logGrowth != null && worker != null && worker.isAliveOrUnknown()) {
      // A growing log is activity only while its process may live, never for a dead one.
      lastLifeAt = later(lastLifeAt, logGrowth);
      hasTimestamp = true;
    }
    Duration lifeAge = lastLifeAt == null ? null : Ages.age(lastLifeAt, now);

    TaskClass taskClass;
    boolean deferred = false;
    ClassReason reason;
    if (task.status().isTerminal()) {
      taskClass = TaskClass.TERMINAL;
      reason = ClassReason.TERMINAL;
    } else if (task.status() == TaskStatus.QUEUED) {
      taskClass = TaskClass.QUEUED;
      reason = ClassReason.QUEUED;
    } else if (task.hasCurrentResult()) {
      taskClass = TaskClass.HAS_RESULT;
      reason = ClassReason.HAS_RESULT;
    } else if (worker != null && worker.isDead()) {
      // Process evidence of death comes first: no heartbeat or log overrides it.
      taskClass = TaskClass.DEAD;
      deferred = grace && worker.restsOnLeaseAge();
      reason = ClassReason.WORKER_DEAD;
    } else if (worker != null && worker.isAliveOrUnknown()) {
      taskClass = TaskClass.LIVE;
      reason = ClassReason.WORKER_ALIVE_OR_UNKNOWN;
    } else if (lifeAge != null && lifeAge.compareTo(policy.activityWindow()) <= 0) {
      taskClass = TaskClass.LIVE;
      reason = ClassReason.RECENT_LIFE;
    } else if (hasTimestamp) {
      taskClass = TaskClass.STALE;
      deferred = grace;
      reason = ended ? ClassReason.WORKER_ENDED : ClassReason.OLD_LIFE;
    } else {
      taskClass = TaskClass.SILENT;
      reason = ClassReason.NO_EVIDENCE;
    }
    return new TaskEvidence(
        task.id(),
        task.status(),
        attemptId,
        taskClass,
        worker,
        lastLifeAt,
        lifeAge,
        hasTimestamp,
        deferred,
        reason);
  }

  private static @Nullable Instant later(@Nullable Instant a, @Nullable Instant b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.isAfter(b) ? a : b;
  }

  /**
   * Returns the status a run derives from its settled tasks (DESIGN section 7, step 2): FAILED if
   * any task is FAILED or NEEDS_ATTENTION, else CANCELLED if every task is CANCELLED or SKIPPED,
   * else COMPLETED. A RUNNING or WAITING task with a result of its current attempt counts as the
   * COMPLETED task finalizing makes of it. Pure and thread-safe.
   *
   * @param tasks the run's tasks, each terminal or RUNNING/WAITING with a result of its current
   *     attempt
   * @return the derived status; COMPLETED for an empty list
   * @throws IllegalArgumentException if a task is neither terminal nor holding such a result
   */
  public static RunStatus derivedRunStatus(List<TaskState> tasks) {
    List<TaskStatus> statuses = new ArrayList<>(tasks.size());
    for (TaskState t : tasks) {
      if (t.status().isTerminal()) {
        statuses.add(t.status());
      } else if ((t.status() == TaskStatus.RUNNING || t.status() == TaskStatus.WAITING)
          && t.hasCurrentResult()) {
        statuses.add(TaskStatus.COMPLETED);
      } else {
        throw new IllegalArgumentException(
            "task "
                + t.id()
                + " is "
                + t.status()
                + " without a result of its current attempt; a run's status derives only from"
                + " terminal tasks and RUNNING/WAITING tasks with such a result");
      }
    }
    return derivedRunStatusOf(statuses);
  }

  /**
   * Returns the status a run derives from terminal task statuses: FAILED if any is FAILED or
   * NEEDS_ATTENTION, else CANCELLED if every one is CANCELLED or SKIPPED, else COMPLETED. Pure and
   * thread-safe.
   *
   * @param statuses terminal task statuses
   * @return the derived status; COMPLETED for an empty collection
   * @throws IllegalArgumentException if a status is not terminal
   */
  public static RunStatus derivedRunStatusOf(Collection<TaskStatus> statuses) {
    boolean failed = false;
    boolean allCancelledOrSkipped = !statuses.isEmpty();
    for (TaskStatus s : statuses) {
      if (!s.isTerminal()) {
        throw new IllegalArgumentException(
            "a run's status derives only from terminal task statuses, got " + s);
      }
      failed |= s == TaskStatus.FAILED || s == TaskStatus.NEEDS_ATTENTION;
      allCancelledOrSkipped &= s == TaskStatus.CANCELLED || s == TaskStatus.SKIPPED;
    }
    if (failed) {
      return RunStatus.FAILED;
    }
    return allCancelledOrSkipped ? RunStatus.CANCELLED : RunStatus.COMPLETED;
  }

  /** The evidence every verdict of one decision shares. */
  private static final class Context {
    final List<TaskEvidence> tasks;
    final @Nullable ProcessJudgment runner;
    final Duration manifestAge;
    final @Nullable Duration lastMoveAge;
    final List<TaskId> deadTasks = new ArrayList<>();
    final Map<TaskId, ProcessRef> aliveWorkers = new LinkedHashMap<>();
    final Map<TaskId, ProcessRef> unknownWorkers = new LinkedHashMap<>();

    Context(
        List<TaskEvidence> tasks,
        @Nullable ProcessJudgment runner,
        Duration manifestAge,
        @Nullable Duration lastMoveAge) {
      this.tasks = tasks;
      this.runner = runner;
      this.manifestAge = manifestAge;
      this.lastMoveAge = lastMoveAge;
      for (TaskEvidence t : tasks) {
        if (t.taskClass() == TaskClass.DEAD && !t.deferred()) {
          deadTasks.add(t.task());
        }
        ProcessJudgment w = t.worker();
        boolean running = t.status() == TaskStatus.RUNNING || t.status() == TaskStatus.WAITING;
        if (running && w != null && w.liveness() == Liveness.ALIVE) {
          aliveWorkers.put(t.task(), w.ref());
        } else if (running && w != null && w.liveness() == Liveness.UNKNOWN) {
          unknownWorkers.put(t.task(), w.ref());
        }
      }
    }

    /** Returns the tasks of a class whose judgment is not deferred. */
    List<TaskId> ofClass(TaskClass taskClass) {
      List<TaskId> out = new ArrayList<>();
      for (TaskEvidence t : tasks) {
        if (t.taskClass() == taskClass && !t.deferred()) {
          out.add(t.task());
        }
      }
      return out;
    }

    Verdict verdict(
        Rule rule,
        @Nullable VerdictKind deferredKind,
        Repair repair,
        @Nullable RunStatus derivedStatus,
        List<TaskId> firedBy) {
      return new Verdict(
          rule.kind(),
          rule,
          deferredKind,
          repair,
          derivedStatus,
          firedBy,
          manifestAge,
          lastMoveAge,
          tasks,
          runner,
          deadTasks,
          aliveWorkers,
          unknownWorkers);
    }
  }
}
