package dev.crewrecovery.core.internal.ledger;

import dev.crewrecovery.api.ApprovalMarker;
import dev.crewrecovery.api.ApprovalState;
import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.AttemptNotStartableException;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.IllegalTransitionException;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.NewEvent;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunNotFoundException;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.StaleAttemptException;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskResult;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.TerminalTaskException;
import dev.crewrecovery.api.TransitionReason;
import dev.crewrecovery.api.WaitMarker;
import dev.crewrecovery.api.spi.HeartbeatOutcome;
import dev.crewrecovery.api.spi.TerminationOutcome;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.api.spi.UpdateResult;
import dev.crewrecovery.core.BlockReason;
import dev.crewrecovery.core.RunChangeListener;
import dev.crewrecovery.core.RunLedger;
import dev.crewrecovery.core.RunSubscription;
import dev.crewrecovery.core.internal.session.Services;
import dev.crewrecovery.core.internal.session.Session;
import dev.crewrecovery.core.internal.waiting.RunWaiters;
import java.lang.System.Logger.Level;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The implementation of {@link RunLedger}. Every write goes through {@link #write}: the fencing and
 * transition checks and the new snapshot are computed inside the store's exclusive update on the
 * fresh snapshot; what must happen after the commit (deliveries, listener calls, {@code onExit}
 * registrations, signals) is collected and run once the update returned.
 */
public final class Ledger implements RunLedger {
  private static final System.Logger LOG = System.getLogger(Ledger.class.getName());

  /** The {@code by} of writes made by the host through the ledger. */
  static final String BY_HOST = "host";

  /** The {@code by} of task changes made by {@code finish}. */
  static final String BY_FINISH = "finish";

  private static final int START_TRIES = 3;

  private final Services services;
  private final Session session;
  private final WorkerExits exits;
  private final AtomicLong dropped = new AtomicLong();
  private final RunWaiters waiters;

  /**
   * Creates the ledger.
   *
   * @param services the session's services
   * @param exits the watch of worker exits
   * @param waiters the hub behind {@link #awaitRun}, {@link #awaitTask} and {@link #subscribe}
   */
  public Ledger(Services services, WorkerExits exits, RunWaiters waiters) {
    this.services = Objects.requireNonNull(services, "services");
    this.session = services.session();
    this.exits = Objects.requireNonNull(exits, "exits");
    this.waiters = Objects.requireNonNull(waiters, "waiters");
  }

  @Override
  public CompletableFuture<RunSnapshot> awaitRun(RunId runId) {
    return waiters.awaitRun(runId);
  }

  @Override
  public CompletableFuture<RunSnapshot> awaitTask(RunId runId, TaskId taskId) {
    return waiters.awaitTask(runId, taskId);
  }

  @Override
  public RunSubscription subscribe(RunId runId, RunChangeListener listener) {
    return waiters.subscribe(runId, listener);
  }

  // ---------------------------------------------------------------- the one write path

  /** What a write decided inside the update. */
  private static final class Plan {
    final RunSnapshot next;
    final List<NewEvent> events = new ArrayList<>();
    final List<DeadletterEntry> deadletters = new ArrayList<>();
    final List<Runnable> after = new ArrayList<>();

    Plan(RunSnapshot next) {
      this.next = next;
    }

    Plan event(NewEvent e) {
      events.add(e);
      return this;
    }
  }

  /** The body of a write, run inside the update; returns null to commit nothing. */
  @FunctionalInterface
  private interface Body {
    @Nullable Plan apply(RunSnapshot current, Instant now);
  }

  private RunSnapshot write(RunId runId, boolean hostWrite, Body body) {
    Objects.requireNonNull(runId, "runId");
    Owner writer = session.writer();
    AtomicReference<@Nullable Plan> planned = new AtomicReference<>();
    UpdateResult r =
        services
            .store()
            .update(
                runId,
                (current, heartbeats) -> {
                  if (hostWrite) {
                    session.checkOwner(current, writer);
                  }
                  Instant now = services.clock().now();
                  Plan p = body.apply(current, now);
                  planned.set(p);
                  if (p == null) {
                    return Update.unchanged();
                  }
                  RunSnapshot next =
                      p.next.withManifest(p.next.manifest().toBuilder().updatedAt(now).build());
                  return Update.commit(next, p.events, p.deadletters);
                });
    Plan p = planned.get();
    if (r.committed() && p != null) {
      afterCommit(r.snapshot(), writer, p);
    }
    return r.snapshot();
  }

  private void afterCommit(RunSnapshot committed, Owner writer, Plan p) {
    Manifest m = committed.manifest();
    if (writer.equals(m.owner())) {
      if (m.status().isTerminal()) {
        session.forget(m.runId());
      } else {
        session.own(m.runId(), m.epoch());
      }
    }
    exits.reconcile(committed);
    for (DeadletterEntry e : p.deadletters) {
      services.listener().onDeadletter(e);
    }
    for (Runnable r : p.after) {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "after-commit action of run " + m.runId() + " failed", e);
      }
    }
  }

  // ---------------------------------------------------------------- checks

  private static TaskState taskOf(RunSnapshot s, TaskId taskId) {
    return s.task(taskId)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "run " + s.runId() + " has no task " + taskId + "; it has " + taskIds(s)));
  }

  private static List<TaskId> taskIds(RunSnapshot s) {
    List<TaskId> ids = new ArrayList<>();
    for (TaskState t : s.tasks()) {
      ids.add(t.id());
    }
    return ids;
  }

  /** Fences a worker write: the attempt must be current and its task not terminal. */
  private static TaskState currentTask(RunSnapshot s, AttemptId attempt, TaskStatus target) {
    TaskState task = taskOf(s, attempt.taskId());
    Optional<Attempt> current = task.currentAttempt();
    if (current.isEmpty() || !current.get().id().equals(attempt)) {
      throw new StaleAttemptException(attempt, current.map(Attempt::id).orElse(null));
    }
    if (task.status().isTerminal()) {
      throw new TerminalTaskException(attempt, task.status(), target);
    }
    return task;
  }

  /** The current task of {@code attempt}, checked for an ordinary move to {@code target}. */
  private static TaskState taskMovingTo(RunSnapshot s, AttemptId attempt, TaskStatus target) {
    TaskState task = currentTask(s, attempt, target);
    task.status().checkMoveTo(s.status(), task.id(), target, TransitionReason.ORDINARY);
    return task;
  }

  private static Attempt current(TaskState task) {
    return task.currentAttempt()
        .orElseThrow(() -> new IllegalStateException("task " + task.id() + " has no attempt"));
  }

  private static void requireOpenRun(RunSnapshot s, String what) {
    if (s.status().isTerminal()) {
      throw new IllegalTransitionException(
          "run "
              + s.runId()
              + " is terminal ("
              + s.status()
              + "); "
              + what
              + " needs a non-terminal run",
          s.status(),
          s.status(),
          s.status());
    }
  }

  private static @Nullable String checkLogPath(@Nullable String logPath) {
    if (logPath == null) {
      return null;
    }
    try {
      if (!Path.of(logPath).isAbsolute()) {
        throw new IllegalArgumentException("log path must be absolute, was \"" + logPath + "\"");
      }
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("log path is not a valid path: " + e.getMessage(), e);
    }
    return logPath;
  }

  private static Manifest.Builder runTo(RunSnapshot s, RunStatus to) {
    s.status().checkMoveTo(s.runId(), to, TransitionReason.ORDINARY);
    Manifest.Builder b = s.manifest().toBuilder().status(to);
    if (s.status() == RunStatus.BLOCKED && to != RunStatus.BLOCKED) {
      b.approval(null);
    }
    return b;
  }

  private static String ref(@Nullable ProcessRef r) {
    return r == null ? "" : TaskRepair.describe(r);
  }

  // ---------------------------------------------------------------- runs

  @Override
  public RunSnapshot create(RunId runId, List<TaskId> tasks) {
    return create(runId, tasks, Map.of());
  }

  @Override
  public RunSnapshot create(RunId runId, List<TaskId> tasks, Map<String, String> attributes) {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(tasks, "tasks");
    Objects.requireNonNull(attributes, "attributes");
    Set<TaskId> seen = new HashSet<>();
    List<TaskState> states = new ArrayList<>();
    for (TaskId t : tasks) {
      Objects.requireNonNull(t, "task id");
      if (!seen.add(t)) {
        throw new IllegalArgumentException("task " + t + " is listed twice for run " + runId);
      }
      states.add(TaskState.queued(t));
    }
    Owner owner = session.writer();
    Instant now = services.clock().now();
    Manifest m = Manifest.created(runId, owner, now).toBuilder().attributes(attributes).build();
    NewEvent created =
        Events.data()
            .put("owner", owner)
            .put("epoch", m.epoch())
            .put("tasks", states.size())
            .event(Events.RUN_CREATED, now);
    RunSnapshot s = services.store().create(RunSnapshot.initial(m, states), List.of(created));
    session.own(runId, s.manifest().epoch());
    return s;
  }

  @Override
  public Optional<RunSnapshot> snapshot(RunId runId) {
    return services.store().load(Objects.requireNonNull(runId, "runId"));
  }

  @Override
  public RunSnapshot plan(RunId runId) {
    return write(
        runId,
        true,
        (s, now) ->
            new Plan(s.withManifest(runTo(s, RunStatus.PLANNING).build()))
                .event(Events.data().put("from", s.status()).event(Events.RUN_PLANNING, now)));
  }

  @Override
  public RunSnapshot start(RunId runId) {
    return write(
        runId,
        true,
        (s, now) -> {
          if (s.status() == RunStatus.BLOCKED) {
            throw new IllegalTransitionException(
                "run "
                    + s.runId()
                    + ": start moves QUEUED or PLANNING runs; use unblock for BLOCKED",
                s.status(),
                RunStatus.RUNNING,
                null);
          }
          return new Plan(s.withManifest(runTo(s, RunStatus.RUNNING).build()))
              .event(Events.data().put("from", s.status()).event(Events.RUN_STARTED, now));
        });
  }

  @Override
  public RunSnapshot block(RunId runId, BlockReason reason) {
    Objects.requireNonNull(reason, "reason");
    return write(
        runId,
        true,
        (s, now) -> {
          Manifest.Builder b = runTo(s, RunStatus.BLOCKED);
          b.approval(
              reason == BlockReason.APPROVAL
                  ? new ApprovalMarker(now, ApprovalState.PENDING)
                  : null);
          return new Plan(s.withManifest(b.build()))
              .event(
                  Events.data()
                      .put("from", s.status())
                      .put("reason", reason)
                      .event(Events.RUN_BLOCKED, now));
        });
  }

  @Override
  public RunSnapshot approve(RunId runId) {
    return answerApproval(runId, ApprovalState.APPROVED, Events.RUN_APPROVED);
  }

  @Override
  public RunSnapshot reject(RunId runId) {
    return answerApproval(runId, ApprovalState.REJECTED, Events.RUN_REJECTED);
  }

  private RunSnapshot answerApproval(RunId runId, ApprovalState to, String eventType) {
    return write(
        runId,
        true,
        (s, now) -> {
          ApprovalMarker marker = s.manifest().approval();
          if (s.status() != RunStatus.BLOCKED || marker == null) {
            throw new IllegalTransitionException(
                "run "
                    + s.runId()
                    + " is "
                    + s.status()
                    + " without an approval marker; only a run blocked for approval can be "
                    + to.name().toLowerCase(java.util.Locale.ROOT),
                s.status(),
                to,
                null);
          }
          if (marker.state() == to) {
            return null;
          }
          if (marker.state() != ApprovalState.PENDING) {
            throw new IllegalTransitionException(
                "run "
                    + s.runId()
                    + ": approval is already "
                    + marker.state()
                    + "; cannot be "
                    + to,
                marker.state(),
                to,
                null);
          }
          Manifest next =
              s.manifest().toBuilder().approval(new ApprovalMarker(marker.askedAt(), to)).build();
          return new Plan(s.withManifest(next)).event(Events.data().event(eventType, now));
        });
  }

  @Override
  public RunSnapshot unblock(RunId runId) {
    return write(
        runId,
        true,
        (s, now) -> {
          if (s.status() != RunStatus.BLOCKED) {
            throw new IllegalTransitionException(
                "run "
                    + s.runId()
                    + " is "
                    + s.status()
                    + "; unblock moves a BLOCKED run to RUNNING (use start for QUEUED or PLANNING)",
                s.status(),
                RunStatus.RUNNING,
                null);
          }
          ApprovalMarker marker = s.manifest().approval();
          if (marker != null && marker.state() != ApprovalState.APPROVED) {
            throw new IllegalTransitionException(
                "run "
                    + s.runId()
                    + ": approval is "
                    + marker.state()
                    + "; approve it before unblocking, or finish the run",
                s.status(),
                RunStatus.RUNNING,
                null);
          }
          return new Plan(s.withManifest(runTo(s, RunStatus.RUNNING).build()))
              .event(
                  Events.data()
                      .put("approval", marker == null ? null : marker.state())
                      .event(Events.RUN_UNBLOCKED, now));
        });
  }

  @Override
  public RunSnapshot recordRunner(RunId runId, ProcessRef runner, @Nullable String logPath) {
    Objects.requireNonNull(runner, "runner");
    String log = checkLogPath(logPath);
    return write(
        runId,
        true,
        (s, now) -> {
          requireOpenRun(s, "recording a runner");
          Manifest next = s.manifest().toBuilder().runner(runner, session.id(), log).build();
          return new Plan(s.withManifest(next))
              .event(
                  Events.data()
                      .put("runner", ref(runner))
                      .put("logPath", log)
                      .event(Events.RUN_RUNNER_RECORDED, now));
        });
  }

  // ---------------------------------------------------------------- attempts

  @Override
  public AttemptId startAttempt(RunId runId, TaskId taskId) {
    return startAttempt(runId, taskId, null, null, false);
  }

  /** Thrown inside an update when the previous worker probed is not the one found there. */
  private static final class PreviousWorkerChanged extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PreviousWorkerChanged() {
      super(null, null, false, false);
    }
  }

  @Override
  public AttemptId startAttempt(
      RunId runId,
      TaskId taskId,
      @Nullable ProcessRef worker,
      @Nullable String logPath,
      boolean force) {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(taskId, "taskId");
    String log = checkLogPath(logPath);
    for (int attemptNo = 1; ; attemptNo++) {
      // Probe the previous worker outside the update (no process work under the run's lock);
      // inside, the probe counts only if that worker is still the previous one.
      @Nullable Attempt previous = null;
      Liveness liveness = null;
      if (!force) {
        RunSnapshot seen =
            services.store().load(runId).orElseThrow(() -> new RunNotFoundException(runId));
        previous = taskOf(seen, taskId).lastAttempt().orElse(null);
        ProcessRef prevWorker = previous == null ? null : previous.worker();
        if (prevWorker != null) {
          liveness = services.probe().probe(prevWorker);
        }
      }
      try {
        return startOnce(runId, taskId, worker, log, force, previous, liveness);
      } catch (PreviousWorkerChanged e) {
        if (attemptNo >= START_TRIES) {
          throw new AttemptNotStartableException(
              runId,
              taskId,
              AttemptNotStartableException.Reason.NOT_QUEUED,
              null,
              null,
              "the task's attempts changed while starting; try again");
        }
      }
    }
  }

  private AttemptId startOnce(
      RunId runId,
      TaskId taskId,
      @Nullable ProcessRef worker,
      @Nullable String log,
      boolean force,
      @Nullable Attempt probedPrevious,
      @Nullable Liveness liveness) {
    AtomicReference<@Nullable AttemptId> started = new AtomicReference<>();
    write(
        runId,
        true,
        (s, now) -> {
          TaskState task = taskOf(s, taskId);
          if (task.status() == TaskStatus.RUNNING || task.status() == TaskStatus.WAITING) {
            throw new AttemptNotStartableException(
                runId,
                taskId,
                AttemptNotStartableException.Reason.NOT_QUEUED,
                null,
                null,
                "the task is " + task.status() + "; only a QUEUED task starts a new attempt");
          }
          task.status()
              .checkMoveTo(s.status(), taskId, TaskStatus.RUNNING, TransitionReason.ORDINARY);
          if (s.status() == RunStatus.BLOCKED) {
            throw new IllegalTransitionException(
                "task "
                    + taskId
                    + ": cannot start an attempt while run "
                    + runId
                    + " is BLOCKED; unblock it first",
                task.status(),
                TaskStatus.RUNNING,
                s.status());
          }
          Instant notBefore = task.notBefore();
          if (notBefore != null && now.isBefore(notBefore)) {
            throw new AttemptNotStartableException(
                runId,
                taskId,
                AttemptNotStartableException.Reason.NOT_BEFORE,
                notBefore,
                null,
                "retry back-off until " + notBefore + ", now is " + now);
          }
          Attempt previous = task.lastAttempt().orElse(null);
          if (!force) {
            if (!sameAttempt(previous, probedPrevious)) {
              throw new PreviousWorkerChanged();
            }
            ProcessRef prevWorker = previous == null ? null : previous.worker();
            if (previous != null && prevWorker != null && liveness == Liveness.ALIVE) {
              throw new AttemptNotStartableException(
                  runId,
                  taskId,
                  AttemptNotStartableException.Reason.PREVIOUS_WORKER_ALIVE,
                  null,
                  prevWorker,
                  "attempt " + previous.id() + " still runs; start with force to override");
            }
            if (prevWorker != null
                && liveness == Liveness.UNKNOWN
                && prevWorker.host().equalsIgnoreCase(services.localHost())) {
              throw new AttemptNotStartableException(
                  runId,
                  taskId,
                  AttemptNotStartableException.Reason.PREVIOUS_WORKER_UNKNOWN,
                  null,
                  prevWorker,
                  "the previous worker is on this host and its liveness is unknown");
            }
          }
          AttemptId id = AttemptId.of(runId, taskId, task.attempts().size() + 1);
          Attempt attempt =
              new Attempt(
                  id,
                  now,
                  worker,
                  worker == null ? null : session.id(),
                  log,
                  null,
                  null,
                  null,
                  force);
          TaskState next =
              task.toBuilder()
                  .status(TaskStatus.RUNNING)
                  .addAttempt(attempt)
                  .waitMarker(null)
                  .notBefore(null)
                  .lastSeenAt(now)
                  .lastActivityAt(null)
                  .build();
          RunSnapshot out = s.withTask(next);
          Plan plan;
          if (s.status() == RunStatus.QUEUED || s.status() == RunStatus.PLANNING) {
            plan = new Plan(out.withManifest(runTo(s, RunStatus.RUNNING).build()));
            plan.event(Events.data().put("from", s.status()).event(Events.RUN_STARTED, now));
          } else {
            plan = new Plan(out);
          }
          ProcessRef prevWorker = previous == null ? null : previous.worker();
          plan.event(
              Events.data()
                  .put("attempt", id)
                  .put("worker", worker == null ? null : ref(worker))
                  .put("logPath", log)
                  .put("forced", force)
                  .put("previousWorker", force && prevWorker != null ? ref(prevWorker) : null)
                  .event(Events.TASK_STARTED, now));
          plan.after.add(() -> services.store().recordHeartbeat(id, now));
          if (worker != null) {
            plan.after.add(() -> exits.register(id, worker));
          }
          started.set(id);
          return plan;
        });
    AttemptId id = started.get();
    if (id == null) {
      throw new IllegalStateException("start of " + taskId + " committed no attempt");
    }
    return id;
  }

  private static boolean sameAttempt(@Nullable Attempt a, @Nullable Attempt b) {
    if (a == null || b == null) {
      return a == null && b == null;
    }
    return a.id().equals(b.id()) && Objects.equals(a.worker(), b.worker());
  }

  @Override
  public HeartbeatOutcome heartbeat(AttemptId attempt) {
    Objects.requireNonNull(attempt, "attempt");
    requireOpen();
    return counted(services.store().recordHeartbeat(attempt, services.clock().now()));
  }

  @Override
  public HeartbeatOutcome activity(AttemptId attempt) {
    Objects.requireNonNull(attempt, "attempt");
    requireOpen();
    return counted(services.store().recordActivity(attempt, services.clock().now()));
  }

  @Override
  public HeartbeatOutcome workerEnded(AttemptId attempt) {
    Objects.requireNonNull(attempt, "attempt");
    requireOpen();
    return counted(services.store().recordWorkerEnded(attempt, services.clock().now()));
  }

  private void requireOpen() {
    Session.State state = session.state();
    if (state == Session.State.NEW || state == Session.State.CLOSED) {
      throw new IllegalStateException(
          "session " + session.id() + " is " + state + "; heartbeats need a started session");
    }
  }

  private HeartbeatOutcome counted(HeartbeatOutcome o) {
    if (o != HeartbeatOutcome.RECORDED) {
      dropped.incrementAndGet();
    }
    return o;
  }

  @Override
  public long droppedHeartbeats() {
    return dropped.get();
  }

  // ---------------------------------------------------------------- results and outcomes

  @Override
  public RunSnapshot recordResult(AttemptId attempt, String reference) {
    Objects.requireNonNull(attempt, "attempt");
    Objects.requireNonNull(reference, "reference");
    return write(
        attempt.runId(),
        false,
        (s, now) -> {
          TaskState task = currentTask(s, attempt, TaskStatus.COMPLETED);
          requireOpenRun(s, "recording a result");
          Plan plan = withResult(s, task, attempt, reference, now);
          return plan;
        });
  }

  /** Records a result on the current attempt, or returns null when it is already recorded. */
  private @Nullable Plan withResult(
      RunSnapshot s, TaskState task, AttemptId attempt, String reference, Instant now) {
    Attempt cur = current(task);
    TaskResult existing = cur.result();
    if (existing != null) {
      if (existing.reference().equals(reference)) {
        return null;
      }
      throw new IllegalStateException(
          "attempt "
              + attempt
              + " already recorded result \""
              + existing.reference()
              + "\"; an attempt records one result");
    }
    TaskResult result = new TaskResult(reference, now);
    TaskState next = task.toBuilder().replaceLastAttempt(cur.withResult(result)).build();
    Plan plan = new Plan(s.withTask(next));
    plan.event(
        Events.data()
            .put("attempt", attempt)
            .put("reference", reference)
            .event(Events.TASK_RESULT_RECORDED, now));
    Owner owner = s.manifest().owner();
    long epoch = s.manifest().epoch();
    plan.after.add(() -> services.deliveries().resultRecorded(attempt, result, owner, epoch));
    return plan;
  }

  @Override
  public RunSnapshot complete(AttemptId attempt) {
    Objects.requireNonNull(attempt, "attempt");
    return write(
        attempt.runId(),
        false,
        (s, now) -> {
          TaskState task = currentTask(s, attempt, TaskStatus.COMPLETED);
          return completePlan(new Plan(s), s, task, now, BY_HOST);
        });
  }

  @Override
  public RunSnapshot complete(AttemptId attempt, String reference) {
    Objects.requireNonNull(attempt, "attempt");
    Objects.requireNonNull(reference, "reference");
    return write(
        attempt.runId(),
        false,
        (s, now) -> {
          TaskState task = taskMovingTo(s, attempt, TaskStatus.COMPLETED);
          Plan withResult = withResult(s, task, attempt, reference, now);
          if (withResult == null) {
            return completePlan(new Plan(s), s, task, now, BY_HOST);
          }
          RunSnapshot mid = withResult.next;
          return completePlan(withResult, mid, taskOf(mid, task.id()), now, BY_HOST);
        });
  }

  private static Plan completePlan(
      Plan into, RunSnapshot s, TaskState task, Instant now, String by) {
    task.status()
        .checkMoveTo(s.status(), task.id(), TaskStatus.COMPLETED, TransitionReason.ORDINARY);
    Attempt cur = current(task);
    TaskState next =
        task.toBuilder()
            .status(TaskStatus.COMPLETED)
            .replaceLastAttempt(cur.withEndedAt(now))
            .waitMarker(null)
            .notBefore(null)
            .build();
    Plan plan = new Plan(s.withTask(next));
    plan.events.addAll(into.events);
    plan.deadletters.addAll(into.deadletters);
    plan.after.addAll(into.after);
    return plan.event(
        Events.data().put("attempt", cur.id()).put("by", by).event(Events.TASK_COMPLETED, now));
  }

  @Override
  public RunSnapshot fail(AttemptId attempt, Failure failure) {
    Objects.requireNonNull(attempt, "attempt");
    Objects.requireNonNull(failure, "failure");
    return write(
        attempt.runId(),
        false,
        (s, now) -> {
          TaskState task = currentTask(s, attempt, TaskStatus.FAILED);
          AttemptFailures.Outcome o =
              AttemptFailures.fail(
                  s,
                  task,
                  failure,
                  now,
                  BY_HOST,
                  null,
                  services.retryPolicy(),
                  services.config(),
                  services.random());
          Plan plan = new Plan(s.withTask(o.task())).event(o.event());
          DeadletterEntry entry = o.deadletter();
          if (entry != null) {
            plan.deadletters.add(entry);
          }
          return plan;
        });
  }

  @Override
  public RunSnapshot cancel(RunId runId, TaskId taskId) {
    return closeByHost(runId, taskId, TaskStatus.CANCELLED, Events.TASK_CANCELLED);
  }

  /** The host closes a task (cancel, skip): one ordinary move, one event naming what it left. */
  private RunSnapshot closeByHost(RunId runId, TaskId taskId, TaskStatus to, String eventType) {
    Objects.requireNonNull(taskId, "taskId");
    return write(
        runId,
        true,
        (s, now) -> {
          TaskState task = taskOf(s, taskId);
          task.status().checkMoveTo(s.status(), taskId, to, TransitionReason.ORDINARY);
          return new Plan(s.withTask(close(task, to, now)))
              .event(
                  Events.data()
                      .put("attempt", task.currentAttempt().map(Attempt::id).orElse(null))
                      .put("from", task.status())
                      .put("by", BY_HOST)
                      .event(eventType, now));
        });
  }

  /** Moves a task to a terminal status, ending its current attempt if it is still open. */
  private static TaskState close(TaskState task, TaskStatus to, Instant now) {
    TaskState.Builder b = task.toBuilder().status(to).waitMarker(null).notBefore(null);
    Optional<Attempt> cur = task.currentAttempt();
    if (cur.isPresent() && cur.get().endedAt() == null) {
      b.replaceLastAttempt(cur.get().withEndedAt(now));
    }
    return b.build();
  }

  @Override
  public RunSnapshot skip(RunId runId, TaskId taskId) {
    return closeByHost(runId, taskId, TaskStatus.SKIPPED, Events.TASK_SKIPPED);
  }

  @Override
  public RunSnapshot needsAttention(AttemptId attempt, String reason) {
    Objects.requireNonNull(attempt, "attempt");
    Objects.requireNonNull(reason, "reason");
    return write(
        attempt.runId(),
        false,
        (s, now) -> {
          TaskState task = taskMovingTo(s, attempt, TaskStatus.NEEDS_ATTENTION);
          return new Plan(s.withTask(close(task, TaskStatus.NEEDS_ATTENTION, now)))
              .event(
                  Events.data()
                      .put("attempt", attempt)
                      .put("reason", reason)
                      .event(Events.TASK_NEEDS_ATTENTION, now));
        });
  }

  @Override
  public RunSnapshot waitForAnswer(AttemptId attempt, String question, @Nullable Instant deadline) {
    Objects.requireNonNull(attempt, "attempt");
    Objects.requireNonNull(question, "question");
    return write(
        attempt.runId(),
        false,
        (s, now) -> {
          TaskState task = taskMovingTo(s, attempt, TaskStatus.WAITING);
          TaskState next =
              task.toBuilder()
                  .status(TaskStatus.WAITING)
                  .waitMarker(new WaitMarker(now, deadline, question))
                  .build();
          return new Plan(s.withTask(next))
              .event(
                  Events.data()
                      .put("attempt", attempt)
                      .put("question", question)
                      .put("deadline", deadline)
                      .event(Events.TASK_WAITING, now));
        });
  }

  @Override
  public RunSnapshot answer(RunId runId, TaskId taskId, String answer) {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(answer, "answer");
    // Probe the waiting attempt's worker outside the update; the answer is keyed by the attempt
    // and ref it was probed for.
    RunSnapshot seen =
        services.store().load(runId).orElseThrow(() -> new RunNotFoundException(runId));
    Attempt probed = taskOf(seen, taskId).currentAttempt().orElse(null);
    ProcessRef probedWorker = probed == null ? null : probed.worker();
    Liveness liveness = probedWorker == null ? null : services.probe().probe(probedWorker);
    return write(
        runId,
        true,
        (s, now) -> {
          TaskState task = taskOf(s, taskId);
          if (task.status() != TaskStatus.WAITING) {
            throw new IllegalTransitionException(
                "task " + taskId + " is " + task.status() + "; only a WAITING task takes an answer",
                task.status(),
                TaskStatus.RUNNING,
                null);
          }
          Attempt cur = task.currentAttempt().orElse(null);
          boolean sameProbe =
              cur != null
                  && probed != null
                  && cur.id().equals(probed.id())
                  && Objects.equals(cur.worker(), probedWorker);
          boolean resume =
              sameProbe
                  && probedWorker != null
                  && (liveness == Liveness.ALIVE || liveness == Liveness.UNKNOWN);
          TaskState next;
          if (resume) {
            task.status()
                .checkMoveTo(s.status(), taskId, TaskStatus.RUNNING, TransitionReason.ORDINARY);
            next =
                task.toBuilder()
                    .status(TaskStatus.RUNNING)
                    .waitMarker(null)
                    .lastSeenAt(now)
                    .build();
          } else {
            task.status()
                .checkMoveTo(s.status(), taskId, TaskStatus.QUEUED, TransitionReason.ORDINARY);
            TaskState.Builder b =
                task.toBuilder()
                    .status(TaskStatus.QUEUED)
                    .waitMarker(null)
                    .notBefore(null)
                    .attemptCurrent(false);
            if (cur != null && cur.endedAt() == null) {
              b.replaceLastAttempt(cur.withEndedAt(now));
            }
            next = b.build();
          }
          return new Plan(s.withTask(next))
              .event(
                  Events.data()
                      .put("attempt", cur == null ? null : cur.id())
                      .put("answer", answer)
                      .put("resumed", resume)
                      .event(Events.TASK_ANSWERED, now));
        });
  }

  // ---------------------------------------------------------------- finishing and retrying

  /** A worker of a task cancelled by finish, to be checked after the commit. */
  private record Orphan(AttemptId attempt, ProcessRef worker) {}

  @Override
  public RunSnapshot finish(RunId runId, @Nullable RunStatus status) {
    if (status != null && !status.isTerminal()) {
      throw new IllegalArgumentException(
          "finish needs a terminal status (COMPLETED, FAILED, CANCELLED) or null, was " + status);
    }
    List<Orphan> orphans = new ArrayList<>();
    RunSnapshot committed =
        write(
            runId,
            true,
            (s, now) -> {
              orphans.clear();
              // A terminal run (finish → CANCELLED) may still list open tasks written by other
              // tools; they are closed too, checked against the table alone.
              RunStatus checkAgainst = s.status().isTerminal() ? RunStatus.RUNNING : s.status();
              List<NewEvent> taskEvents = new ArrayList<>();
              RunSnapshot out = s;
              int completed = 0;
              int cancelled = 0;
              for (TaskState task : s.tasks()) {
                if (task.status().isTerminal()) {
                  continue;
                }
                boolean open =
                    task.status() == TaskStatus.RUNNING || task.status() == TaskStatus.WAITING;
                TaskStatus to =
                    open && task.hasCurrentResult() ? TaskStatus.COMPLETED : TaskStatus.CANCELLED;
                task.status().checkMoveTo(checkAgainst, task.id(), to, TransitionReason.ORDINARY);
                out = out.withTask(close(task, to, now));
                AttemptId attempt = task.currentAttempt().map(Attempt::id).orElse(null);
                taskEvents.add(
                    Events.data()
                        .put("attempt", attempt)
                        .put("from", task.status())
                        .put("by", BY_FINISH)
                        .event(
                            to == TaskStatus.COMPLETED
                                ? Events.TASK_COMPLETED
                                : Events.TASK_CANCELLED,
                            now));
                if (to == TaskStatus.COMPLETED) {
                  completed++;
                } else {
                  cancelled++;
                  ProcessRef worker =
                      open ? task.currentAttempt().map(Attempt::worker).orElse(null) : null;
                  if (worker != null && attempt != null) {
                    orphans.add(new Orphan(attempt, worker));
                  }
                }
              }
              RunStatus target = status != null ? status : derive(out.tasks());
              RunStatus from = s.status();
              boolean via = false;
              if (!from.canMoveTo(target, TransitionReason.ORDINARY)
                  && from.canMoveTo(RunStatus.RUNNING, TransitionReason.ORDINARY)
                  && RunStatus.RUNNING.canMoveTo(target, TransitionReason.ORDINARY)) {
                via = true;
              } else {
                from.checkMoveTo(s.runId(), target, TransitionReason.ORDINARY);
              }
              Manifest m = out.manifest().toBuilder().status(target).approval(null).build();
              Plan plan = new Plan(out.withManifest(m));
              plan.events.addAll(taskEvents);
              plan.event(
                  Events.data()
                      .put("from", from)
                      .put("via", via ? RunStatus.RUNNING : null)
                      .put("status", target)
                      .put("requested", status)
                      .put("completedTasks", completed)
                      .put("cancelledTasks", cancelled)
                      .event(Events.RUN_FINISHED, now));
              Owner owner = m.owner();
              long epoch = m.epoch();
              plan.after.add(
                  () -> services.deliveries().runTerminated(s.runId(), target, owner, epoch, now));
              return plan;
            });
    if (!orphans.isEmpty()) {
      terminateOrphans(runId, orphans);
    }
    return committed;
  }

  /** DESIGN section 7 step 2, over tasks that are all terminal. */
  static RunStatus derive(List<TaskState> tasks) {
    boolean allCancelledOrSkipped = true;
    for (TaskState t : tasks) {
      if (t.status() == TaskStatus.FAILED || t.status() == TaskStatus.NEEDS_ATTENTION) {
        return RunStatus.FAILED;
      }
      if (t.status() != TaskStatus.CANCELLED && t.status() != TaskStatus.SKIPPED) {
        allCancelledOrSkipped = false;
      }
    }
    return allCancelledOrSkipped ? RunStatus.CANCELLED : RunStatus.COMPLETED;
  }

  private void terminateOrphans(RunId runId, List<Orphan> orphans) {
    Events.Data data = Events.data();
    boolean any = false;
    for (Orphan o : orphans) {
      Liveness liveness;
      try {
        liveness = services.probe().probe(o.worker());
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "probe of worker of " + o.attempt() + " failed", e);
        continue;
      }
      if (liveness == Liveness.ALIVE) {
        TerminationOutcome outcome;
        try {
          outcome = services.probe().terminate(o.worker(), services.config().terminateGrace());
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "terminating worker of " + o.attempt() + " failed", e);
          outcome = TerminationOutcome.FAILED;
        }
        any = true;
        data.put(o.attempt().toString(), ref(o.worker()) + " ALIVE " + outcome);
        services.listener().onWorkerTermination(o.attempt(), o.worker(), liveness, outcome);
      } else if (liveness == Liveness.UNKNOWN) {
        any = true;
        data.put(o.attempt().toString(), ref(o.worker()) + " UNKNOWN");
        services.listener().onWorkerTermination(o.attempt(), o.worker(), liveness, null);
      }
    }
    if (any) {
      try {
        services
            .store()
            .appendEvents(
                runId, List.of(data.event(Events.RUN_WORKERS_TERMINATED, services.clock().now())));
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "could not append the worker report of run " + runId, e);
      }
    }
  }

  @Override
  public RunSnapshot retry(RunId runId, TaskId taskId) {
    Objects.requireNonNull(taskId, "taskId");
    return write(
        runId,
        true,
        (s, now) -> {
          TaskState task = taskOf(s, taskId);
          if (!task.status().isTerminal()) {
            throw new IllegalTransitionException(
                "task " + taskId + " is " + task.status() + "; only a terminal task is retried",
                task.status(),
                TaskStatus.QUEUED,
                null);
          }
          task.status().checkMoveTo(s.status(), taskId, TaskStatus.QUEUED, TransitionReason.RETRY);
          TaskState next =
              task.toBuilder()
                  .status(TaskStatus.QUEUED)
                  .attemptCurrent(false)
                  .waitMarker(null)
                  .notBefore(null)
                  .build();
          RunSnapshot out = s.withTask(next);
          Plan plan;
          if (s.status().isTerminal()) {
            s.status().checkMoveTo(runId, RunStatus.RUNNING, TransitionReason.RETRY);
            plan =
                new Plan(
                    out.withManifest(out.manifest().toBuilder().status(RunStatus.RUNNING).build()));
            plan.event(Events.data().put("from", s.status()).event(Events.RUN_REOPENED, now));
          } else {
            plan = new Plan(out);
          }
          return plan.event(
              Events.data()
                  .put("from", task.status())
                  .put("attempt", task.lastAttempt().map(Attempt::id).orElse(null))
                  .event(Events.TASK_RETRIED, now));
        });
  }
}
