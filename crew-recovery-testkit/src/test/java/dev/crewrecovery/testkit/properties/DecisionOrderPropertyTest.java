package dev.crewrecovery.testkit.properties;

import static dev.crewrecovery.testkit.properties.EvidenceSpace.NOW;
import static dev.crewrecovery.testkit.properties.EvidenceSpace.POLICY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.core.internal.decide.Decider;
import dev.crewrecovery.core.internal.decide.Evidence;
import dev.crewrecovery.core.internal.decide.TaskObservation;
import dev.crewrecovery.core.internal.decide.TimeState;
import dev.crewrecovery.core.internal.decide.Verdict;
import dev.crewrecovery.testkit.properties.EvidenceSpace.Activity;
import dev.crewrecovery.testkit.properties.EvidenceSpace.Case;
import dev.crewrecovery.testkit.properties.EvidenceSpace.Probe;
import dev.crewrecovery.testkit.properties.EvidenceSpace.RunState;
import dev.crewrecovery.testkit.properties.EvidenceSpace.TaskCase;
import dev.crewrecovery.testkit.properties.EvidenceSpace.UpdateAge;
import dev.crewrecovery.testkit.properties.Section7Oracle.Expected;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Properties 1 and 2 of issue 4, on the decision function alone.
 *
 * <p>Property 1 enumerates every case of {@link EvidenceSpace} (about 550 000 runs, on both cores)
 * and compares the verdict with {@link Section7Oracle}, DESIGN section 7 read rule by rule.
 * Property 2 draws cases and adds evidence that is weaker than what decided them (fresh heartbeats,
 * growing logs, a fresh manifest update): the verdict must not move.
 */
class DecisionOrderPropertyTest {

  private static final List<TaskCase> SUBJECTS = EvidenceSpace.subjects();
  private static final List<@Nullable TaskCase> COMPANIONS = EvidenceSpace.companions();

  static Verdict decide(Evidence e, boolean grace) {
    return Decider.decide(e, NOW, grace ? TimeState.inGraceWindow() : TimeState.calm(), POLICY);
  }

  static Verdict decide(Case c) {
    return decide(EvidenceSpace.evidence(c).build(), c.grace());
  }

  static Expected actual(Verdict v) {
    return new Expected(v.kind(), v.deferredKind(), v.derivedStatus());
  }

  @Test
  void property1_theVerdictIsTheFirstRuleOfSection7WhoseConditionHolds() {
    List<Case[]> runLevels = new ArrayList<>();
    for (RunState run : RunState.values()) {
      for (Probe runner : Probe.values()) {
        for (UpdateAge age : UpdateAge.values()) {
          for (boolean grace : new boolean[] {false, true}) {
            runLevels.add(new Case[] {new Case(run, runner, age, grace, SUBJECTS.get(0), null)});
          }
        }
      }
    }
    // Each run-level combination is one unit of work; the two cores share them.
    List<Tally> tallies =
        runLevels.parallelStream().map(r -> enumerate(r[0])).collect(Collectors.toList());
    long cases = 0;
    List<String> mismatches = new ArrayList<>();
    Map<VerdictKind, Long> byKind = new EnumMap<>(VerdictKind.class);
    long differing = 0;
    for (Tally t : tallies) {
      cases += t.cases;
      differing += t.differing;
      mismatches.addAll(t.mismatches);
      t.byKind.forEach((k, n) -> byKind.merge(k, n, Long::sum));
    }
    assertThat(mismatches.subList(0, Math.min(20, mismatches.size())))
        .as(
            "%d of %d cases where the decision differs from section 7, first ones",
            differing, cases)
        .isEmpty();
    assertThat(cases).isGreaterThan(500_000);
    // Every verdict of section 7 is reached, so the oracle was compared on every rule.
    assertThat(byKind.keySet())
        .containsExactlyInAnyOrder(
            VerdictKind.TERMINAL,
            VerdictKind.AWAITING_APPROVAL,
            VerdictKind.WAITING_ANSWER,
            VerdictKind.RESULT_EXISTS,
            VerdictKind.RESULT_READY_BLOCKED,
            VerdictKind.PROCESS_DEAD,
            VerdictKind.ACTIVE,
            VerdictKind.STALE_NO_PROCESS,
            VerdictKind.ABANDONED,
            VerdictKind.NO_EVIDENCE,
            VerdictKind.ALIVE_BUT_STALE,
            VerdictKind.HEALTHY,
            VerdictKind.DEFERRED);
    assertThat(byKind.values()).allMatch(n -> n >= 100);
  }

  /** What one run-level combination's enumeration found. */
  private static final class Tally {
    long cases;
    long differing;
    final List<String> mismatches = new ArrayList<>();
    final Map<VerdictKind, Long> byKind = new EnumMap<>(VerdictKind.class);
  }

  /** Enumerates every subject and companion under the run-level evidence of {@code level}. */
  private static Tally enumerate(Case level) {
    Tally tally = new Tally();
    for (TaskCase subject : SUBJECTS) {
      // Step 0 reads the run's status alone: two companions are enough for terminal runs.
      List<@Nullable TaskCase> companions =
          level.run().status.isTerminal() ? COMPANIONS.subList(0, 2) : COMPANIONS;
      for (TaskCase companion : companions) {
        Case c =
            new Case(
                level.run(), level.runner(), level.updateAge(), level.grace(), subject, companion);
        Expected expected = Section7Oracle.expect(c);
        Expected actual = actual(decide(c));
        tally.cases++;
        tally.byKind.merge(actual.kind(), 1L, Long::sum);
        if (!expected.equals(actual) && tally.differing++ < 5) {
          tally.mismatches.add(c + "\n    expected " + expected + "\n    decided  " + actual);
        }
      }
    }
    return tally;
  }

