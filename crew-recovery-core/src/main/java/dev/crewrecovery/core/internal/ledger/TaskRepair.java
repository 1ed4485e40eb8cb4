package dev.crewrecovery.core.internal.ledger;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.CrewRecoveryException;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.ExitClass;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.LeaseLostException;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.NewEvent;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunNotFoundException;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.TransitionReason;
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.api.spi.UpdateResult;
import dev.crewrecovery.core.internal.heartbeat.HeartbeatClassifier;
import dev.crewrecovery.core.internal.heartbeat.Observation;
import dev.crewrecovery.core.internal.heartbeat.ObservationTracker;
import dev.crewrecovery.core.internal.logs.LogTail;
import dev.crewrecovery.core.internal.session.Services;
import dev.crewrecovery.core.internal.session.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Task-level repair of an owned run on process evidence (DESIGN section 7, owned runs): when the
 * worker of a RUNNING task's current attempt exited or probes DEAD or RECYCLED, the task is
 * completed if that attempt has a result ("result wins"), else the attempt is failed with {@code
 * WORKER_LOST} and the retry policy applies. Everything is re-checked inside the update on the
 * fresh snapshot: the run must still be non-terminal and owned by this incarnation at the epoch it
 * knows, the task RUNNING, the attempt current and its worker the one the evidence is about. A
 * WAITING task stays WAITING. Otherwise nothing is written.
 *
 * <p>Thread-safe.
 */
public final class TaskRepair {

  /** The cause of a repair whose worker probed DEAD. */
  public static final String PROBE_DEAD = "probe_dead";

  /** The cause of a repair whose worker's pid was recycled. */
  public static final String PROBE_RECYCLED = "probe_recycled";

  /** The cause of a repair whose worker's exit was observed. */
  public static final String WORKER_EXIT = "worker_exit";

  private final Services services;
  private final ObservationTracker tracker;

  /**
   * Creates the repair.
   *
   * @param services the session's services
   * @param tracker the session's observation tracker (slots read inside the update merge into it)
   */
  public TaskRepair(Services services, ObservationTracker tracker) {
    this.services = Objects.requireNonNull(services, "services");
    this.tracker = Objects.requireNonNull(tracker, "tracker");
  }

