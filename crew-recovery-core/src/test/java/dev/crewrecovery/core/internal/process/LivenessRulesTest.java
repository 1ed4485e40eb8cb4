package dev.crewrecovery.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.ProcessRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The rules enumerated over every combination of host, boot ids, start ticks and what {@code /proc}
 * shows: the space is small, so every case is checked against the rules as DESIGN section 5 states
 * them.
 */
class LivenessRulesTest {

  private static final String HOST = "alpha";
  private static final String BOOT = "3f1c0b5e-0000-4000-8000-000000000001";
  private static final String OTHER_BOOT = "3f1c0b5e-0000-4000-8000-000000000002";
  private static final long PID = 4242;
  private static final long TICKS = 1000;

  private enum Read {
    MISSING,
    UNREADABLE,
    RUNNING,
    ZOMBIE,
    DYING
  }

  private static StatRead read(Read kind, long ticks) {
    switch (kind) {
      case MISSING:
        return new StatRead.Missing();
      case UNREADABLE:
        return new StatRead.Unreadable("test");
      case RUNNING:
        return new StatRead.Present(new ProcStat(PID, "w", 'S', 1, ticks));
      case ZOMBIE:
        return new StatRead.Present(new ProcStat(PID, "w", 'Z', 1, ticks));
      case DYING:
      default:
        return new StatRead.Present(new ProcStat(PID, "w", 'X', 1, ticks));
    }
  }

  /** Applies the two stages as the probe does. */
  private static Liveness judge(ProcessRef ref, StatRead read, @Nullable String localBoot) {
    Liveness early = LivenessRules.withoutProbing(ref, HOST, localBoot);
    return early != null ? early : LivenessRules.judgeLinux(ref, read, localBoot);
  }

  @Test
  void everyCombinationFollowsTheRules() {
    List<String> hosts = List.of(HOST, "ALPHA", "beta");
    List<@Nullable String> bootIds = Arrays.asList(null, BOOT, BOOT.toUpperCase(), OTHER_BOOT);
    List<@Nullable Long> refTicks = Arrays.asList(null, TICKS, TICKS + 1);
    List<@Nullable String> localBoots = Arrays.asList(null, BOOT);
    int cases = 0;
    for (String host : hosts) {
      for (String refBoot : bootIds) {
        for (Long ticks : refTicks) {
          for (String localBoot : localBoots) {
            for (Read kind : Read.values()) {
              ProcessRef ref = new ProcessRef(PID, host, refBoot, ticks, null);
              Liveness got = judge(ref, read(kind, TICKS), localBoot);
              assertThat(got)
                  .as("ref %s, local boot %s, /proc %s", ref, localBoot, kind)
                  .isEqualTo(expected(host, refBoot, ticks, localBoot, kind));
              cases++;
            }
          }
        }
      }
    }
    assertThat(cases).isEqualTo(3 * 4 * 3 * 2 * 5);
  }

  /** The rules, written independently of the implementation's order of checks. */
  private static Liveness expected(
      String host,
      @Nullable String refBoot,
      @Nullable Long ticks,
      @Nullable String localBoot,
      Read kind) {
    if (!host.equalsIgnoreCase(HOST)) {
      return Liveness.UNKNOWN; // another host: never probed
    }
    boolean otherBoot =
        refBoot != null && localBoot != null && !refBoot.equalsIgnoreCase(localBoot);
    if (otherBoot) {
      return Liveness.DEAD; // another boot of this host: never probed
    }
    if (kind == Read.MISSING) {
      return Liveness.DEAD;
    }
    if (kind == Read.UNREADABLE) {
      return Liveness.UNKNOWN;
    }
    boolean ticksMismatch = ticks != null && ticks != TICKS;
    if (ticksMismatch) {
      return Liveness.RECYCLED;
    }
    if (kind == Read.ZOMBIE || kind == Read.DYING) {
      return Liveness.DEAD;
    }
    boolean bootUnverifiable = (refBoot == null) != (localBoot == null);
    if (ticks != null && bootUnverifiable) {
      return Liveness.UNKNOWN;
    }
    return Liveness.ALIVE;
  }

