package dev.crewrecovery.testkit.properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.testkit.ManualDriver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Properties 3, 4, 5 and 7 of issue 4, on the real engine: a host started by a {@link ManualDriver}
 * on a random {@link World} of runs runs its first recovery pass (inside a grace window for a
 * quarter of the worlds), then its watcher and loops for two minutes.
 */
class RepairPropertyTest {
  static {
    Quiet.engineLogs();
  }

  private static final int EXAMPLES = 1_000;

  /** How many examples changed something, so that the properties are not vacuous. */
  private static final AtomicInteger REPAIRED_RUNS = new AtomicInteger();

  private static final AtomicInteger COMPLETED_BY_RESULT = new AtomicInteger();

  private static final AtomicInteger P3_EXAMPLES = new AtomicInteger();

  private static final AtomicInteger P7_EXAMPLES = new AtomicInteger();

  /** Runs the host on the world and returns it, with the snapshots before as {@code before}. */
  private static ManualDriver settle(World w) {
    ManualDriver d = w.host();
    d.advance(Duration.ofMinutes(2));
    return d;
  }

  @Test
  void property3_aTerminalRunIsNeverModifiedAndARepairNeverChangesATerminalTask() {
    qt().withExamples(EXAMPLES)
        .withShrinkCycles(0)
        .forAll(longs().all())
        .checkAssert(
            seed -> {
              P3_EXAMPLES.incrementAndGet();
              World w = new World(seed);
              Map<RunId, RunSnapshot> before = w.snapshots();
              try (ManualDriver d = settle(w)) {
                Map<RunId, RunSnapshot> after = w.snapshots();
                for (RunId id : before.keySet()) {
                  RunSnapshot b = before.get(id);
                  RunSnapshot a = after.get(id);
                  if (b.manifest().status().isTerminal()) {
                    assertThat(a).as("terminal run %s in %s", id, w).isEqualTo(b);
                  }
                  for (TaskState t : b.tasks()) {
                    if (t.status().isTerminal()) {
                      assertThat(a.task(t.id()).orElseThrow())
                          .as("terminal task %s of %s in %s", t.id(), id, w)
                          .isEqualTo(t);
                    }
                  }
                  if (!a.equals(b) && !b.manifest().status().isTerminal()) {
                    REPAIRED_RUNS.incrementAndGet();
                  }
                }
              }
            });
  }

  @Test
  void property4_noTaskWhoseWorkerProbesAliveOrUnknownIsFailedOnAgeEvidenceAlone() {
    qt().withExamples(EXAMPLES)
        .withShrinkCycles(0)
        .forAll(longs().all())
        .checkAssert(
            seed -> {
              World w = new World(seed);
              Map<RunId, RunSnapshot> before = w.snapshots();
              try (ManualDriver d = settle(w)) {
                Map<RunId, RunSnapshot> after = w.snapshots();
                for (RunId id : before.keySet()) {
                  if (w.deadRunners.contains(id)) {
                    continue; // a dead runner is process evidence against every task
                  }
                  for (TaskState t : before.get(id).tasks()) {
                    Attempt a = t.currentAttempt().orElse(null);
                    Liveness answer = a == null ? null : w.answerOf(a.worker());
                    if (t.status().isTerminal()
                        || answer == null
                        || (answer != Liveness.ALIVE && answer != Liveness.UNKNOWN)) {
                      continue;
                    }
                    TaskState now = after.get(id).task(t.id()).orElseThrow();
                    assertThat(now.status())
                        .as("task %s of %s, worker %s, in %s", t.id(), id, answer, w)
                        .isNotEqualTo(TaskStatus.FAILED);
                    assertThat(now.attempts().get(a.id().number() - 1).failure())
                        .as("attempt %s, worker %s, in %s", a.id(), answer, w)
                        .isNull();
                  }
                }
              }
            });
  }

  @Test
  void property5_reconcilingTwiceEqualsReconcilingOnce() {
    qt().withExamples(EXAMPLES)
        .withShrinkCycles(0)
        .forAll(longs().all())
        .checkAssert(
            seed -> {
              World w = new World(seed);
              try (ManualDriver d = w.host()) {
                Map<RunId, RunSnapshot> once = w.snapshots();
                List<RunEvent> events = w.events();
                int terminations = d.probe().terminations().size();
                d.crew().recovery().reconcileNow();
                assertThat(w.snapshots())
                    .as("snapshots after a second pass in %s", w)
                    .isEqualTo(once);
                // The second pass may only note that the verdict moved because of the first
                // pass's own write (one run.verdict event); it repairs, adopts, completes nothing.
                List<RunEvent> second = w.events();
                second.removeAll(events);
                assertThat(second)
                    .as("events of a second pass in %s", w)
                    .allMatch(e -> e.type().equals("run.verdict"));
                assertThat(d.probe().terminations()).hasSize(terminations);
                // and a third pass is a fixed point: not even a verdict event
                List<RunEvent> twice = w.events();
                d.crew().recovery().reconcileNow();
                assertThat(w.events()).as("events of a third pass in %s", w).isEqualTo(twice);
                assertThat(w.snapshots()).isEqualTo(once);
              }
            });
  }

  @Test
  void property7_aResultOfTheCurrentAttemptMakesTheTaskCompletedNeverFailed() {
    qt().withExamples(EXAMPLES)
        .withShrinkCycles(0)
        .forAll(longs().all())
        .checkAssert(
            seed -> {
              P7_EXAMPLES.incrementAndGet();
              World w = new World(seed);
              Map<RunId, RunSnapshot> before = w.snapshots();
              try (ManualDriver d = settle(w)) {
                Map<RunId, RunSnapshot> after = w.snapshots();
                for (RunId id : before.keySet()) {
                  RunSnapshot a = after.get(id);
                  for (TaskState t : before.get(id).tasks()) {
                    if (t.status().isTerminal() || !t.hasCurrentResult()) {
                      continue;
                    }
                    TaskState now = a.task(t.id()).orElseThrow();
                    assertThat(now.status())
                        .as("task %s of %s with a result, in %s", t.id(), id, w)
                        .isIn(TaskStatus.COMPLETED, t.status());
                    if (a.manifest().status().isTerminal()
                        && !before.get(id).manifest().status().isTerminal()) {
                      assertThat(now.status())
                          .as("task %s of finished run %s, in %s", t.id(), id, w)
                          .isEqualTo(TaskStatus.COMPLETED);
                    }
                    if (now.status() == TaskStatus.COMPLETED) {
                      COMPLETED_BY_RESULT.incrementAndGet();
                    }
                  }
                }
              }
            });
  }

  @AfterAll
  static void thePropertiesWereNotVacuous() {
    // Property 3 and 7 each ran on a thousand worlds; enough of them made the engine act.
    if (P3_EXAMPLES.get() == EXAMPLES) {
      assertThat(REPAIRED_RUNS.get()).isGreaterThan(EXAMPLES / 10);
    }
    if (P7_EXAMPLES.get() == EXAMPLES) {
      assertThat(COMPLETED_BY_RESULT.get()).isGreaterThan(EXAMPLES / 20);
    }
  }
}
