package dev.crewrecovery.core.internal.recovery;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.NewEvent;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.ResumeRecord;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.TransitionReason;
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.core.RecoveryAction;
import dev.crewrecovery.core.internal.decide.Decider;
import dev.crewrecovery.core.internal.decide.TaskEvidence;
import dev.crewrecovery.core.internal.decide.Verdict;
import dev.crewrecovery.core.internal.ledger.Events;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * The one repair path of DESIGN section 7, as pure functions from a fresh snapshot and the fresh
 * verdict to the snapshot to commit and its one event. Called inside {@code RunStore.update}; every
 * status change goes through the transition tables ({@code checkMoveTo}), intermediate steps
 * included. Nothing here signals a process or calls a listener.
 */
public final class RunRepair {

  /** The event of a repair, finalization or task-level repair. */
  public static final String RUN_RECONCILED = "run.reconciled";

  /** The event of an adoption. */
  public static final String RUN_ADOPTED = "run.adopted";

  /** The event of a RETRY. */
  public static final String RUN_RETRIED = "run.retried";

  /** The event of a RESUME. */
  public static final String RUN_RESUMED = "run.resumed";

  /** How many RESUMEs a manifest's history keeps. */
  public static final int RESUME_HISTORY_KEPT = 10;

  /** The event of a verdict that differs from the last one recorded for its run. */
  public static final String RUN_VERDICT = "run.verdict";

  /** After the commit: orphan workers terminated, or UNKNOWN ones reported. */
  public static final String RUN_WORKERS_TERMINATED = Events.RUN_WORKERS_TERMINATED;

  /** The {@code by} of every write the recovery loop makes. */
  public static final String BY_RECOVERY = "recovery";

  /**
   * A repair's result.
   *
   * @param next the snapshot to commit (same version as the fresh one)
   * @param event its one event
   */
  public record Result(RunSnapshot next, NewEvent event) {}

  private RunRepair() {}

  /**
   * Repairs a run (FAIL) or finalizes it (FINALIZE), DESIGN section 7: RUNNING/WAITING tasks with a
   * result of their current attempt complete, those without fail with {@code WORKER_LOST}, QUEUED
   * tasks are cancelled, terminal tasks are untouched; the run becomes FAILED (FAIL) or the derived
   * status (FINALIZE, passing through RUNNING where the table requires it).
   *
   * @param fresh the fresh snapshot, not terminal
   * @param verdict the fresh verdict
   * @param action FAIL, KILL_STALE (FAIL whose live processes are terminated after the commit) or
   *     FINALIZE
   * @param now the instant of the repair
   * @param owner the owner to set (null for none)
   * @param epoch the epoch to set
   * @param orphans the workers that will be terminated after the commit, listed in the event
   * @return the change
   * @throws dev.crewrecovery.api.IllegalTransitionException if a table refuses a move
   */
  public static Result repair(
      RunSnapshot fresh,
      Verdict verdict,
      RecoveryAction action,
      Instant now,
      @Nullable Owner owner,
      long epoch,
      Map<TaskId, ProcessRef> orphans) {
    if (action != RecoveryAction.FAIL
        && action != RecoveryAction.FINALIZE
        && action != RecoveryAction.KILL_STALE) {
      throw new IllegalArgumentException(
          "repair applies FAIL, KILL_STALE or FINALIZE, not " + action);
    }
    RunStatus from = fresh.status();
    if (from.isTerminal()) {
      throw new IllegalArgumentException("run " + fresh.runId() + " is terminal; never repaired");
    }
    List<TaskState> tasks = new ArrayList<>(fresh.tasks().size());
    StringJoiner failed = new StringJoiner(",");
    StringJoiner completed = new StringJoiner(",");
    StringJoiner cancelled = new StringJoiner(",");
    for (TaskState task : fresh.tasks()) {
      TaskStatus s = task.status();
      if (s.isTerminal()) {
        tasks.add(task);
      } else if (s == TaskStatus.QUEUED) {
        s.checkMoveTo(from, task.id(), TaskStatus.CANCELLED, TransitionReason.ORDINARY);
        tasks.add(task.toBuilder().status(TaskStatus.CANCELLED).notBefore(null).build());
        cancelled.add(task.id().toString());
      } else if (task.hasCurrentResult()) {
        s.checkMoveTo(from, task.id(), TaskStatus.COMPLETED, TransitionReason.ORDINARY);
        tasks.add(closed(task, TaskStatus.COMPLETED, null, now));
        completed.add(task.id().toString());
      } else {
        s.checkMoveTo(from, task.id(), TaskStatus.FAILED, TransitionReason.ORDINARY);
        tasks.add(
            closed(task, TaskStatus.FAILED, workerLost(task, verdict, verdict.kind(), now), now));
        failed.add(task.id().toString());
      }
    }
    RunStatus target =
        action == RecoveryAction.FINALIZE
            ? Decider.derivedRunStatus(fresh.tasks())
            : RunStatus.FAILED;
    boolean via = false;
    if (!from.canMoveTo(target, TransitionReason.ORDINARY)) {
      from.checkMoveTo(fresh.runId(), RunStatus.RUNNING, TransitionReason.ORDINARY);
      RunStatus.RUNNING.checkMoveTo(fresh.runId(), target, TransitionReason.ORDINARY);
      via = true;
    }
    Manifest m =
        fresh.manifest().toBuilder()
            .status(target)
            .approval(null)
            .owner(owner)
            .epoch(epoch)
            .updatedAt(now)
            .summary(summary(verdict, action))
            .build();
    NewEvent event =
        base(verdict, action, fresh.manifest(), owner, epoch)
            .put("from", from)
            .put("via", via ? RunStatus.RUNNING : null)
            .put("status", target)
            .put("failedTasks", empty(failed))
            .put("completedTasks", empty(completed))
            .put("cancelledTasks", empty(cancelled))
            .put("orphans", orphans.isEmpty() ? null : describe(orphans))
            .put(
                "unknownWorkers",
                verdict.unknownWorkers().isEmpty() ? null : describe(verdict.unknownWorkers()))
            .event(RUN_RECONCILED, now);
    return new Result(new RunSnapshot(fresh.version(), m, tasks), event);
  }

