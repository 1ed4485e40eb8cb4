package dev.crewrecovery.testkit.properties;

import static dev.crewrecovery.testkit.properties.EvidenceSpace.NOW;

import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.testkit.properties.EvidenceSpace.Case;
import dev.crewrecovery.testkit.properties.EvidenceSpace.Marker;
import dev.crewrecovery.testkit.properties.EvidenceSpace.Probe;
import dev.crewrecovery.testkit.properties.EvidenceSpace.TaskCase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * DESIGN section 7 read aloud, for one {@link Case}: the rules in their order, first match wins.
 * Written from the text, not from the code: it looks at the case's plain values, never at the
 * decision function's types. Thresholds are the documented defaults.
 */
final class Section7Oracle {
  static final Duration DAY = Duration.ofHours(24);
  static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

  /** What the rules say: a verdict, the verdict it defers, the status a run's tasks derive. */
  record Expected(VerdictKind kind, @Nullable VerdictKind deferred, @Nullable RunStatus derived) {
    static Expected of(VerdictKind kind) {
      return new Expected(kind, null, null);
    }

    static Expected deferring(VerdictKind kind) {
      return new Expected(VerdictKind.DEFERRED, kind, null);
    }
  }

  private Section7Oracle() {}

  static Expected expect(Case c) {
    RunStatus status = c.run().status;
    List<TaskCase> tasks = c.tasks();

    // 0. Run terminal: nothing to do.
    if (status == RunStatus.COMPLETED
        || status == RunStatus.FAILED
        || status == RunStatus.CANCELLED) {
      return Expected.of(VerdictKind.TERMINAL);
    }

    // 1. Intentional wait. BLOCKED with a PENDING approval marker never expires.
    if (status == RunStatus.BLOCKED
        && c.run().approval == dev.crewrecovery.api.ApprovalState.PENDING) {
      return Expected.of(VerdictKind.AWAITING_APPROVAL);
    }
    // A WAITING task's marker asked at most 24 h ago (a future one is fresh), before its deadline.
    boolean shieldedButForAge = false;
    for (TaskCase t : tasks) {
      if (t.status() != TaskStatus.WAITING || t.marker() == Marker.NONE) {
        continue;
      }
      if (deadlinePassed(t.marker())) {
        continue;
      }
      if (markerAsked(t.marker()).compareTo(DAY) <= 0) {
        return Expected.of(VerdictKind.WAITING_ANSWER);
      }
      shieldedButForAge = true;
    }
    // Inside a grace window, a run step 1 would shield but for a marker's age is deferred,
    // whatever later steps say.
    if (c.grace() && shieldedButForAge) {
      return Expected.deferring(VerdictKind.WAITING_ANSWER);
    }

    // 2. Every task terminal or RUNNING/WAITING with a result of its attempt.
    if (!tasks.isEmpty() && tasks.stream().allMatch(Section7Oracle::settled)) {
      RunStatus derived = derive(tasks);
      if (status == RunStatus.BLOCKED && derived == RunStatus.COMPLETED) {
        return new Expected(VerdictKind.RESULT_READY_BLOCKED, null, derived);
      }
      return new Expected(VerdictKind.RESULT_EXISTS, null, derived);
    }

    // 3. A recorded runner that probes DEAD or RECYCLED (under the run's current epoch).
    if (c.runner() == Probe.DEAD || c.runner() == Probe.RECYCLED) {
      return Expected.of(VerdictKind.PROCESS_DEAD);
    }

    // 4. No runner: classify the RUNNING/WAITING tasks without a result.
    if (c.runner() == Probe.NO_PROCESS) {
      boolean live = false;
      boolean dead = false;
      boolean stale = false;
      for (TaskCase t : tasks) {
        if (!open(t) || t.result()) {
          continue;
        }
        if (t.probe() == Probe.DEAD || t.probe() == Probe.RECYCLED) {
          dead = true;
        } else if (t.probe() == Probe.ALIVE
            || t.probe() == Probe.UNKNOWN
            || (t.activity().age != null && t.activity().age.compareTo(FIVE_MINUTES) <= 0)) {
          live = true;
        } else if (t.activity().age != null) {
          stale = true;
        }
        // else: silent
      }
      if (live) {
        return Expected.of(VerdictKind.ACTIVE);
      }
      // In a grace window a stale task's age cannot be trusted: it might be live, and a live task
      // would make the run ACTIVE. So no run-level verdict rests on it; dead workers still get
      // their task-level repair (process evidence is never deferred).
      if (c.grace() && stale) {
        return Expected.deferring(dead ? VerdictKind.PROCESS_DEAD : VerdictKind.STALE_NO_PROCESS);
      }
      if (dead) {
        return Expected.of(VerdictKind.PROCESS_DEAD);
      }
      if (stale) {
        return Expected.of(VerdictKind.STALE_NO_PROCESS);
      }
      if (c.updateAge().age.compareTo(DAY) > 0) {
        return c.grace()
            ? Expected.deferring(VerdictKind.ABANDONED)
            : Expected.of(VerdictKind.ABANDONED);
      }
      return Expected.of(VerdictKind.NO_EVIDENCE);
    }

    // 5. A runner that probes ALIVE or UNKNOWN, no committed update and no heartbeat or activity
    // of any task for more than 24 h.
    if (c.runner() == Probe.ALIVE || c.runner() == Probe.UNKNOWN) {
      boolean quietTasks =
          tasks.stream()
              .allMatch(t -> t.activity().age == null || t.activity().age.compareTo(DAY) > 0);
      if (c.updateAge().age.compareTo(DAY) > 0 && quietTasks) {
        return c.grace()
            ? Expected.deferring(VerdictKind.ALIVE_BUT_STALE)
            : Expected.of(VerdictKind.ALIVE_BUT_STALE);
      }
    }

    // 6. Otherwise (a runner that is alive and moving, or recorded but not probed).
    return Expected.of(VerdictKind.HEALTHY);
  }

  static boolean open(TaskCase t) {
    return t.status() == TaskStatus.RUNNING || t.status() == TaskStatus.WAITING;
  }

  static boolean terminal(TaskStatus s) {
    return s != TaskStatus.QUEUED && s != TaskStatus.RUNNING && s != TaskStatus.WAITING;
  }

  static boolean settled(TaskCase t) {
    return terminal(t.status()) || (open(t) && t.result());
  }

  /** FAILED if any task FAILED or NEEDS_ATTENTION, else CANCELLED if all CANCELLED/SKIPPED. */
  static RunStatus derive(List<TaskCase> tasks) {
    boolean failed = false;
    boolean allCancelledOrSkipped = true;
    for (TaskCase t : tasks) {
      // a task with a result of its attempt is the COMPLETED task finalizing makes of it
      TaskStatus s = open(t) ? TaskStatus.COMPLETED : t.status();
      failed |= s == TaskStatus.FAILED || s == TaskStatus.NEEDS_ATTENTION;
      allCancelledOrSkipped &= s == TaskStatus.CANCELLED || s == TaskStatus.SKIPPED;
    }
    if (failed) {
      return RunStatus.FAILED;
    }
    return allCancelledOrSkipped ? RunStatus.CANCELLED : RunStatus.COMPLETED;
  }

  private static boolean deadlinePassed(Marker m) {
    Instant deadline = m.marker() == null ? null : m.marker().deadline();
    return deadline != null && NOW.isAfter(deadline);
  }

  /** How long ago the marker's question was asked; a future question counts as just asked. */
  private static Duration markerAsked(Marker m) {
    Duration ago = Duration.between(m.marker().askedAt(), NOW);
    return ago.isNegative() ? Duration.ZERO : ago;
  }
}
