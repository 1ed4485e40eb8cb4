package dev.crewrecovery.cli.internal.demo;

import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.RecoveryPolicy;
import java.time.Duration;

/**
 * The short thresholds of the demo, shared by its host and the second host it starts, so that the
 * whole story fits in well under a minute. Every number is a {@link RecoveryConfig} setting a real
 * host can set too; only their size is the demo's.
 */
final class DemoSettings {

  /** How often a demo worker beats. */
  static final Duration BEAT_INTERVAL = Duration.ofMillis(200);

  /** The grace between TERM and KILL when the engine terminates a process. */
  static final Duration TERMINATE_GRACE = Duration.ofSeconds(1);

  private DemoSettings() {}

  /**
   * Returns the configuration: heartbeat levels at 1 s / 2 s / 4 s, a 3 s lease renewed every 500
   * ms, a watcher tick every 500 ms, a recovery pass every second, three attempts with a 200 ms
   * back-off without jitter, and a discontinuity gap factor high enough that a busy machine's
   * scheduling hiccup is not taken for a suspended laptop.
   *
   * @return the configuration
   */
  static RecoveryConfig config() {
    return RecoveryConfig.builder()
        .leaseDuration(Duration.ofSeconds(3))
        .leaseRenewInterval(Duration.ofMillis(500))
        .heartbeatWarn(Duration.ofSeconds(1))
        .heartbeatStale(Duration.ofSeconds(2))
        .heartbeatDead(Duration.ofSeconds(4))
        .activityWindow(Duration.ofSeconds(4))
        .watcherInterval(Duration.ofMillis(500))
        .watcherDeadStreakInterval(Duration.ofMillis(250))
        .scanInterval(Duration.ofSeconds(1))
        .maxAttempts(3)
        .backoffBase(Duration.ofMillis(200))
        .backoffCap(Duration.ofSeconds(2))
        .backoffJitter(0.0)
        .terminateGrace(TERMINATE_GRACE)
        .discontinuityGapFactor(20)
        .build();
  }

  /**
   * Returns the recovery policy: the table of DESIGN section 8 with RESUME and KILL_STALE enabled.
   *
   * @return the policy
   */
  static RecoveryPolicy policy() {
    return RecoveryPolicy.table(true, true);
  }

  /**
   * Returns one line describing the thresholds, for the demo's first lines.
   *
   * @return the description
   */
  static String describe() {
    RecoveryConfig c = config();
    return "heartbeat warn/stale/dead "
        + seconds(c.heartbeatWarn())
        + "/"
        + seconds(c.heartbeatStale())
        + "/"
        + seconds(c.heartbeatDead())
        + ", lease "
        + seconds(c.leaseDuration())
        + ", watcher "
        + seconds(c.watcherInterval())
        + ", recovery pass "
        + seconds(c.scanInterval())
        + ", "
        + c.maxAttempts()
        + " attempts, policy RESUME+KILL_STALE";
  }

  static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
  }
}
