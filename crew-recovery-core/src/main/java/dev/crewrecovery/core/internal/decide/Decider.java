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
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The decision function of DESIGN section 7: one pure function from evidence to a verdict, used by
 * every caller that judges a run (recovery loop, {@code plan()}, the re-decision inside {@code
 * RunStore.update}, the watcher's owner-side repairs). Stateless and thread-safe.
 *
 * <p>Steps are tried in order, first match wins: 0 terminal; 1 intentional wait; 2 result
 * evidence; 3 a dead runner; 4 the task classes of a runner-less run; 5 a live runner with nothing
 * moving; 6 healthy. Ages are {@code now − instant} and never negative (a future instant is fresh);
 * "older than" is strict and "within" inclusive (DESIGN section 9).
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
    Context ctx = new Context(tasks, runner);

    // Step 0.
    RunStatus status = manifest.status();
    if (status.isTerminal()) {
      return ctx.verdict(Rule.RUN_TERMINAL, "run is " + status, null, Repair.NONE, null);
    }

    // Step 1. The approval marker never expires; wait markers expire by age and deadline.
    ApprovalMarker approval = manifest.approval();
    if (status == RunStatus.BLOCKED
        && approval != null
        && approval.state() == ApprovalState.PENDING) {
      return ctx.verdict(
          Rule.APPROVAL_PENDING,
          "approval asked at " + approval.askedAt() + " is PENDING",
          null,
          Repair.NONE,
          null);
    }
    TaskState shieldedButForAge = null;
    for (TaskState task : snapshot.tasks()) {
      WaitMarker marker = task.waitMarker();
      if (task.status() != TaskStatus.WAITING || marker == null) {
        continue;
      }
      Instant deadline = marker.deadline();
      if (deadline != null && now.isAfter(deadline)) {
        continue;
      }
      Duration age = Ages.age(marker.askedAt(), now);
      if (age.compareTo(policy.waitMarkerMaxAge()) <= 0) {
        return ctx.verdict(
            Rule.WAIT_MARKER_FRESH,
            "task "
                + task.id()
                + " waits for an answer asked "
                + age
                + " ago (at most "
                + policy.waitMarkerMaxAge()
                + ")"
                + (deadline == null ? "" : ", deadline " + deadline),
            null,
            Repair.NONE,
            null);
      }
      if (shieldedButForAge == null) {
        shieldedButForAge = task;
      }
    }
    if (grace && shieldedButForAge != null) {
      WaitMarker marker = Objects.requireNonNull(shieldedButForAge.waitMarker());
      return ctx.verdict(
          Rule.WAIT_MARKER_AGE_DEFERRED,
          "task "
              + shieldedButForAge.id()
              + " waits for an answer asked at "
              + marker.askedAt()
              + "; its age is not judged inside a grace window",
          VerdictKind.WAITING_ANSWER,
          Repair.NONE,
          null);
    }

    // Step 2. Result evidence beats process evidence and is never deferred.
    if (!tasks.isEmpty() && tasks.stream().allMatch(Decider::settled)) {
      RunStatus derived = derivedRunStatus(snapshot.tasks());
      if (status == RunStatus.BLOCKED && derived == RunStatus.COMPLETED) {
        return ctx.verdict(
            Rule.RESULTS_READY_BLOCKED,
            "every task is settled and would complete the run, but it is BLOCKED",
            null,
            Repair.PROPOSE_DIAGNOSE,
            derived);
      }
      return ctx.verdict(
          Rule.RESULTS_COMPLETE,
          "every task is terminal or has a result of its current attempt; derived status "
              + derived,
          null,
          Repair.FINALIZE,
          derived);
    }

    // Step 3. A fresh heartbeat never overrides a dead runner.
    if (runner != null && runner.isDead()) {
      if (grace && runner.restsOnLeaseAge()) {
        return ctx.verdict(
            Rule.RUNNER_REMOTE_DEATH_DEFERRED,
            "runner " + runner.describe() + "; a lease age is not judged inside a grace window",
            VerdictKind.PROCESS_DEAD,
            Repair.NONE,
            null);
      }
      return ctx.verdict(
          Rule.RUNNER_DEAD, "runner " + runner.describe(), null, Repair.REPAIR, null);
    }

    // Step 4.
    if (runner == null) {
      return runnerless(ctx, manifest, now, grace, time, policy);
    }

    // Step 5. An unprobed runner on this host is neither alive nor dead: step 6.
    if (runner.isAliveOrUnknown()) {
      Duration updateAge = Ages.age(manifest.updatedAt(), now);
      Instant lastMove = null;
      for (TaskEvidence t : tasks) {
        lastMove = later(lastMove, t.lastLifeAt());
      }
      lastMove = later(lastMove, evidence.runnerLogGrowth());
      boolean updated = updateAge.compareTo(policy.runnerStaleness()) <= 0;
      boolean moved =
          lastMove != null && Ages.age(lastMove, now).compareTo(policy.runnerStaleness()) <= 0;
      if (!updated && !moved) {
        String why =
            "runner "
                + runner.describe()
                + "; last committed update "
                + updateAge
                + " ago and "
                + (lastMove == null
                    ? "no heartbeat or activity"
                    : "last heartbeat or activity " + Ages.age(lastMove, now) + " ago")
                + ", more than "
                + policy.runnerStaleness();
        if (grace) {
          return ctx.verdict(
              Rule.RUNNER_STALENESS_DEFERRED, why, VerdictKind.ALIVE_BUT_STALE, Repair.NONE, null);
        }
        return ctx.verdict(
            Rule.RUNNER_ALIVE_BUT_STALE, why, null, run24hRepair(time, now, policy), null);
      }
    }

    // Step 6.
    return ctx.verdict(Rule.HEALTHY, "runner " + runner.describe(), null, Repair.NONE, null);
  }

  /** Step 4: no runner recorded; the task classes decide, first match. */
  private static Verdict runnerless(
      Context ctx,
      Manifest manifest,
      Instant now,
      boolean grace,
      TimeState time,
      DecisionPolicy policy) {
    List<TaskEvidence> live = ctx.ofClass(TaskClass.LIVE, false);
    Repair taskRepair = ctx.deadTasks.isEmpty() ? Repair.NONE : Repair.TASK_REPAIR;
    if (!live.isEmpty()) {
      return ctx.verdict(Rule.LIVE_TASK, describe(live), null, taskRepair, null);
    }
    List<TaskEvidence> deferred =
        ctx.tasks.stream().filter(TaskEvidence::deferred).collect(Collectors.toList());
    if (!deferred.isEmpty()) {
      // Without the deferred age judgments the run might have a live task (ACTIVE), so no
      // run-level repair; dead workers on process evidence still get task-level repair.
      boolean anyDead = ctx.tasks.stream().anyMatch(t -> t.taskClass() == TaskClass.DEAD);
      return ctx.verdict(
          Rule.TASK_AGE_DEFERRED,
          describe(deferred) + "; ages are not judged inside a grace window",
          anyDead ? VerdictKind.PROCESS_DEAD : VerdictKind.STALE_NO_PROCESS,
          taskRepair,
          null);
    }
    List<TaskEvidence> dead = ctx.ofClass(TaskClass.DEAD, false);
    if (!dead.isEmpty()) {
      return ctx.verdict(Rule.DEAD_TASK, describe(dead), null, Repair.REPAIR, null);
    }
    List<TaskEvidence> stale = ctx.ofClass(TaskClass.STALE, false);
    if (!stale.isEmpty()) {
      return ctx.verdict(Rule.STALE_TASK, describe(stale), null, Repair.REPAIR, null);
    }
    Duration updateAge = Ages.age(manifest.updatedAt(), now);
    if (updateAge.compareTo(policy.abandonment()) > 0) {
      String why =
          "no live, dead or stale task; last committed update "
              + updateAge
              + " ago, more than "
              + policy.abandonment();
      if (grace) {
        return ctx.verdict(
            Rule.ABANDONMENT_DEFERRED, why, VerdictKind.ABANDONED, Repair.NONE, null);
      }
      return ctx.verdict(
          Rule.MANIFEST_ABANDONED, why, null, run24hRepair(time, now, policy), null);
    }
    return ctx.verdict(
        Rule.NOTHING_TO_JUDGE,
        "no live, dead or stale task; last committed update "
            + updateAge
            + " ago, at most "
            + policy.abandonment(),
        null,
        Repair.NONE,
        null);
  }

  private static Repair run24hRepair(TimeState time, Instant now, DecisionPolicy policy) {
    return time.onlyProposes24hRepairs(now, policy) ? Repair.PROPOSE_REPAIR : Repair.REPAIR;
  }

  private static boolean settled(TaskEvidence t) {
    return t.taskClass() == TaskClass.TERMINAL || t.taskClass() == TaskClass.HAS_RESULT;
  }

  private static String describe(List<TaskEvidence> tasks) {
    return tasks.stream().map(t -> t.task() + ": " + t.reason()).collect(Collectors.joining("; "));
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
    String reason;
    if (task.status().isTerminal()) {
      taskClass = TaskClass.TERMINAL;
      reason = "terminal (" + task.status() + ")";
    } else if (task.status() == TaskStatus.QUEUED) {
      taskClass = TaskClass.QUEUED;
      reason = "queued";
    } else if (task.hasCurrentResult()) {
      taskClass = TaskClass.HAS_RESULT;
      reason = task.status() + " with a result of attempt " + attemptId;
    } else if (worker != null && worker.isDead()) {
      taskClass = TaskClass.DEAD;
      deferred = grace && worker.restsOnLeaseAge();
      reason = "worker " + worker.describe();
    } else if (worker != null && worker.isAliveOrUnknown()) {
      taskClass = TaskClass.LIVE;
      reason = "worker " + worker.describe();
    } else if (lifeAge != null && lifeAge.compareTo(policy.activityWindow()) <= 0) {
      taskClass = TaskClass.LIVE;
      reason =
          "heartbeat or activity "
              + lifeAge
              + " ago, within "
              + policy.activityWindow()
              + workerClause(worker);
    } else if (hasTimestamp) {
      taskClass = TaskClass.STALE;
      deferred = grace;
      reason =
          (ended
                  ? "the worker announced its end"
                  : "heartbeat or activity " + lifeAge + " ago, more than " + policy.activityWindow())
              + workerClause(worker);
    } else {
      taskClass = TaskClass.SILENT;
      reason = "no heartbeat, activity or process evidence" + workerClause(worker);
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

  private static String workerClause(@Nullable ProcessJudgment worker) {
    return worker == null ? ", no worker recorded" : ", worker " + worker.describe();
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
    final List<TaskId> deadTasks = new ArrayList<>();
    final Map<TaskId, ProcessRef> aliveWorkers = new LinkedHashMap<>();
    final Map<TaskId, ProcessRef> unknownWorkers = new LinkedHashMap<>();

    Context(List<TaskEvidence> tasks, @Nullable ProcessJudgment runner) {
      this.tasks = tasks;
      this.runner = runner;
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

    List<TaskEvidence> ofClass(TaskClass taskClass, boolean deferred) {
      List<TaskEvidence> out = new ArrayList<>();
      for (TaskEvidence t : tasks) {
        if (t.taskClass() == taskClass && t.deferred() == deferred) {
          out.add(t);
        }
      }
      return out;
    }

    Verdict verdict(
        Rule rule,
        String why,
        @Nullable VerdictKind deferredKind,
        Repair repair,
        @Nullable RunStatus derivedStatus) {
      return new Verdict(
          rule.kind(),
          rule,
          why,
          deferredKind,
          repair,
          derivedStatus,
          tasks,
          runner,
          deadTasks,
          aliveWorkers,
          unknownWorkers);
    }
  }
}