  /**
   * Repairs the task of an attempt whose worker is gone.
   *
   * @param attempt the attempt whose worker the evidence is about
   * @param worker the worker
   * @param cause {@link #PROBE_DEAD}, {@link #PROBE_RECYCLED} or {@link #WORKER_EXIT}
   * @param exitClass the exit class when the exit was observed, else null
   * @param by who repairs ({@code watcher} or {@code worker_exit}), for the event
   * @return the task's new status, or empty when nothing was written
   */
  public Optional<TaskStatus> repair(
      AttemptId attempt,
      ProcessRef worker,
      String cause,
      @Nullable ExitClass exitClass,
      String by) {
    Session session = services.session();
    if (!session.isActive()) {
      return Optional.empty();
    }
    Owner me;
    try {
      me = session.writer();
    } catch (LeaseLostException | IllegalStateException e) {
      return Optional.empty();
    }
    // The dead worker's log is read before the exclusion; the failure carries it only if the
    // attempt inside the update still names that log.
    Map.Entry<String, String> log = logTail(attempt, worker);
    List<DeadletterEntry> entries = new ArrayList<>();
    TaskStatus[] result = new TaskStatus[1];
    Manifest[] foreign = new Manifest[1];
    UpdateResult r;
    try {
      r =
          services
              .store()
              .update(
                  attempt.runId(),
                  (current, heartbeats) -> {
                    Manifest m = current.manifest();
                    if (m.status().isTerminal()) {
                      return Update.unchanged();
                    }
                    Optional<Long> known = session.knownEpoch(m.runId());
                    if (!me.equals(m.owner()) || (known.isPresent() && known.get() != m.epoch())) {
                      foreign[0] = m;
                      return Update.unchanged();
                    }
                    Optional<TaskState> maybeTask = current.task(attempt.taskId());
                    if (maybeTask.isEmpty() || maybeTask.get().status() != TaskStatus.RUNNING) {
                      return Update.unchanged();
                    }
                    TaskState task = maybeTask.get();
                    Optional<Attempt> cur = task.currentAttempt();
                    if (cur.isEmpty()
                        || !cur.get().id().equals(attempt)
                        || !worker.equals(cur.get().worker())) {
                      return Update.unchanged();
                    }
                    Instant now = services.clock().now();
                    Optional<Observation> obs =
                        tracker.observe(m.runId(), task, heartbeats.get(task.id()), now);
                    Duration age = obs.map(o -> HeartbeatClassifier.age(o, now)).orElse(null);
                    TaskState next;
                    NewEvent event;
                    if (cur.get().result() != null) {
                      task.status()
                          .checkMoveTo(
                              m.status(),
                              task.id(),
                              TaskStatus.COMPLETED,
                              TransitionReason.ORDINARY);
                      next =
                          task.toBuilder()
                              .status(TaskStatus.COMPLETED)
                              .replaceLastAttempt(cur.get().withEndedAt(now))
                              .build();
                      event =
                          Events.data()
                              .put("attempt", attempt)
                              .put("by", by)
                              .put("cause", cause)
                              .event(Events.TASK_COMPLETED, now);
                    } else {
                      Failure failure =
                          new Failure(
                              Failure.WORKER_LOST,
                              "worker " + describe(worker) + " is gone (" + cause + ")",
                              exitClass,
                              VerdictKind.PROCESS_DEAD,
                              age,
                              log != null && log.getKey().equals(cur.get().logPath())
                                  ? log.getValue()
                                  : null,
                              now);
                      AttemptFailures.Outcome o =
                          AttemptFailures.fail(
                              current,
                              task,
                              failure,
                              now,
                              by,
                              cause,
                              services.retryPolicy(),
                              services.config(),
                              services.random());
                      next = o.task();
                      event = o.event();
                      if (o.deadletter() != null) {
                        entries.add(o.deadletter());
                      }
                    }
                    result[0] = next.status();
                    RunSnapshot committed =
                        current.withTask(next).withManifest(m.toBuilder().updatedAt(now).build());
                    return Update.commit(committed, List.of(event), entries);
                  });
    } catch (RunNotFoundException e) {
      session.forget(attempt.runId());
      return Optional.empty();
    }
    Manifest taken = foreign[0];
    if (taken != null) {
      session.forget(taken.runId());
      services.listener().onRunDropped(taken.runId(), taken.owner(), taken.epoch());
      return Optional.empty();
    }
    if (!r.committed() || result[0] == null) {
      return Optional.empty();
    }
    services.listener().onTaskRepaired(attempt, result[0], cause);
    for (DeadletterEntry e : entries) {
      services.listener().onDeadletter(e);
    }
    return Optional.of(result[0]);
  }

  /** Returns (log path, tail) of the attempt's log if its worker is of this host, else null. */
  private Map.@Nullable Entry<String, String> logTail(AttemptId attempt, ProcessRef worker) {
    if (!worker.host().equalsIgnoreCase(services.localHost())) {
      return null;
    }
    String path;
    try {
      path =
          services
              .store()
              .load(attempt.runId())
              .flatMap(s -> s.task(attempt.taskId()))
              .flatMap(TaskState::currentAttempt)
              .filter(a -> a.id().equals(attempt))
              .map(Attempt::logPath)
              .orElse(null);
    } catch (CrewRecoveryException e) {
      return null; // the update reports what is wrong with the run
    }
    String tail = path == null ? null : LogTail.read(path, services.config().logRedaction());
    return tail == null ? null : Map.entry(path, tail);
  }

  static String describe(ProcessRef ref) {
    return ref.pid() + "@" + ref.host();
  }
}