  /**
   * Task-level repair of a run this session does not own (DESIGN section 7): the current attempt of
   * each RUNNING task in {@link Verdict#tasksToRepair()} fails with {@code WORKER_LOST}, no retry
   * is queued and no deadletter entry written; WAITING tasks keep their marker; the run's status is
   * unchanged.
   *
   * @param fresh the fresh snapshot
   * @param verdict the fresh verdict
   * @param now the instant
   * @param owner the owner to set (null for none)
   * @param epoch the epoch to set
   * @return the change, or null when no RUNNING task is to be repaired
   */
  public static @Nullable Result repairTasks(
      RunSnapshot fresh, Verdict verdict, Instant now, @Nullable Owner owner, long epoch) {
    RunSnapshot out = fresh;
    StringJoiner failed = new StringJoiner(",");
    for (TaskId id : verdict.tasksToRepair()) {
      TaskState task = fresh.task(id).orElse(null);
      if (task == null || task.status() != TaskStatus.RUNNING || task.hasCurrentResult()) {
        continue;
      }
      task.status().checkMoveTo(fresh.status(), id, TaskStatus.FAILED, TransitionReason.ORDINARY);
      out =
          out.withTask(
              closed(
                  task,
                  TaskStatus.FAILED,
                  workerLost(task, verdict, VerdictKind.PROCESS_DEAD, now),
                  now));
      failed.add(id.toString());
    }
    if (failed.length() == 0) {
      return null;
    }
    Manifest m = out.manifest().toBuilder().owner(owner).epoch(epoch).updatedAt(now).build();
    NewEvent event =
        base(verdict, RecoveryAction.FAIL, fresh.manifest(), owner, epoch)
            .put("scope", "tasks")
            .put("status", fresh.status())
            .put("failedTasks", failed.toString())
            .event(RUN_RECONCILED, now);
    return new Result(out.withManifest(m), event);
  }

  /**
   * Adopts a run (DESIGN section 7, ownership): epoch + 1, owner := the adopter, one {@code
   * run.adopted} event, nothing else changed ({@code updatedAt} included).
   *
   * @param fresh the fresh snapshot
   * @param verdict the fresh verdict
   * @param adopter the adopting incarnation
   * @param now the instant
   * @return the change
   */
  public static Result adopt(RunSnapshot fresh, Verdict verdict, Owner adopter, Instant now) {
    Manifest before = fresh.manifest();
    long epoch = before.epoch() + 1;
    Manifest m = before.toBuilder().owner(adopter).epoch(epoch).build();
    NewEvent event =
        Events.data()
            .put("previousOwner", before.owner())
            .put("owner", adopter)
            .put("epoch", epoch)
            .put("verdict", verdict.kind())
            .put("by", BY_RECOVERY)
            .event(RUN_ADOPTED, now);
    return new Result(fresh.withManifest(m), event);
  }

