package dev.crewrecovery.core.internal.process;

import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.ProcessRef;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The pure rules that turn what the system shows into a {@link Liveness}. Kept apart from the I/O
 * so that every combination can be enumerated in tests.
 *
 * <p>The guiding rule: only proof of absence is DEAD or RECYCLED; anything that failed or cannot be
 * verified is UNKNOWN, never evidence of death; and ALIVE is said only where an identity was
 * matched (or, for a ref without start identity, where the pid exists: that is the documented
 * weakness of such refs, which can never be signalled).
 */
public final class LivenessRules {

  private LivenessRules() {}

  /**
   * The answers that need no probing: a ref of another host is UNKNOWN (its /proc is not ours); a
   * ref of this host from another boot is DEAD (every process of that boot is gone).
   *
   * @param ref the ref
   * @param localHost this host's name
   * @param localBootId this boot's id, or null if unknown
   * @return the answer, or null when the process must be looked at
   */
  public static @Nullable Liveness withoutProbing(
      ProcessRef ref, String localHost, @Nullable String localBootId) {
    if (!sameHost(ref.host(), localHost)) {
      return Liveness.UNKNOWN;
    }
    String bootId = ref.bootId();
    if (bootId != null && localBootId != null && !bootId.equalsIgnoreCase(localBootId)) {
      return Liveness.DEAD;
    }
    return null;
  }

  /**
   * Host names compare case-insensitively, as DNS names do. A short name and a qualified name of
   * the same machine do not match: that ref is then UNKNOWN, the safe side.
   */
  public static boolean sameHost(String a, String b) {
    return a.equalsIgnoreCase(b);
  }

  /**
   * Judges a ref of this host and boot from its {@code /proc/<pid>/stat}.
   *
   * @param ref the ref, already past {@link #withoutProbing}
   * @param read what reading the stat file gave
   * @param localBootId this boot's id, or null if unknown
   * @return the liveness
   */
  public static Liveness judgeLinux(ProcessRef ref, StatRead read, @Nullable String localBootId) {
    if (read instanceof StatRead.Missing) {
      return Liveness.DEAD;
    }
    if (!(read instanceof StatRead.Present present)) {
      return Liveness.UNKNOWN;
    }
    ProcStat stat = present.stat();
    Long ticks = ref.startTicks();
    if (ticks != null && ticks != stat.startTicks()) {
      // Whatever boot the ref came from, the process holding the pid now is not the ref's.
      return Liveness.RECYCLED;
    }
    if (stat.terminated()) {
      return Liveness.DEAD;
    }
    if (ticks != null && !bootComparable(ref.bootId(), localBootId)) {
      // Start ticks count from boot: equal ticks from an unknown boot prove nothing (early boot
      // daemons get the same pid and ticks at every boot), so the match is not trusted.
      return Liveness.UNKNOWN;
    }
    return Liveness.ALIVE;
  }

  /**
   * Judges a ref by what {@link ProcessHandle} shows: the portable path, comparing start instants
   * with a tolerance.
   *
   * @param ref the ref, already past {@link #withoutProbing}
   * @param view what the platform shows for the pid
   * @param tolerance the largest difference of start instants that still matches
   * @return the liveness
   */
  public static Liveness judgePortable(ProcessRef ref, HandleView view, Duration tolerance) {
    switch (view.kind()) {
      case GONE:
        return Liveness.DEAD;
      case UNAVAILABLE:
        return Liveness.UNKNOWN;
      case ALIVE:
      default:
        break;
    }
    Instant wanted = ref.startInstant();
    if (wanted == null) {
      return ref.startTicks() == null ? Liveness.ALIVE : Liveness.UNKNOWN;
    }
    Instant seen = view.startInstant();
    if (seen == null) {
      return Liveness.UNKNOWN;
    }
    Duration difference = Duration.between(wanted, seen).abs();
    return difference.compareTo(tolerance) <= 0 ? Liveness.ALIVE : Liveness.RECYCLED;
  }

  /**
   * Returns whether a ref can be matched to a process strictly enough to be signalled: it carries a
   * start identity (ticks or instant). A pid alone may belong to anyone by now.
   */
  public static boolean hasStartIdentity(ProcessRef ref) {
    return ref.startTicks() != null || ref.startInstant() != null;
  }

  /**
   * Two boot ids are comparable when both are known (then they were already found equal) or both
   * are absent (a platform without boot ids, where refs and probe agree on that).
   */
  private static boolean bootComparable(@Nullable String refBootId, @Nullable String localBootId) {
    return (refBootId == null) == (localBootId == null);
  }
}
