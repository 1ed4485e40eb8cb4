package dev.crewrecovery.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.crewrecovery.api.Liveness;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The simulation's own machinery: schedules, text form, shrinking and replay. */
class SimulationTest {

  /** A deliberately false invariant: it fails as soon as any worker was killed or recycled. */
  private static Simulation noKills() {
    return Simulation.builder()
        .length(40)
        .invariant(
            "no worker was ever killed",
            (d, step, action) -> {
              if (!d.endedWorkers().isEmpty()) {
                throw new AssertionError("ended: " + d.endedWorkers());
              }
            })
        .build();
  }

  @Test
  void aSeedAlwaysGeneratesTheSameScheduleAndItsTextReadsBack() {
    Simulation sim = Simulation.builder().length(200).build();
    for (long seed = 0; seed < 50; seed++) {
      List<Simulation.Action> a = sim.schedule(seed);
      assertThat(sim.schedule(seed)).isEqualTo(a);
      assertThat(Simulation.parse(Simulation.format(a))).isEqualTo(a);
    }
    assertThat(sim.schedule(1)).isNotEqualTo(sim.schedule(2));
    assertThatThrownBy(() -> Simulation.parse("kill 0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kill 0");
  }

  @Test
  void aFailingScheduleShrinksToTheSingleActionThatBreaksTheInvariant() {
    Simulation sim = noKills();
    // the first seed whose schedule kills (or recycles) a worker and also does other things
    long seed =
        LongStream.range(0, 1000)
            .filter(
                s -> sim.schedule(s).stream().filter(a -> a instanceof Simulation.Kill).count() > 0)
            .findFirst()
            .orElseThrow();
    Simulation.Failure f = catchThrowableOfType(Simulation.Failure.class, () -> sim.check(seed));
    assertThat(f).isNotNull();
    assertThat(f.original()).hasSizeGreaterThan(1);
    assertThat(f.shrunk()).hasSize(1);
    assertThat(f.shrunk().get(0)).isInstanceOfAny(Simulation.Kill.class, Simulation.Recycle.class);
    assertThat(f.seed()).isEqualTo(seed);
    assertThat(f.violation().invariant()).isEqualTo("no worker was ever killed");
    assertThat(f.getMessage())
        .contains("seed " + seed)
        .contains("shrunk from " + f.original().size() + " to 1 actions: " + f.shrunk().get(0))
        .contains("replay");

    // the printed list replays the failure, and the seed reproduces it
    assertThatThrownBy(() -> sim.replay(Simulation.format(f.shrunk())))
        .isInstanceOf(Simulation.Failure.class)
        .hasMessageContaining("no worker was ever killed");
    assertThatThrownBy(() -> sim.check(seed)).isInstanceOf(Simulation.Failure.class);
  }

  @Test
  void aScheduleWithoutTheBreakingActionPasses() {
    Simulation sim = noKills();
    sim.replay("advance PT5M; pause 0 1; crash; stepWall PT25H; restart; suspend PT8H; tick");
  }

  @Test
  void actionsThatDoNotApplyDoNothing() {
    Simulation sim =
        Simulation.builder()
            .standardInvariants()
            .invariant(
                "killed once",
                (d, step, a) ->
                    assertThat(
                            d.endedWorkers().stream()
                                .filter(r -> d.probe().peek(r) == Liveness.DEAD)
                                .count())
                        .isLessThanOrEqualTo(1))
            .build();
    sim.replay("kill 0 0; kill 0 0; restart; restart; crash; crash; resume 1 1; complete 0 0");
  }
}