  /**
   * RESUME (DESIGN section 8): adopts the run (epoch + 1, owner := the adopter), clears the runner
   * ref, completes the tasks that have a result of their current attempt, requeues the other
   * RUNNING/WAITING tasks (their attempt ends with {@code WORKER_LOST}; the next start creates a
   * new attempt, which the ledger refuses while the previous worker probes ALIVE or UNKNOWN), moves
   * a BLOCKED run to RUNNING, and appends {instant, session, incarnation, epoch} to the resume
   * history (the last {@link #RESUME_HISTORY_KEPT} kept), with one {@code run.resumed} event.
   *
   * @param fresh the fresh snapshot, not terminal and not awaiting approval
   * @param verdict the fresh verdict
   * @param adopter the resuming incarnation
   * @param now the instant
   * @return the change
   */
  public static Result resume(RunSnapshot fresh, Verdict verdict, Owner adopter, Instant now) {
    RunStatus from = fresh.status();
    if (from.isTerminal()) {
      throw new IllegalArgumentException("run " + fresh.runId() + " is terminal; never resumed");
    }
    List<TaskState> tasks = new ArrayList<>(fresh.tasks().size());
    StringJoiner requeued = new StringJoiner(",");
    StringJoiner completed = new StringJoiner(",");
    for (TaskState task : fresh.tasks()) {
      TaskStatus s = task.status();
      if (s != TaskStatus.RUNNING && s != TaskStatus.WAITING) {
        tasks.add(task);
      } else if (task.hasCurrentResult()) {
        s.checkMoveTo(from, task.id(), TaskStatus.COMPLETED, TransitionReason.ORDINARY);
        tasks.add(closed(task, TaskStatus.COMPLETED, null, now));
        completed.add(task.id().toString());
      } else {
        s.checkMoveTo(from, task.id(), TaskStatus.QUEUED, TransitionReason.RESUME);
        TaskState q =
            closed(task, TaskStatus.QUEUED, workerLost(task, verdict, verdict.kind(), now), now);
        tasks.add(q.toBuilder().attemptCurrent(false).build());
        requeued.add(task.id().toString());
      }
    }
    Manifest before = fresh.manifest();
    long epoch = before.epoch() + 1;
    RunStatus to = from;
    if (from == RunStatus.BLOCKED) {
      from.checkMoveTo(fresh.runId(), RunStatus.RUNNING, TransitionReason.RESUME);
      to = RunStatus.RUNNING;
    }
    List<ResumeRecord> history = new ArrayList<>(before.resumeHistory());
    history.add(new ResumeRecord(now, adopter.session(), adopter.incarnation(), epoch));
    while (history.size() > RESUME_HISTORY_KEPT) {
      history.remove(0);
    }
    Manifest m =
        before.toBuilder()
            .status(to)
            .approval(null)
            .owner(adopter)
            .epoch(epoch)
            .runner(null, null, null)
            .resumeHistory(history)
            .updatedAt(now)
            .summary("resumed: " + verdict.kind() + " (" + verdict.why() + ")")
            .build();
    NewEvent event =
        Events.data()
            .put("verdict", verdict.kind())
            .put("rule", verdict.rule())
            .put("why", verdict.why())
            .put("action", RecoveryAction.RESUME)
            .put("by", BY_RECOVERY)
            .put("previousOwner", before.owner())
            .put("owner", adopter)
            .put("epoch", epoch)
            .put("from", from)
            .put("status", to)
            .put("requeuedTasks", empty(requeued))
            .put("completedTasks", empty(completed))
            .put(
                "clearedRunner",
                before.runner() == null
                    ? null
                    : before.runner().pid() + "@" + before.runner().host())
            .event(RUN_RESUMED, now);
    return new Result(new RunSnapshot(fresh.version(), m, tasks), event);
  }

