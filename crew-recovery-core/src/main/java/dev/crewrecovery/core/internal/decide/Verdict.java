package dev.crewrecovery.core.internal.decide;

import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.VerdictKind;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@link Decider#decide} concluded about a run: the verdict, the rule that fired and why, the
 * evidence it used, and the repair it calls for. Immutable and thread-safe; equal evidence yields
 * an equal verdict.
 *
 * @param kind the verdict (always {@code rule.kind()})
 * @param rule the rule of DESIGN section 7 that fired
 * @param deferredKind for {@link VerdictKind#DEFERRED}, the verdict that was deferred; else null
 * @param repair the repair the verdict calls for
 * @param derivedStatus for {@code RESULT_EXISTS} and {@code RESULT_READY_BLOCKED}, the status the
 *     run's tasks derive; else null
 * @param firedBy the tasks whose evidence made the rule fire (the shielding WAITING task, the live,
 *     deferred, dead or stale tasks of step 4), in the snapshot's order; empty for rules that rest
 *     on run-level evidence
 * @param manifestAge the age of the manifest's {@code updatedAt} at the decision
 * @param lastMoveAge the age of the freshest heartbeat or activity of any task (or growth of the
 *     runner's log while the runner is ALIVE or UNKNOWN), or null when there is none
 * @param tasks the evidence about every task, in the snapshot's order
 * @param runner the judgment of the runner, or null when the run records none
 * @param deadTasks the tasks classified DEAD on evidence that is not deferred (process evidence or
 *     a released lease), in the snapshot's order; they get task-level repair when {@code repair} is
 *     {@link Repair#TASK_REPAIR}, and are only reported otherwise
 * @param aliveWorkers the workers of RUNNING and WAITING tasks judged ALIVE, by task
 * @param unknownWorkers the workers of RUNNING and WAITING tasks judged UNKNOWN, by task
 */
public record Verdict(
    VerdictKind kind,
    Rule rule,
    @Nullable VerdictKind deferredKind,
    Repair repair,
    @Nullable RunStatus derivedStatus,
    List<TaskId> firedBy,
    Duration manifestAge,
    @Nullable Duration lastMoveAge,
    List<TaskEvidence> tasks,
    @Nullable ProcessJudgment runner,
    List<TaskId> deadTasks,
    Map<TaskId, ProcessRef> aliveWorkers,
    Map<TaskId, ProcessRef> unknownWorkers) {

  /**
   * Validates the components and copies the collections (maps keep their order).
   *
   * @throws IllegalArgumentException if the kind is not the rule's, a deferred kind is given
   *     exactly when the verdict is not DEFERRED, a derived status is given exactly when the
   *     verdict is not a result verdict, or task-level repair is asked without dead tasks
   */
  public Verdict {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(manifestAge, "manifestAge");
    Objects.requireNonNull(repair, "repair");
    if (kind != rule.kind()) {
      throw new IllegalArgumentException(
          "rule " + rule + " yields " + rule.kind() + ", not " + kind);
    }
    if ((kind == VerdictKind.DEFERRED) != (deferredKind != null)) {
      throw new IllegalArgumentException(
          "a DEFERRED verdict, and only it, names the verdict it defers; was "
              + kind
              + " deferring "
              + deferredKind);
    }
    boolean resultVerdict =
        kind == VerdictKind.RESULT_EXISTS || kind == VerdictKind.RESULT_READY_BLOCKED;
    if (resultVerdict != (derivedStatus != null)) {
      throw new IllegalArgumentException(
          "a result verdict, and only it, carries the derived status; was "
              + kind
              + " with "
              + derivedStatus);
    }
    firedBy = List.copyOf(firedBy);
    tasks = List.copyOf(tasks);
    deadTasks = List.copyOf(deadTasks);
    if (repair == Repair.TASK_REPAIR && deadTasks.isEmpty()) {
      throw new IllegalArgumentException("task-level repair needs dead tasks");
    }
    aliveWorkers = Collections.unmodifiableMap(new LinkedHashMap<>(aliveWorkers));
    unknownWorkers = Collections.unmodifiableMap(new LinkedHashMap<>(unknownWorkers));
  }

  /** Returns the step of DESIGN section 7 that fired, 0 to 6. */
  public int step() {
    return rule.step();
  }

  /**
   * Returns why the rule fired, in words, for events and reports: the rule, the evidence of the
   * tasks that made it fire, the runner, and the ages it judged. Rendered on demand.
   */
  public String why() {
    StringBuilder sb =
        new StringBuilder("step ").append(rule.step()).append(": ").append(rule.text());
    if (deferredKind != null) {
      sb.append(" (deferring ").append(deferredKind).append(')');
    }
    for (TaskId id : firedBy) {
      task(id).ifPresent(t -> sb.append("; ").append(t.describe()));
    }
    if (runner != null && rule.step() != 4) {
      sb.append("; runner ").append(runner.describe());
    }
    if (derivedStatus != null) {
      sb.append("; derived status ").append(derivedStatus);
    }
    if (rule.step() >= 4) {
      sb.append("; last committed update ").append(manifestAge).append(" ago");
    }
    if (rule.step() == 5) {
      sb.append(
          lastMoveAge == null
              ? "; no heartbeat or activity"
              : "; last heartbeat or activity " + lastMoveAge + " ago");
    }
    return sb.toString();
  }

  /** Returns whether the verdict calls for a write (finalize, run-level or task-level repair). */
  public boolean callsForWrite() {
    return repair == Repair.FINALIZE || repair == Repair.REPAIR || repair == Repair.TASK_REPAIR;
  }

  /**
   * Returns the tasks whose current attempt task-level repair fails: {@link #deadTasks()} when the
   * repair is {@link Repair#TASK_REPAIR}, else none.
   */
  public List<TaskId> tasksToRepair() {
    return repair == Repair.TASK_REPAIR ? deadTasks : List.of();
  }

  /**
   * Returns the workers that are orphans after a repair on process evidence: for {@code
   * PROCESS_DEAD}, the workers of RUNNING and WAITING tasks judged ALIVE (to be terminated after
   * the commit, identity re-checked); else none. UNKNOWN workers are only reported.
   */
  public Map<TaskId, ProcessRef> orphans() {
    return kind == VerdictKind.PROCESS_DEAD ? aliveWorkers : Map.of();
  }

  /** Returns the evidence about one task, if the run has it. */
  public Optional<TaskEvidence> task(TaskId id) {
    for (TaskEvidence t : tasks) {
      if (t.task().equals(id)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
