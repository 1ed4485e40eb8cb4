package dev.crewrecovery.core.internal.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the session's time-discontinuity detector knows when a decision is made (DESIGN section 9).
 * The detector works on monotonic time; the decision function only reads its conclusions. Immutable
 * and thread-safe.
 *
 * @param graceWindowOpen whether a discontinuity's grace window is open: every judgment that rests
 *     on an age alone is then deferred
 * @param lastForwardJump the size of the last forward discontinuity of wall time, or null when none
 *     was seen
 * @param lastForwardJumpAt the wall time at which that discontinuity was seen, or null when none
 */
public record TimeState(
    boolean graceWindowOpen,
    @Nullable Duration lastForwardJump,
    @Nullable Instant lastForwardJumpAt) {

  private static final TimeState CALM = new TimeState(false, null, null);

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if only one of the jump's size and instant is given, or the
   *     size is not positive
   */
  public TimeState {
    if ((lastForwardJump == null) != (lastForwardJumpAt == null)) {
      throw new IllegalArgumentException(
          "a forward discontinuity needs both its size and its instant, was "
              + lastForwardJump
              + " at "
              + lastForwardJumpAt);
    }
    if (lastForwardJump != null && (lastForwardJump.isNegative() || lastForwardJump.isZero())) {
      throw new IllegalArgumentException(
          "a forward discontinuity has a positive size, was " + lastForwardJump);
    }
  }

  /** Returns the state of a session that has seen no discontinuity. */
  public static TimeState calm() {
    return CALM;
  }

  /** Returns the state of a session inside a grace window, without a large forward jump. */
  public static TimeState inGraceWindow() {
    return new TimeState(true, null, null);
  }

  /**
   * Returns a copy recording a forward discontinuity.
   *
   * @param size how far wall time jumped forward, positive
   * @param at the wall time at which the jump was seen
   * @return the copy
   */
  public TimeState withForwardJump(Duration size, Instant at) {
    return new TimeState(
        graceWindowOpen, Objects.requireNonNull(size, "size"), Objects.requireNonNull(at, "at"));
  }

  /**
   * Returns whether a repair resting only on a 24 h rule must only be proposed at {@code now}: the
   * last forward jump is larger than {@link DecisionPolicy#largeForwardJump()} (strict) and {@code
   * now} is at most {@link DecisionPolicy#proposeAfterLargeJump()} after it (inclusive; a jump
   * instant in the future counts as just now).
   *
   * @param now the instant of the decision
   * @param policy the thresholds
   * @return true while such repairs are proposal-only
   */
  public boolean onlyProposes24hRepairs(Instant now, DecisionPolicy policy) {
    if (lastForwardJump == null || lastForwardJumpAt == null) {
      return false;
    }
    return lastForwardJump.compareTo(policy.largeForwardJump()) > 0
        && Ages.age(lastForwardJumpAt, now).compareTo(policy.proposeAfterLargeJump()) <= 0;
  }
}
