package dev.crewrecovery.core;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.AttemptNotStartableException;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.IllegalTransitionException;
import dev.crewrecovery.api.LeaseLostException;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunExistsException;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunNotFoundException;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.StaleAttemptException;
import dev.crewrecovery.api.StaleOwnerException;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TerminalTaskException;
import dev.crewrecovery.api.spi.HeartbeatOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The only way a host writes runs (DESIGN sections 3, 7 and 8), returned by {@link
 * CrewRecovery#runs()}.
 *
 * <p><b>How every write works.</b> A write validates its arguments, then runs inside the store's
 * exclusive {@code update} on the freshest committed snapshot: it checks fencing and the transition
 * tables ({@code RunStatus/TaskStatus.checkMoveTo}), and commits the new snapshot with one event
 * per change. A change that needs an intermediate state (a QUEUED run whose first attempt starts
 * goes QUEUED → RUNNING) makes both steps in the same update. Nothing is written when a write is
 * refused. Listener calls, deliveries, {@code onExit} registrations and signals happen after the
 * commit, never inside it.
 *
 * <p><b>Fencing.</b> Methods that take an {@link AttemptId} are <em>worker writes</em>: a write of
 * an attempt that is not its task's current one fails with {@link StaleAttemptException}; of the
 * current attempt of a terminal task with {@link TerminalTaskException}; heartbeats in either case
 * are dropped and counted. Methods that take a {@link RunId} are <em>host writes</em>: the run must
 * be owned by this session's incarnation at the epoch it knows, else {@link StaleOwnerException}.
 * Every write fails with {@link IllegalStateException} before {@link CrewRecovery#start()} or after
 * {@link CrewRecovery#close()}, and with {@link LeaseLostException} once a newer incarnation of the
 * session holds the lease. An unknown run is {@link RunNotFoundException}; an unknown task of a
 * known run is an {@link IllegalArgumentException}.
 *
 * <p><b>Retry.</b> {@link #fail} records the failure on the attempt and asks the {@link
 * RetryPolicy}: when it allows a retry and fewer than {@link RecoveryConfig#maxAttempts()} attempts
 * were made (and the run is not terminal), the task goes back to QUEUED with a durable {@code
 * notBefore} ({@link Backoff}); otherwise it goes FAILED with a {@code MAX_RETRIES} or {@code
 * NON_RETRYABLE} deadletter entry in the same update. A failure with exit class CANCELLED writes no
 * entry.
 *
 * <p><b>Events</b> (type: data keys):
 *
 * <ul>
 *   <li>{@code run.created}: owner, epoch, tasks
 *   <li>{@code run.planning}, {@code run.started}: from
 *   <li>{@code run.blocked}: from, reason; {@code run.approved}, {@code run.rejected}; {@code
 *       run.unblocked}: approval
 *   <li>{@code run.runner_recorded}: runner, logPath
 *   <li>{@code run.finished}: from, status, requested, completedTasks, cancelledTasks
 *   <li>{@code run.reopened}: from (a retry of a task of a terminal run)
 *   <li>{@code run.workers_terminated}: appended after a finish when workers of cancelled tasks
 *       still ran (attempt → liveness/outcome)
 *   <li>{@code task.started}: attempt, worker, logPath, forced, and for a forced start
 *       previousWorker
 *   <li>{@code task.result_recorded}: attempt, reference
 *   <li>{@code task.completed}: attempt, by ({@code host}, {@code finish}, {@code watcher}, {@code
 *       worker_exit})
 *   <li>{@code task.failed}: attempt, code, message, exitClass, by, deadletter (reason), cause
 *   <li>{@code task.retry_scheduled}: attempt, code, exitClass, notBefore, by, cause
 *   <li>{@code task.cancelled}, {@code task.skipped}: attempt, by
 *   <li>{@code task.needs_attention}: attempt, reason
 *   <li>{@code task.waiting}: attempt, question, deadline
 *   <li>{@code task.answered}: attempt, answer, resumed ({@code true}: same attempt RUNNING again;
 *       {@code false}: requeued for a new attempt)
 *   <li>{@code task.retried}: from, attempt (explicit retry)
 * </ul>
 *
 * <p>The heartbeat watcher adds {@code task.heartbeat_dead}, {@code task.heartbeat_recovered},
 * {@code task.deadlettered} and {@code time.discontinuity} through {@code appendEvents}.
 *
 * <p><b>Threading.</b> Thread-safe: calls from any number of threads are serialized per run by the
 * store.
 */
public interface RunLedger {

  /**
   * Creates a run owned by this session's incarnation at epoch 1, QUEUED, with QUEUED tasks.
   *
   * @param runId the run
   * @param tasks its tasks, in order, without repeats
   * @return the committed snapshot (version 1)
   * @throws RunExistsException if the store holds the run
   * @throws IllegalArgumentException if a task id repeats
   */
  RunSnapshot create(RunId runId, List<TaskId> tasks);

  /**
   * Creates a run with host-defined attributes; otherwise as {@link #create(RunId, List)}.
   *
   * @param runId the run
   * @param tasks its tasks
   * @param attributes free key/value pairs kept in the manifest
   * @return the committed snapshot
   */
  RunSnapshot create(RunId runId, List<TaskId> tasks, Map<String, String> attributes);

  /**
   * Reads a run's committed snapshot. Not a write: allowed before start and after close.
   *
   * @param runId the run
   * @return the snapshot, or empty
   */
  Optional<RunSnapshot> snapshot(RunId runId);

  /**
   * Waits for a run to become terminal (COMPLETED, FAILED or CANCELLED), without polling in the
   * caller: a change committed in this JVM through the session's store completes the future inside
   * the committing call; a change committed by another process on the same file store is seen
   * through a directory watch, and at the latest after {@link RecoveryConfig#awaitRescanInterval()}
   * by the session's one periodic re-read of every awaited run (watch events may be dropped). A run
   * that is terminal already completes the future before this method returns. Not a write: allowed
   * before {@link CrewRecovery#start()}.
   *
   * <p>The future completes exactly once: with the first terminal snapshot seen; exceptionally with
   * {@link RunNotFoundException} when the run does not exist or was deleted, with {@link
   * dev.crewrecovery.api.CorruptStateException} when it was quarantined, with a {@link
   * java.util.concurrent.CancellationException} when the facade closes. Bound it with {@code
   * orTimeout}; cancelling or timing it out removes the waiter. Dependent stages attached without
   * an executor run on the completing thread, which may be a committing thread: keep them short.
   * Waiting costs no thread: one watcher serves every waiter of the session.
   *
   * @param runId the run
   * @return the future of the terminal snapshot
   * @throws IllegalStateException after {@link CrewRecovery#close()}
   */
  CompletableFuture<RunSnapshot> awaitRun(RunId runId);

  /**
   * Waits for a task to become terminal (COMPLETED, FAILED, CANCELLED, SKIPPED or NEEDS_ATTENTION);
   * otherwise as {@link #awaitRun}. The future completes with the first run snapshot in which the
   * task is terminal, or exceptionally with {@link IllegalArgumentException} when the run has no
   * such task.
   *
   * @param runId the run
   * @param taskId the task
   * @return the future of the run's snapshot in which the task is terminal
   * @throws IllegalStateException after {@link CrewRecovery#close()}
   */
  CompletableFuture<RunSnapshot> awaitTask(RunId runId, TaskId taskId);

  /**
   * Subscribes a listener to every state change of a run (see {@link RunChangeListener} for order,
   * threading and what "every" means across processes). The listener is first called with the run's
   * current snapshot, before this method returns (unless another thread is passing on a change of
   * the run at that moment: then that thread makes the call). Not a write: allowed before {@link
   * CrewRecovery#start()}.
   *
   * @param runId the run
   * @param listener the listener
   * @return the handle that unsubscribes it
   * @throws IllegalStateException after {@link CrewRecovery#close()}
   */
  RunSubscription subscribe(RunId runId, RunChangeListener listener);

  /**
   * Moves a run QUEUED → PLANNING.
   *
   * @param runId the run
   * @return the committed snapshot
   * @throws IllegalTransitionException unless the run is QUEUED
   */
  RunSnapshot plan(RunId runId);

  /**
   * Moves a run QUEUED or PLANNING → RUNNING.
   *
   * @param runId the run
   * @return the committed snapshot
   * @throws IllegalTransitionException from any other status (use {@link #unblock} for BLOCKED)
   */
  RunSnapshot start(RunId runId);

  /**
   * Blocks a PLANNING or RUNNING run. For {@link BlockReason#APPROVAL} the run gets a PENDING
   * approval marker, which shields it from repair until it leaves BLOCKED.
   *
   * @param runId the run
   * @param reason why
   * @return the committed snapshot
   * @throws IllegalTransitionException from any other status
   */
  RunSnapshot block(RunId runId, BlockReason reason);

  /**
   * Approves a run awaiting approval: its marker becomes APPROVED; it stays BLOCKED until {@link
   * #unblock} (or {@link #finish}). Approving an approved run changes nothing.
   *
   * @param runId the run
   * @return the snapshot after the call
   * @throws IllegalTransitionException unless the run is BLOCKED with a PENDING or APPROVED marker
   */
  RunSnapshot approve(RunId runId);

  /**
   * Rejects a run awaiting approval: its marker becomes REJECTED; it stays BLOCKED. Rejecting a
   * rejected run changes nothing.
   *
   * @param runId the run
   * @return the snapshot after the call
   * @throws IllegalTransitionException unless the run is BLOCKED with a PENDING or REJECTED marker
   */
  RunSnapshot reject(RunId runId);

  /**
   * Moves a BLOCKED run → RUNNING and removes its approval marker. A run whose marker is still
   * PENDING or was REJECTED cannot be unblocked (finish it instead).
   *
   * @param runId the run
   * @return the committed snapshot
   * @throws IllegalTransitionException unless the run is BLOCKED without a PENDING or REJECTED
   *     marker
   */
  RunSnapshot unblock(RunId runId);

  /**
   * Starts a new attempt of a QUEUED task without a recorded worker.
   *
   * @param runId the run
   * @param taskId the task
   * @return the new attempt
   * @see #startAttempt(RunId, TaskId, ProcessRef, String, boolean)
   */
  AttemptId startAttempt(RunId runId, TaskId taskId);

  /**
   * Starts a new attempt (number + 1) of a QUEUED task: the task goes RUNNING (and a QUEUED or
   * PLANNING run goes RUNNING in the same update), the attempt records the worker, the session that
   * vouches for it and its log path, and the start is its first beat ({@code lastSeenAt} = start,
   * and a heartbeat on the fast path). After the commit the worker's exit is watched: it triggers
   * task-level repair at once.
   *
   * <p>Refused with {@link AttemptNotStartableException} when {@code now < notBefore} (retry
   * back-off), or, unless {@code force}, while the previous attempt's worker probes ALIVE, or
   * UNKNOWN on this host (probed at the call). A forced start skips the worker check and says so in
   * its {@code task.started} event and on the attempt.
   *
   * @param runId the run
   * @param taskId the task
   * @param worker the worker process, if known
   * @param logPath the absolute path of the worker's log, if any
   * @param force whether to skip the previous-worker check
   * @return the new attempt
   * @throws AttemptNotStartableException as above, or when the task is RUNNING or WAITING
   * @throws IllegalTransitionException when the task is terminal or the run is BLOCKED or terminal
   * @throws IllegalArgumentException if {@code logPath} is not absolute
   */
  AttemptId startAttempt(
      RunId runId,
      TaskId taskId,
      @Nullable ProcessRef worker,
      @Nullable String logPath,
      boolean force);

  /**
   * Records the run's detached runner, vouched for by this session.
   *
   * @param runId the run
   * @param runner the runner process
   * @param logPath the absolute path of its log, if any
   * @return the committed snapshot
   * @throws IllegalTransitionException if the run is terminal
   */
  RunSnapshot recordRunner(RunId runId, ProcessRef runner, @Nullable String logPath);

  /**
   * Records a heartbeat of an attempt on the fast path (no run lock, no sync), at the clock's now.
   * A beat of a non-current attempt or a terminal task is dropped and counted.
   *
   * @param attempt the attempt
   * @return what the store did with it
   */
  HeartbeatOutcome heartbeat(AttemptId attempt);

  /**
   * Records activity (progress) of an attempt on the fast path; rules as {@link #heartbeat}.
   *
   * @param attempt the attempt
   * @return what the store did with it
   */
  HeartbeatOutcome activity(AttemptId attempt);

  /**
   * Records that the attempt's worker announced its end ({@code alive = false}) on the fast path:
   * never life evidence; the watcher classifies the task DEAD (STALE while its process lives).
   *
   * @param attempt the attempt
   * @return what the store did with it
   */
  HeartbeatOutcome workerEnded(AttemptId attempt);

  /** Returns how many beats, activity marks and end marks this ledger saw dropped. */
  long droppedHeartbeats();

  /**
   * Records the result of the current attempt of a RUNNING or WAITING task, without changing its
   * status: from now on repair completes the task instead of failing it ("result wins"). Call it
   * before {@link #complete(AttemptId)} so a crash between the two loses nothing. Recording the
   * same reference again changes nothing. After the commit the result is handed to delivery.
   *
   * @param attempt the attempt
   * @param reference the result reference
   * @return the snapshot after the call
   * @throws StaleAttemptException if the attempt is not current
   * @throws TerminalTaskException if its task is terminal
   * @throws IllegalStateException if the attempt already recorded another reference
   */
  RunSnapshot recordResult(AttemptId attempt, String reference);

  /**
   * Completes the task of the current attempt (RUNNING or WAITING → COMPLETED).
   *
   * @param attempt the attempt
   * @return the committed snapshot
   * @throws StaleAttemptException if the attempt is not current
   * @throws TerminalTaskException if its task is terminal
   */
  RunSnapshot complete(AttemptId attempt);

  /**
   * Records a result and completes the task in one update.
   *
   * @param attempt the attempt
   * @param reference the result reference
   * @return the committed snapshot
   * @throws StaleAttemptException if the attempt is not current
   * @throws TerminalTaskException if its task is terminal
   */
  RunSnapshot complete(AttemptId attempt, String reference);

  /**
   * Fails the current attempt of a RUNNING or WAITING task with a structured failure, then requeues
   * the task with a back-off or fails it with a deadletter entry, as the retry policy and {@link
   * RecoveryConfig#maxAttempts()} say (see the class comment).
   *
   * @param attempt the attempt
   * @param failure the failure
   * @return the committed snapshot (the task QUEUED or FAILED)
   * @throws StaleAttemptException if the attempt is not current
   * @throws TerminalTaskException if its task is terminal
   */
  RunSnapshot fail(AttemptId attempt, Failure failure);

  /**
   * Cancels a task (QUEUED, RUNNING, WAITING, FAILED or SKIPPED → CANCELLED). Writes no deadletter
   * entry and sends no signal: the host stops its own worker.
   *
   * @param runId the run
   * @param taskId the task
   * @return the committed snapshot
   * @throws IllegalTransitionException if the table forbids it or the run is terminal
   */
  RunSnapshot cancel(RunId runId, TaskId taskId);

  /**
   * Skips a QUEUED task.
   *
   * @param runId the run
   * @param taskId the task
   * @return the committed snapshot
   * @throws IllegalTransitionException unless the task is QUEUED in a non-terminal run
   */
  RunSnapshot skip(RunId runId, TaskId taskId);

  /**
   * Moves the task of the current attempt (RUNNING or WAITING) to NEEDS_ATTENTION.
   *
   * @param attempt the attempt
   * @param reason why a human is needed
   * @return the committed snapshot
   * @throws StaleAttemptException if the attempt is not current
   * @throws TerminalTaskException if its task is terminal
   */
  RunSnapshot needsAttention(AttemptId attempt, String reason);

  /**
   * Parks the task of the current attempt: RUNNING → WAITING with a wait marker {askedAt = now,
   * deadline, question}. A waiting task shields its run from repair while the marker is fresh.
   *
   * @param attempt the attempt
   * @param question what was asked
   * @param deadline after which the wait no longer shields the run, or null
   * @return the committed snapshot
   * @throws StaleAttemptException if the attempt is not current
   * @throws TerminalTaskException if its task is terminal
   * @throws IllegalTransitionException if the task is not RUNNING
   */
  RunSnapshot waitForAnswer(AttemptId attempt, String question, @Nullable Instant deadline);

  /**
   * Answers a WAITING task and removes its marker. When the current attempt's worker probes ALIVE
   * or UNKNOWN (it waits for the answer in place) the task goes back to RUNNING in the same
   * attempt, with a fresh {@code lastSeenAt}; otherwise (the worker exited, or none was recorded)
   * it goes QUEUED and the next {@link #startAttempt} creates a new attempt (DESIGN section 7).
   *
   * @param runId the run
   * @param taskId the task
   * @param answer the answer, recorded in the {@code task.answered} event
   * @return the committed snapshot
   * @throws IllegalTransitionException unless the task is WAITING in a non-terminal run
   */
  RunSnapshot answer(RunId runId, TaskId taskId, String answer);

  /**
   * Finishes a run (DESIGN section 3). First its non-terminal tasks are closed: RUNNING or WAITING
   * tasks with a result of their current attempt become COMPLETED, the others CANCELLED. Then the
   * run moves to {@code status}, or, when null, to the status derived from its now terminal tasks
   * (FAILED if any task is FAILED or NEEDS_ATTENTION, else CANCELLED if every task is CANCELLED or
   * SKIPPED, else COMPLETED), passing through RUNNING where the table requires it, all in one
   * update. After the commit the run's notification is handed to delivery, and the workers of the
   * cancelled tasks that still probe ALIVE are terminated (identity re-checked by the probe); an
   * UNKNOWN one is only reported. A finished run never hides live work.
   *
   * @param runId the run
   * @param status the terminal status to finish with, or null to derive it
   * @return the committed snapshot
   * @throws IllegalArgumentException if {@code status} is not terminal
   * @throws IllegalTransitionException if the table forbids the move
   */
  RunSnapshot finish(RunId runId, @Nullable RunStatus status);

  /**
   * Explicitly retries a terminal task (COMPLETED, FAILED, CANCELLED, SKIPPED or NEEDS_ATTENTION →
   * QUEUED): its last attempt stops being current, its back-off is cleared, and the next {@link
   * #startAttempt} creates a new attempt. A terminal run moves to RUNNING in the same update.
   *
   * @param runId the run
   * @param taskId the task
   * @return the committed snapshot
   * @throws IllegalTransitionException if the task is not terminal
   */
  RunSnapshot retry(RunId runId, TaskId taskId);
}
