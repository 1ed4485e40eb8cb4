package dev.crewrecovery.core.internal.decide;

import dev.crewrecovery.api.InvalidConfigurationException;
import java.time.Duration;

/**
 * The thresholds the decision function judges ages by (DESIGN sections 5, 7 and 9). The engine
 * builds one from its configuration; the {@code DEFAULT_} constants are the documented defaults.
 * Immutable and thread-safe.
 *
 * @param activityWindow how old the fresher of a task's heartbeat and activity may be for the task
 *     to count as live (inclusive), and the window in which a growing log is activity
 * @param waitMarkerMaxAge how old a wait marker's {@code askedAt} may be and still shield its run
 *     (inclusive)
 * @param abandonment how long a runner-less run's manifest may stay untouched before the run is
 *     {@code ABANDONED} (strict: older than this)
 * @param runnerStaleness how long a run with a live runner may show no committed update and no task
 *     heartbeat or activity before it is {@code ALIVE_BUT_STALE} (strict)
 * @param leaseDuration how long after its last renewal a lease expires (strict)
 * @param largeForwardJump a forward discontinuity larger than this (strict) puts the repairs that
 *     rest only on a 24 h rule into proposal-only mode
 * @param proposeAfterLargeJump how long after such a discontinuity (inclusive) those repairs are
 *     only proposed
 * @param localHost the host name of this session; a process ref naming another host is judged
 *     remotely
 */
public record DecisionPolicy(
    Duration activityWindow,
    Duration waitMarkerMaxAge,
    Duration abandonment,
    Duration runnerStaleness,
    Duration leaseDuration,
    Duration largeForwardJump,
    Duration proposeAfterLargeJump,
    String localHost) {

  /** Default activity window: 5 min. */
  public static final Duration DEFAULT_ACTIVITY_WINDOW = Duration.ofMinutes(5);

  /** Default maximum age of a shielding wait marker: 24 h. */
  public static final Duration DEFAULT_WAIT_MARKER_MAX_AGE = Duration.ofHours(24);

  /** Default abandonment threshold of a runner-less run: 24 h. */
  public static final Duration DEFAULT_ABANDONMENT = Duration.ofHours(24);

  /** Default staleness threshold of a run with a live runner: 24 h. */
  public static final Duration DEFAULT_RUNNER_STALENESS = Duration.ofHours(24);

  /** Default lease duration: 30 s. */
  public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(30);

  /** Default size above which a forward discontinuity counts as large: 1 h. */
  public static final Duration DEFAULT_LARGE_FORWARD_JUMP = Duration.ofHours(1);

  /**
   * Default time after a large forward discontinuity during which 24 h repairs are proposed: 24 h.
   */
  public static final Duration DEFAULT_PROPOSE_AFTER_LARGE_JUMP = Duration.ofHours(24);

  /**
   * Validates the thresholds.
   *
   * @throws InvalidConfigurationException naming the field, if a duration is null, zero or
   *     negative, or the host name is null or blank
   */
  public DecisionPolicy {
    positive(activityWindow, "activityWindow");
    positive(waitMarkerMaxAge, "waitMarkerMaxAge");
    positive(abandonment, "abandonment");
    positive(runnerStaleness, "runnerStaleness");
    positive(leaseDuration, "leaseDuration");
    positive(largeForwardJump, "largeForwardJump");
    positive(proposeAfterLargeJump, "proposeAfterLargeJump");
    if (localHost == null || localHost.isBlank()) {
      throw new InvalidConfigurationException(
          "localHost", "must be the non-blank host name of this session, was '" + localHost + "'");
    }
  }

  /**
   * Returns the default thresholds for a session on {@code localHost}.
   *
   * @param localHost the host name of this session, not blank
   * @return the policy
   * @throws InvalidConfigurationException if the host name is blank
   */
  public static DecisionPolicy defaults(String localHost) {
    return new DecisionPolicy(
        DEFAULT_ACTIVITY_WINDOW,
        DEFAULT_WAIT_MARKER_MAX_AGE,
        DEFAULT_ABANDONMENT,
        DEFAULT_RUNNER_STALENESS,
        DEFAULT_LEASE_DURATION,
        DEFAULT_LARGE_FORWARD_JUMP,
        DEFAULT_PROPOSE_AFTER_LARGE_JUMP,
        localHost);
  }

  private static void positive(Duration d, String field) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new InvalidConfigurationException(field, "must be a positive duration, was " + d);
    }
  }
}
