package dev.crewrecovery.core.internal.recovery;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.HeartbeatReading;
import dev.crewrecovery.api.HeartbeatSlot;
import dev.crewrecovery.api.Lease;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.WaitMarker;
import dev.crewrecovery.core.internal.decide.TaskObservation;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Ages timestamps that lie in the future (DESIGN section 9): "a timestamp later than the wall time
 * at which a reader first saw it counts as observed at that read, and ages from there in monotonic
 * time". A worker or host whose clock runs ahead, or a wall step backwards, would otherwise make an
 * instant look fresh until wall time catches up with it, possibly for hours; here it ages like any
 * other from the read that first found it in the future.
 *
 * <p>Each such timestamp is remembered under a key (what it stamps) with the monotonic time of that
 * first read. Its effective instant is {@code now − (mono − firstMono)}, never later than the
 * timestamp itself, so once wall time has passed it, it is never judged younger than its wall age.
 * A key whose value changes starts over; one not read for {@link #KEEP} of monotonic time is
 * dropped. A timestamp that was never seen in the future is returned as is, at no cost.
 *
 * <p>Thread-safe (synchronized).
 */
final class FutureInstants {
  /** How long a remembered timestamp is kept without being read (monotonic time). */
  static final Duration KEEP = Duration.ofMinutes(10);

  private record Key(Object owner, String what) {}

  private static final class Seen {
    final Instant stamped;
    final long firstMono;
    long lastReadMono;

    Seen(Instant stamped, long mono) {
      this.stamped = stamped;
      this.firstMono = mono;
      this.lastReadMono = mono;
    }
  }

  private final Map<Key, Seen> seen = new HashMap<>();

  /**
   * Returns the instant to judge a timestamp by.
   *
   * @param owner what the timestamp belongs to (a run, an attempt, a session)
   * @param what which of its timestamps
   * @param stamped the timestamp as stored
   * @param now the wall time of the read
   * @param mono the monotonic time of the read
   * @return {@code stamped} if it was never seen in the future; else the instant it was first seen
   *     at, aged since in monotonic time
   */
  synchronized Instant effective(
      Object owner, String what, Instant stamped, Instant now, long mono) {
    Key key = new Key(owner, what);
    Seen s = seen.get(key);
    if (s != null && s.stamped.equals(stamped)) {
      s.lastReadMono = mono;
      Instant aged = now.minusNanos(Math.max(0, mono - s.firstMono));
      return aged.isBefore(stamped) ? aged : stamped;
    }
    if (!stamped.isAfter(now)) {
      if (s != null) {
        seen.remove(key);
      }
      return stamped;
    }
    seen.put(key, new Seen(stamped, mono));
    return now;
  }

  private @Nullable Instant effectiveOrNull(
      Object owner, String what, @Nullable Instant stamped, Instant now, long mono) {
    return stamped == null ? null : effective(owner, what, stamped, now, mono);
  }

  /**
   * Returns the snapshot to judge: the manifest's {@code updatedAt}, and the tasks' {@code
   * lastSeenAt}, {@code lastActivityAt}, wait markers' {@code askedAt} and current attempts' {@code
   * startedAt} replaced by their effective instants; the same snapshot when none differs.
   *
   * @param s the snapshot as stored
   * @param now the wall time of the read
   * @param mono the monotonic time of the read
   * @return the snapshot to judge
   */
  RunSnapshot aged(RunSnapshot s, Instant now, long mono) {
    boolean any = anyRemembered();
    Manifest m = s.manifest();
    Instant updated = effective(s.runId(), "updatedAt", m.updatedAt(), now, mono);
    RunSnapshot out =
        updated.equals(m.updatedAt())
            ? s
            : s.withManifest(m.toBuilder().updatedAt(updated).build());
    List<TaskState> tasks = s.tasks();
    for (TaskState t : tasks) {
      Attempt current = t.currentAttempt().orElse(null);
      boolean future =
          any
              || isAfter(t.lastSeenAt(), now)
              || isAfter(t.lastActivityAt(), now)
              || (current != null && current.startedAt().isAfter(now));
      WaitMarker w = t.waitMarker();
      future |= w != null && w.askedAt().isAfter(now);
      if (!future) {
        continue;
      }
      String owner = s.runId().value() + ":" + t.id().value();
      Instant seenAt = effectiveOrNull(owner, "lastSeenAt", t.lastSeenAt(), now, mono);
      Instant activityAt = effectiveOrNull(owner, "lastActivityAt", t.lastActivityAt(), now, mono);
      boolean changed =
          !Objects.equals(seenAt, t.lastSeenAt())
              || !Objects.equals(activityAt, t.lastActivityAt());
      WaitMarker marker = w;
      if (w != null) {
        Instant asked = effective(owner, "askedAt", w.askedAt(), now, mono);
        if (!asked.equals(w.askedAt())) {
          marker = new WaitMarker(asked, w.deadline(), w.question());
          changed = true;
        }
      }
      // The start of the current attempt is the floor of its observation (DESIGN section 6).
      Attempt started = null;
      if (current != null) {
        Instant at = effective(current.id(), "startedAt", current.startedAt(), now, mono);
        if (!at.equals(current.startedAt())) {
          changed = true;
          started =
              new Attempt(
                  current.id(),
                  at,
                  current.worker(),
                  current.vouchedBy(),
                  current.logPath(),
                  current.result(),
                  current.failure(),
                  current.endedAt(),
                  current.forced());
        }
      }
      if (!changed) {
        continue;
      }
      TaskState.Builder b =
          t.toBuilder().lastSeenAt(seenAt).lastActivityAt(activityAt).waitMarker(marker);
      if (started != null) {
        b.replaceLastAttempt(started);
      }
      out = out.withTask(b.build());
    }
    return out;
  }

  /**
   * Returns the observation to judge, its instants replaced by their effective ones.
   *
   * @param o the observation
   * @param now the wall time of the read
   * @param mono the monotonic time of the read
   * @return the observation to judge
   */
  TaskObservation aged(TaskObservation o, Instant now, long mono) {
    boolean any =
        anyRemembered() || isAfter(o.lastSeenAt(), now) || isAfter(o.lastActivityAt(), now);
    if (!any) {
      return o;
    }
    Instant seenAt = effectiveOrNull(o.attempt(), "observedSeen", o.lastSeenAt(), now, mono);
    Instant activityAt =
        effectiveOrNull(o.attempt(), "observedActivity", o.lastActivityAt(), now, mono);
    if (Objects.equals(seenAt, o.lastSeenAt()) && Objects.equals(activityAt, o.lastActivityAt())) {
      return o;
    }
    return new TaskObservation(o.attempt(), seenAt, activityAt, o.ended(), o.readable());
  }

  /**
   * Returns the heartbeat reading to judge: its slot's beat and activity instants replaced by their
   * effective ones (a worker whose clock runs ahead writes instants in the future).
   *
   * @param reading the reading, or null
   * @param now the wall time of the read
   * @param mono the monotonic time of the read
   * @return the reading to judge, or null
   */
  @Nullable HeartbeatReading aged(@Nullable HeartbeatReading reading, Instant now, long mono) {
    HeartbeatSlot slot = reading == null ? null : reading.slot();
    if (reading == null || slot == null) {
      return reading;
    }
    if (!anyRemembered() && !slot.beatAt().isAfter(now) && !isAfter(slot.activityAt(), now)) {
      return reading;
    }
    Instant beatAt = effective(slot.attempt(), "slotBeatAt", slot.beatAt(), now, mono);
    Instant activityAt =
        effectiveOrNull(slot.attempt(), "slotActivityAt", slot.activityAt(), now, mono);
    if (beatAt.equals(slot.beatAt()) && Objects.equals(activityAt, slot.activityAt())) {
      return reading;
    }
    return HeartbeatReading.ok(
        reading.task(),
        new HeartbeatSlot(
            slot.attempt(),
            slot.beatCounter(),
            beatAt,
            slot.activityCounter(),
            activityAt,
            slot.alive()));
  }

  /**
   * Returns the lease to judge, its renewal instant replaced by its effective one.
   *
   * @param lease the lease
   * @param now the wall time of the read
   * @param mono the monotonic time of the read
   * @return the lease to judge
   */
  Lease aged(Lease lease, Instant now, long mono) {
    if (!anyRemembered() && !lease.renewedAt().isAfter(now)) {
      return lease;
    }
    Instant renewed = effective(lease.owner(), "renewedAt", lease.renewedAt(), now, mono);
    return renewed.equals(lease.renewedAt())
        ? lease
        : new Lease(
            lease.session(), lease.incarnation(), lease.acquiredAt(), renewed, lease.released());
  }

  /**
   * Drops the timestamps not read for {@link #KEEP}.
   *
   * @param mono the monotonic time now
   */
  synchronized void collect(long mono) {
    long keep = KEEP.toNanos();
    for (Iterator<Seen> it = seen.values().iterator(); it.hasNext(); ) {
      if (mono - it.next().lastReadMono > keep) {
        it.remove();
      }
    }
  }

  /** Returns how many timestamps are remembered (for tests). */
  synchronized int size() {
    return seen.size();
  }

  private synchronized boolean anyRemembered() {
    return !seen.isEmpty();
  }

  private static boolean isAfter(@Nullable Instant instant, Instant now) {
    return instant != null && instant.isAfter(now);
  }
}