  /** A case drawn uniformly from the enumerated space. */
  static Gen<Case> cases() {
    return integers()
        .between(0, RunState.values().length - 1)
        .zip(
            integers().between(0, Probe.values().length - 1),
            integers().between(0, UpdateAge.values().length * 2 - 1),
            integers().between(0, SUBJECTS.size() - 1),
            (r, p, ag, s) -> new int[] {r, p, ag, s})
        .zip(
            integers().between(0, COMPANIONS.size() - 1),
            (a, comp) ->
                new Case(
                    RunState.values()[a[0]],
                    Probe.values()[a[1]],
                    UpdateAge.values()[a[2] / 2],
                    a[2] % 2 == 1,
                    SUBJECTS.get(a[3]),
                    COMPANIONS.get(comp)))
        .describedAs(Case::toString);
  }

  /**
   * The evidence of a case with a fresh heartbeat (seen a second ago, by the session's reader and
   * in the snapshot) and a log growing now, for each task {@code which} selects.
   */
  static Evidence withFreshLife(Case c, boolean deadTasksOnly) {
    Evidence.Builder b = EvidenceSpace.evidence(c);
    Evidence base = b.build();
    List<TaskState> tasks = new ArrayList<>();
    for (TaskState t : base.snapshot().tasks()) {
      TaskCase spec = c.subject().id().equals(t.id().value()) ? c.subject() : c.companion();
      boolean dead = spec != null && (spec.probe() == Probe.DEAD || spec.probe() == Probe.RECYCLED);
      if (t.currentAttempt().isPresent() && (!deadTasksOnly || dead)) {
        Duration second = Duration.ofSeconds(1);
        tasks.add(t.toBuilder().lastSeenAt(NOW.minus(second)).lastActivityAt(NOW).build());
        b.observation(TaskObservation.of(t.currentAttempt().get().id(), NOW.minus(second), NOW));
        b.taskLogGrowth(t.id(), NOW);
      } else {
        tasks.add(t);
      }
    }
    return b.snapshot(
            new dev.crewrecovery.api.RunSnapshot(
                base.snapshot().version(), base.snapshot().manifest(), tasks))
        .runnerLogGrowth(NOW)
        .build();
  }

  static Evidence withFreshUpdate(Case c) {
    Evidence base = EvidenceSpace.evidence(c).build();
    var s = base.snapshot();
    return base.toBuilder()
        .snapshot(
            new dev.crewrecovery.api.RunSnapshot(
                s.version(), s.manifest().toBuilder().updatedAt(NOW).build(), s.tasks()))
        .build();
  }

  @Test
  void property2_weakerEvidenceNeverChangesAVerdictDecidedByStrongerEvidence() {
    qt().withExamples(5_000)
        .forAll(cases())
        .checkAssert(
            c -> {
              Verdict v = decide(c);
              Expected before = actual(v);
              // Steps 0 to 3 rest on status, markers, results and the runner's process: no
              // heartbeat, log or manifest update may move them.
              if (v.step() <= 3) {
                assertThat(actual(decide(withFreshLife(c, false), c.grace())))
                    .as("fresh life of every task added to %s", c)
                    .isEqualTo(before);
                assertThat(actual(decide(withFreshUpdate(c), c.grace())))
                    .as("fresh manifest update added to %s", c)
                    .isEqualTo(before);
              }
              // A dead process is stronger than its own fresh heartbeat and than any manifest age.
              if (v.kind() == VerdictKind.PROCESS_DEAD) {
                assertThat(actual(decide(withFreshLife(c, true), c.grace())))
                    .as("fresh heartbeats of the dead workers added to %s", c)
                    .isEqualTo(before);
              }
              // Task evidence (live, dead, stale) is stronger than the manifest's age.
              if (v.kind() == VerdictKind.ACTIVE
                  || v.kind() == VerdictKind.PROCESS_DEAD
                  || v.kind() == VerdictKind.STALE_NO_PROCESS) {
                assertThat(actual(decide(withFreshUpdate(c), c.grace())))
                    .as("fresh manifest update added to %s", c)
                    .isEqualTo(before);
              }
              // Weaker evidence of the same kind a live task already gives changes nothing.
              if (v.kind() == VerdictKind.ACTIVE) {
                assertThat(actual(decide(withFreshLife(c, false), c.grace())).kind())
                    .isEqualTo(VerdictKind.ACTIVE);
              }
            });
  }

  @Test
  void property2_hasSomethingToCheckOnEveryStrongRule() {
    // The draws of property 2 reach every strong rule often enough (checked on a fixed sample).
    Map<VerdictKind, Integer> seen = new EnumMap<>(VerdictKind.class);
    java.util.SplittableRandom r = new java.util.SplittableRandom(4);
    for (int i = 0; i < 5_000; i++) {
      Case c =
          new Case(
              RunState.values()[r.nextInt(RunState.values().length)],
              Probe.values()[r.nextInt(Probe.values().length)],
              UpdateAge.values()[r.nextInt(UpdateAge.values().length)],
              r.nextBoolean(),
              SUBJECTS.get(r.nextInt(SUBJECTS.size())),
              COMPANIONS.get(r.nextInt(COMPANIONS.size())));
      seen.merge(decide(c).kind(), 1, Integer::sum);
    }
    assertThat(seen)
        .containsKeys(
            VerdictKind.TERMINAL,
            VerdictKind.WAITING_ANSWER,
            VerdictKind.RESULT_EXISTS,
            VerdictKind.PROCESS_DEAD,
            VerdictKind.ACTIVE,
            VerdictKind.STALE_NO_PROCESS);
    assertThat(TaskId.of("s")).isNotNull();
    assertThat(Activity.values()).isNotEmpty();
  }
}