  @Test
  void unknownIsNeverTurnedIntoDeathAndUnreadableIsNeverDeath() {
    List<ProcessRef> refs = new ArrayList<>();
    refs.add(ProcessRef.linux(PID, HOST, BOOT, TICKS));
    refs.add(ProcessRef.linux(PID, HOST, BOOT, TICKS + 7));
    refs.add(new ProcessRef(PID, HOST, null, null, null));
    for (ProcessRef ref : refs) {
      assertThat(judge(ref, new StatRead.Unreadable("denied"), BOOT)).isEqualTo(Liveness.UNKNOWN);
    }
  }

  @Test
  void portableRefsCompareStartInstantsWithTolerance() {
    Instant start = Instant.parse("2025-01-01T00:00:00Z");
    ProcessRef ref = ProcessRef.portable(PID, HOST, start);
    Duration tolerance = Duration.ofSeconds(1);

    assertThat(judgePortable(ref, alive(start), tolerance)).isEqualTo(Liveness.ALIVE);
    assertThat(judgePortable(ref, alive(start.plusSeconds(1)), tolerance))
        .isEqualTo(Liveness.ALIVE);
    assertThat(judgePortable(ref, alive(start.minusSeconds(1)), tolerance))
        .isEqualTo(Liveness.ALIVE);
    assertThat(judgePortable(ref, alive(start.plusMillis(1001)), tolerance))
        .isEqualTo(Liveness.RECYCLED);
    assertThat(judgePortable(ref, alive(start.minusMillis(1001)), tolerance))
        .isEqualTo(Liveness.RECYCLED);
    assertThat(judgePortable(ref, alive(start.plusMillis(1)), Duration.ZERO))
        .isEqualTo(Liveness.RECYCLED);
    assertThat(judgePortable(ref, new HandleView(HandleView.Kind.ALIVE, null), tolerance))
        .isEqualTo(Liveness.UNKNOWN);
    assertThat(judgePortable(ref, HandleView.gone(), tolerance)).isEqualTo(Liveness.DEAD);
    assertThat(judgePortable(ref, HandleView.unavailable(), tolerance)).isEqualTo(Liveness.UNKNOWN);
  }

  @Test
  void portableJudgementOfRefsWithoutAnInstant() {
    ProcessRef pidOnly = new ProcessRef(PID, HOST, null, null, null);
    ProcessRef ticksOnly = new ProcessRef(PID, HOST, null, TICKS, null);
    HandleView alive = new HandleView(HandleView.Kind.ALIVE, Instant.EPOCH);

    assertThat(judgePortable(pidOnly, alive, Duration.ZERO)).isEqualTo(Liveness.ALIVE);
    assertThat(judgePortable(pidOnly, HandleView.gone(), Duration.ZERO)).isEqualTo(Liveness.DEAD);
    // Ticks cannot be checked by ProcessHandle: unverifiable.
    assertThat(judgePortable(ticksOnly, alive, Duration.ZERO)).isEqualTo(Liveness.UNKNOWN);
  }

  @Test
  void onlyRefsWithAStartIdentityMayBeSignalled() {
    assertThat(LivenessRules.hasStartIdentity(ProcessRef.linux(PID, HOST, BOOT, 0))).isTrue();
    assertThat(LivenessRules.hasStartIdentity(ProcessRef.portable(PID, HOST, Instant.EPOCH)))
        .isTrue();
    assertThat(LivenessRules.hasStartIdentity(new ProcessRef(PID, HOST, BOOT, null, null)))
        .isFalse();
  }

  private static HandleView alive(Instant start) {
    return new HandleView(HandleView.Kind.ALIVE, start);
  }

  private static Liveness judgePortable(ProcessRef ref, HandleView view, Duration tolerance) {
    return LivenessRules.judgePortable(ref, view, tolerance);
  }
}
