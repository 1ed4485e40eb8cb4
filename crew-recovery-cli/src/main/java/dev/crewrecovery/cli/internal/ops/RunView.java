package dev.crewrecovery.cli.internal.ops;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.HeartbeatReading;
import dev.crewrecovery.api.HeartbeatSlot;
import dev.crewrecovery.api.Lease;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.core.DeadletterState;
import dev.crewrecovery.core.DeadletterView;
import dev.crewrecovery.core.HeartbeatLevel;
import dev.crewrecovery.core.RecoveryConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What an operator sees of one run at one instant: its snapshot, its owner's lease, the liveness of
 * its runner and of the workers of its unfinished tasks, each unfinished task's heartbeat age and
 * level, its deadletter entries, and the reasons it needs attention. Built from the store and the
 * probe; writes nothing. Immutable once built.
 */
final class RunView {

  /** How the owner's lease stands. */
  enum LeaseState {
    /** The run has no owner. */
    NONE,
    /** The lease names the owner's incarnation, is not released and not expired. */
    LIVE,
    /** Not renewed within the lease duration. */
    EXPIRED,
    /** Released: the owner closed. */
    RELEASED,
    /** A newer incarnation of the owner's session holds the lease. */
    SUPERSEDED,
    /** The store holds no lease of the owner's session. */
    MISSING
  }

  /**
   * One task as seen now.
   *
   * @param task the task
   * @param attempt its current attempt, else its last one, or null
   * @param worker the probe's answer for the current attempt's worker of an unfinished task, or
   *     null when not probed
   * @param freshest the fresher of its last heartbeat and activity (store and slot), or null
   * @param age {@code now − freshest}, or null
   * @param level the heartbeat level of an unfinished task, or null (finished, or silent)
   * @param slot the heartbeat slot reading of the current attempt, or null
   */
  record TaskView(
      TaskState task,
      @Nullable Attempt attempt,
      @Nullable Liveness worker,
      @Nullable Instant freshest,
      @Nullable Duration age,
      @Nullable HeartbeatLevel level,
      @Nullable HeartbeatSlot slot) {
    boolean unfinished() {
      return task.status() == TaskStatus.RUNNING || task.status() == TaskStatus.WAITING;
    }
  }

  final RunSnapshot snapshot;
  final Instant now;
  final @Nullable Lease lease;
  final LeaseState leaseState;
  final @Nullable Liveness runner;
  final List<TaskView> tasks;
  final List<DeadletterView> deadletters;
  final List<String> reasons;

  private RunView(
      RunSnapshot snapshot,
      Instant now,
      @Nullable Lease lease,
      LeaseState leaseState,
      @Nullable Liveness runner,
      List<TaskView> tasks,
      List<DeadletterView> deadletters,
      List<String> reasons) {
    this.snapshot = snapshot;
    this.now = now;
    this.lease = lease;
    this.leaseState = leaseState;
    this.runner = runner;
    this.tasks = List.copyOf(tasks);
    this.deadletters = List.copyOf(deadletters);
    this.reasons = List.copyOf(reasons);
  }

