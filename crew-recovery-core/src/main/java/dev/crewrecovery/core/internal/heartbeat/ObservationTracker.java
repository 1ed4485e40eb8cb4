package dev.crewrecovery.core.internal.heartbeat;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.HeartbeatReading;
import dev.crewrecovery.api.HeartbeatSlot;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Keeps one session's observations of heartbeat slots (DESIGN section 6).
 *
 * <p>Per task it follows the current attempt only; slots of any other attempt are ignored. The
 * first time it sees a slot of an attempt it takes the worker's instants, clamped to {@code now};
 * after that it takes {@code now} whenever a counter is seen to increase, so that workers need not
 * share the host's clock. {@code lastSeenAt} never decreases, and it starts at the attempt's start
 * (or the snapshot's later {@code lastSeenAt}), so an attempt always has a timestamp. An unreadable
 * slot (missing, torn, of another attempt) leaves the last good observation in place: the later of
 * the attempt's start and what was seen before, aging like any other instant.
 *
 * <p>Thread-safe (every method is synchronized): the watcher and repairs running inside an update
 * share one tracker.
 */
public final class ObservationTracker {

  private record Key(RunId runId, TaskId taskId) {}

  private static final class Entry {
    final AttemptId attempt;
    Instant lastSeenAt;
    @Nullable Instant lastActivityAt;
    boolean ended;
    boolean sawSlot;
    long beatCounter;
    long activityCounter;

    Entry(AttemptId attempt, Instant lastSeenAt, @Nullable Instant lastActivityAt) {
      this.attempt = attempt;
      this.lastSeenAt = lastSeenAt;
      this.lastActivityAt = lastActivityAt;
    }
  }

  private final Map<Key, Entry> entries = new HashMap<>();

  /**
   * Merges a task's snapshot state and slot reading into its observation.
   *
   * @param runId the run
   * @param task the task's state, from a fresh snapshot
   * @param reading the task's slot reading, or null when none was read
   * @param now the instant of the read
   * @return the observation of the task's current attempt, or empty when it has none
   */
  public synchronized Optional<Observation> observe(
      RunId runId, TaskState task, @Nullable HeartbeatReading reading, Instant now) {
    Optional<Attempt> current = task.currentAttempt();
    if (current.isEmpty()) {
      entries.remove(new Key(runId, task.id()));
      return Optional.empty();
    }
    Attempt attempt = current.get();
    Key key = new Key(runId, task.id());
    Entry e = entries.get(key);
    if (e == null || !e.attempt.equals(attempt.id())) {
      e = new Entry(attempt.id(), clamp(attempt.startedAt(), now), null);
      entries.put(key, e);
    }
    // Host-written timestamps of the snapshot (start, answer) are a floor, never a step back.
    Instant snapshotSeen = task.lastSeenAt();
    if (snapshotSeen != null) {
      e.lastSeenAt = max(e.lastSeenAt, clamp(snapshotSeen, now));
    }
    Instant snapshotActivity = task.lastActivityAt();
    if (snapshotActivity != null && !snapshotActivity.isBefore(attempt.startedAt())) {
      e.lastActivityAt = max(e.lastActivityAt, clamp(snapshotActivity, now));
    }
    boolean readable = false;
    HeartbeatSlot slot = reading == null ? null : reading.slot();
    if (slot != null && slot.attempt().equals(attempt.id())) {
      readable = true;
      if (!e.sawSlot) {
        e.lastSeenAt = max(e.lastSeenAt, clamp(slot.beatAt(), now));
        Instant slotActivity = slot.activityAt();
        if (slotActivity != null) {
          e.lastActivityAt = max(e.lastActivityAt, clamp(slotActivity, now));
        }
        e.sawSlot = true;
      } else {
        if (slot.beatCounter() > e.beatCounter) {
          e.lastSeenAt = max(e.lastSeenAt, now);
        }
        if (slot.activityCounter() > e.activityCounter) {
          e.lastActivityAt = max(e.lastActivityAt, now);
        }
      }
      e.beatCounter = slot.beatCounter();
      e.activityCounter = slot.activityCounter();
      e.ended = !slot.alive();
    }
    return Optional.of(
        new Observation(e.attempt, e.lastSeenAt, e.lastActivityAt, e.ended, readable));
  }

  /**
   * Forgets a task's observation.
   *
   * @param runId the run
   * @param taskId the task
   */
  public synchronized void forget(RunId runId, TaskId taskId) {
    entries.remove(new Key(runId, taskId));
  }

  /** Returns how many tasks are tracked (for tests and diagnostics). */
  public synchronized int size() {
    return entries.size();
  }

  private static Instant clamp(Instant instant, Instant now) {
    return instant.isAfter(now) ? now : instant;
  }

  private static Instant max(@Nullable Instant a, Instant b) {
    return a == null || b.isAfter(a) ? b : a;
  }
}
