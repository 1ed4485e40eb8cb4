package dev.crewrecovery.testkit.properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.testkit.ManualDriver;
import dev.crewrecovery.testkit.Simulation;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Property 8 of issue 4: the seeded simulation. After every action of a random schedule (worker
 * kills, pauses and pid reuse, host crashes, restarts and pauses, wall steps, suspends, results,
 * completions, time passing) the invariants of {@link
 * dev.crewrecovery.testkit.SimulationInvariants} hold, and every dead worker's task is repaired
 * within one reconcile period plus the grace window of the host being up.
 */
class SimulationPropertyTest {
  static {
    Quiet.engineLogs();
  }

  private static final int SCHEDULES = 1_000;

  /** What the schedules made the engine do, so that the property is not vacuous. */
  enum Seen {
    RUN_REPAIRED,
    TASK_REPAIRED,
    RUN_ADOPTED,
    RUN_COMPLETED,
    DISCONTINUITY,
    ORPHAN_TERMINATED
  }

  private static final Map<Seen, AtomicInteger> SEEN = new ConcurrentHashMap<>();

  /** Counts, once per execution, each thing the engine did. */
  private static final class Coverage implements Simulation.Invariant {
    private final Set<Seen> seen = EnumSet.noneOf(Seen.class);
    private final Map<RunId, Long> lastSeq = new HashMap<>();

    @Override
    public void check(ManualDriver d, int step, Simulation.Action action) {
      for (RunId id : d.store().allRuns()) {
        RunSnapshot s = d.snapshot(id).orElseThrow();
        if (s.manifest().status() == RunStatus.COMPLETED) {
          note(Seen.RUN_COMPLETED);
        }
        if (s.tasks().stream()
            .flatMap(t -> t.attempts().stream())
            .anyMatch(a -> a.failure() != null)) {
          note(Seen.TASK_REPAIRED);
        }
        // only the events appended since the last check
        long after = lastSeq.getOrDefault(id, 0L);
        for (RunEvent e : d.store().events(id, after, 100_000)) {
          lastSeq.put(id, e.seq());
          switch (e.type()) {
            case "run.reconciled" -> note(Seen.RUN_REPAIRED);
            case "run.adopted" -> note(Seen.RUN_ADOPTED);
            case "time.discontinuity" -> note(Seen.DISCONTINUITY);
            default -> {}
          }
        }
      }
      if (!d.probe().terminations().isEmpty()) {
        note(Seen.ORPHAN_TERMINATED);
      }
    }

    private void note(Seen what) {
      if (seen.add(what)) {
        SEEN.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
      }
    }
  }

  private static final Simulation SIM =
      Simulation.builder().standardInvariants().invariant("coverage", Coverage::new).build();

  @Test
  void property8_theStandardInvariantsHoldAfterEveryActionOfAThousandSchedules() {
    qt().withExamples(SCHEDULES)
        .withShrinkCycles(0) // the simulation shrinks the schedule itself
        .forAll(longs().all())
        .checkAssert(SIM::check);
    for (Seen s : Seen.values()) {
      assertThat(SEEN.getOrDefault(s, new AtomicInteger()).get())
          .as("schedules in which the engine did %s", s)
          .isGreaterThan(SCHEDULES / 50);
    }
  }
}