  /**
   * Looks at one run.
   *
   * @param op the command's context (store, probe, configuration)
   * @param s the run's snapshot
   * @param deadletters its deadletter entries with their computed states
   * @return the view
   */
  static RunView of(Operator op, RunSnapshot s, List<DeadletterView> deadletters) {
    Instant now = op.now();
    RecoveryConfig config = op.env().config();
    boolean terminal = s.status().isTerminal();
    Owner owner = s.manifest().owner();
    Lease lease = owner == null ? null : op.store().lease(owner.session()).orElse(null);
    LeaseState leaseState = leaseState(owner, lease, now, config.leaseDuration());
    ProcessRef runnerRef = s.manifest().runner();
    Liveness runner = runnerRef == null || terminal ? null : op.probe().probe(runnerRef);
    Map<TaskId, HeartbeatReading> slots = terminal ? Map.of() : op.store().heartbeats(s.runId());
    List<TaskView> tasks = new ArrayList<>();
    for (TaskState t : s.tasks()) {
      tasks.add(task(op, t, slots.get(t.id()), now, config));
    }
    List<String> reasons = new ArrayList<>();
    if (!terminal) {
      if (owner != null && leaseState != LeaseState.LIVE) {
        reasons.add("owner " + owner + ": lease " + leaseState);
      }
      if (runnerRef != null && runner != null && runner.isDead()) {
        reasons.add("runner " + runnerRef.pid() + " is " + runner);
      }
      for (TaskView t : tasks) {
        if (t.worker() != null && t.worker().isDead() && !t.task().hasCurrentResult()) {
          reasons.add("task " + t.task().id() + ": worker " + t.worker());
        } else if (t.level() == HeartbeatLevel.STALE || t.level() == HeartbeatLevel.DEAD) {
          reasons.add("task " + t.task().id() + ": heartbeat " + t.level());
        }
        if (t.task().status() == TaskStatus.NEEDS_ATTENTION) {
          reasons.add("task " + t.task().id() + ": NEEDS_ATTENTION");
        }
      }
    }
    long open = deadletters.stream().filter(d -> d.state() == DeadletterState.OPEN).count();
    if (open > 0) {
      reasons.add(open + " open deadletter " + (open == 1 ? "entry" : "entries"));
    }
    return new RunView(s, now, lease, leaseState, runner, tasks, deadletters, reasons);
  }

  private static TaskView task(
      Operator op,
      TaskState t,
      @Nullable HeartbeatReading reading,
      Instant now,
      RecoveryConfig config) {
    Attempt attempt = t.currentAttempt().or(t::lastAttempt).orElse(null);
    boolean unfinished = t.status() == TaskStatus.RUNNING || t.status() == TaskStatus.WAITING;
    if (!unfinished || attempt == null || !t.attemptCurrent()) {
      return new TaskView(t, attempt, null, null, null, null, null);
    }
    ProcessRef ref = attempt.worker();
    Liveness worker = ref == null ? null : op.probe().probe(ref);
    HeartbeatSlot slot = null;
    if (reading != null
        && reading.slot() != null
        && reading.slot().attempt().equals(attempt.id())) {
      slot = reading.slot();
    }
    Instant freshest = t.freshestTimestamp();
    if (slot != null) {
      freshest = later(freshest, slot.beatAt());
      freshest = later(freshest, slot.activityAt());
    }
    if (freshest != null && freshest.isAfter(now)) {
      // A worker's clock ahead of ours: the beat counts as seen now.
      freshest = now;
    }
    Duration age = freshest == null ? null : Duration.between(freshest, now);
    HeartbeatLevel level;
    if (slot != null && !slot.alive()) {
      level = HeartbeatLevel.DEAD;
    } else if (age == null) {
      level = null;
    } else {
      level = levelOf(age, config);
    }
    return new TaskView(t, attempt, worker, freshest, age, level, slot);
  }

  /** The levels of DESIGN section 6: strict comparisons, an age at a threshold stays below it. */
  static HeartbeatLevel levelOf(Duration age, RecoveryConfig config) {
    if (age.compareTo(config.heartbeatWarn()) <= 0) {
      return HeartbeatLevel.HEALTHY;
    }
    if (age.compareTo(config.heartbeatStale()) <= 0) {
      return HeartbeatLevel.WARN;
    }
    if (age.compareTo(config.heartbeatDead()) <= 0) {
      return HeartbeatLevel.STALE;
    }
    return HeartbeatLevel.DEAD;
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

  static LeaseState leaseState(
      @Nullable Owner owner, @Nullable Lease lease, Instant now, Duration leaseDuration) {
    if (owner == null) {
      return LeaseState.NONE;
    }
    if (lease == null) {
      return LeaseState.MISSING;
    }
    if (lease.incarnation() != owner.incarnation()) {
      return LeaseState.SUPERSEDED;
    }
    if (lease.released()) {
      return LeaseState.RELEASED;
    }
    return lease.isExpiredAt(now, leaseDuration) ? LeaseState.EXPIRED : LeaseState.LIVE;
  }

  boolean needsAttention() {
    return !reasons.isEmpty();
  }

  long openDeadletters() {
    return deadletters.stream().filter(d -> d.state() == DeadletterState.OPEN).count();
  }
}