  /**
   * RETRY (DESIGN section 8): requeues every FAILED or CANCELLED task for a new attempt, moves a
   * terminal run to RUNNING (clearing the runner ref of the finished run) and adopts the run (epoch
   * + 1, owner := the retrier), with one {@code run.retried} event. The requeued tasks' attempts
   * are no longer current; the ledger refuses the next start while the previous worker probes ALIVE
   * or UNKNOWN.
   *
   * @param fresh the fresh snapshot
   * @param verdict the fresh verdict
   * @param retrier the retrying incarnation
   * @param now the instant
   * @return the change, or null when no task is FAILED or CANCELLED
   */
  public static @Nullable Result retry(
      RunSnapshot fresh, Verdict verdict, Owner retrier, Instant now) {
    RunStatus from = fresh.status();
    RunSnapshot out = fresh;
    StringJoiner requeued = new StringJoiner(",");
    for (TaskState task : fresh.tasks()) {
      if (task.status() != TaskStatus.FAILED && task.status() != TaskStatus.CANCELLED) {
        continue;
      }
      task.status().checkMoveTo(from, task.id(), TaskStatus.QUEUED, TransitionReason.RETRY);
      out =
          out.withTask(
              task.toBuilder()
                  .status(TaskStatus.QUEUED)
                  .attemptCurrent(false)
                  .waitMarker(null)
                  .notBefore(null)
                  .build());
      requeued.add(task.id().toString());
    }
    if (requeued.length() == 0) {
      return null;
    }
    RunStatus to = from;
    if (from.isTerminal()) {
      from.checkMoveTo(fresh.runId(), RunStatus.RUNNING, TransitionReason.RETRY);
      to = RunStatus.RUNNING;
    }
    Manifest before = fresh.manifest();
    long epoch = before.epoch() + 1;
    Manifest.Builder mb =
        before.toBuilder()
            .status(to)
            .owner(retrier)
            .epoch(epoch)
            .updatedAt(now)
            .summary("retried: " + verdict.kind());
    ProcessRef runner = before.runner();
    String clearedRunner = null;
    if (from.isTerminal() && runner != null) {
      clearedRunner = runner.pid() + "@" + runner.host();
      // The runner of a finished run has nothing left to drive; kept, its death would fail the
      // reopened run again on the next pass.
      mb.runner(null, null, null);
    }
    Manifest m = mb.build();
    NewEvent event =
        Events.data()
            .put("verdict", verdict.kind())
            .put("action", RecoveryAction.RETRY)
            .put("by", BY_RECOVERY)
            .put("previousOwner", before.owner())
            .put("owner", retrier)
            .put("epoch", epoch)
            .put("from", from)
            .put("status", to)
            .put("requeuedTasks", requeued.toString())
            .put("clearedRunner", clearedRunner)
            .event(RUN_RETRIED, now);
    return new Result(out.withManifest(m), event);
  }

  /**
   * Returns a copy of a FAIL repair whose summary says the crash-loop budget was exhausted.
   *
   * @param failed the FAIL repair
   * @return the copy, summary {@code CRASH_LOOP: ...} and the event marked
   */
  public static Result crashLoop(Result failed) {
    Manifest m = failed.next().manifest();
    Manifest marked = m.toBuilder().summary("CRASH_LOOP: " + m.summary()).build();
    return marked(
        new Result(failed.next().withManifest(marked), failed.event()), "crashLoop", "true");
  }

  /**
   * Returns a copy whose event carries one more entry.
   *
   * @param result the change
   * @param key the key
   * @param value the value
   * @return the copy
   */
  public static Result marked(Result result, String key, String value) {
    java.util.Map<String, String> data = new java.util.LinkedHashMap<>(result.event().data());
    data.put(key, value);
    return new Result(result.next(), NewEvent.of(result.event().type(), result.event().at(), data));
  }

  private static Events.Data base(
      Verdict verdict, RecoveryAction action, Manifest before, @Nullable Owner owner, long epoch) {
    return Events.data()
        .put("verdict", verdict.kind())
        .put("rule", verdict.rule())
        .put("why", verdict.why())
        .put("action", action)
        .put("by", BY_RECOVERY)
        .put("previousOwner", before.owner())
        .put("owner", owner == null ? "none" : owner.toString())
        .put("epoch", epoch);
  }

  private static @Nullable String empty(StringJoiner j) {
    return j.length() == 0 ? null : j.toString();
  }

  static String describe(Map<TaskId, ProcessRef> workers) {
    StringJoiner j = new StringJoiner(",");
    workers.forEach((t, r) -> j.add(t + "=" + r.pid() + "@" + r.host()));
    return j.toString();
  }

  private static String summary(Verdict verdict, RecoveryAction action) {
    return (action == RecoveryAction.FINALIZE ? "finalized: " : "reconciled: ")
        + verdict.kind()
        + " ("
        + verdict.why()
        + ")";
  }

  private static Failure workerLost(
      TaskState task, Verdict verdict, VerdictKind kind, Instant now) {
    TaskEvidence evidence = verdict.task(task.id()).orElse(null);
    Duration age = evidence == null ? null : evidence.lifeAge();
    String worker =
        evidence == null || evidence.worker() == null
            ? "no worker recorded"
            : "worker " + evidence.worker().describe();
    return new Failure(
        Failure.WORKER_LOST,
        "repaired by recovery on verdict " + verdict.kind() + "; " + worker,
        null,
        kind,
        age,
        null,
        now);
  }

  private static TaskState closed(
      TaskState task, TaskStatus to, @Nullable Failure failure, Instant now) {
    TaskState.Builder b = task.toBuilder().status(to).waitMarker(null).notBefore(null);
    Attempt current = task.currentAttempt().orElse(null);
    if (current != null) {
      Attempt ended = failure == null ? current : current.withFailure(failure);
      if (ended.endedAt() == null) {
        ended = ended.withEndedAt(now);
      }
      b.replaceLastAttempt(ended);
    }
    return b.build();
  }
}
