package dev.crewrecovery.testkit.properties;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.crewrecovery.testkit.Simulation;
import org.junit.jupiter.api.Test;

/**
 * Property 8 of issue 4: the seeded simulation. After every action of a random schedule (worker
 * kills, pauses and pid reuse, host crashes, restarts and pauses, wall steps, suspends, results,
 * completions, time passing) the invariants of {@link
 * dev.crewrecovery.testkit.SimulationInvariants} hold, and every run whose processes are all dead
 * is repaired within one reconcile period plus the grace window.
 */
class SimulationPropertyTest {
  static {
    Quiet.engineLogs();
  }

  private static final Simulation SIM = Simulation.builder().standardInvariants().build();

  @Test
  void theStandardInvariantsHoldAfterEveryActionOfAThousandSchedules() {
    qt().withExamples(1_000)
        .withShrinkCycles(0) // the simulation shrinks the schedule itself
        .forAll(longs().all())
        .checkAssert(SIM::check);
  }
}
