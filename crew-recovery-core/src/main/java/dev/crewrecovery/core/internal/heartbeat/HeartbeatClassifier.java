package dev.crewrecovery.core.internal.heartbeat;

import dev.crewrecovery.core.HeartbeatLevel;
import java.time.Duration;
import java.time.Instant;

/**
 * The pure function from an observation to a heartbeat level (DESIGN section 6). Comparisons are
 * strict on the age of the fresher of {@code lastSeenAt} and {@code lastActivityAt}: an age exactly
 * at a threshold stays at the lower level. A worker that announced its end is DEAD whatever its
 * age. A timestamp in the future has a negative age and is HEALTHY.
 */
public final class HeartbeatClassifier {

  private HeartbeatClassifier() {}

  /**
   * Classifies an observation.
   *
   * @param observation the observation
   * @param now the instant of judgment
   * @param thresholds the thresholds
   * @return the level
   */
  public static HeartbeatLevel classify(
      Observation observation, Instant now, Thresholds thresholds) {
    if (observation.ended()) {
      return HeartbeatLevel.DEAD;
    }
    return levelOfAge(age(observation, now), thresholds);
  }

  /**
   * Returns the level of an age alone.
   *
   * @param age the age of the fresher timestamp (negative for a future one)
   * @param thresholds the thresholds
   * @return the level
   */
  public static HeartbeatLevel levelOfAge(Duration age, Thresholds thresholds) {
    if (age.compareTo(thresholds.warn()) <= 0) {
      return HeartbeatLevel.HEALTHY;
    }
    if (age.compareTo(thresholds.stale()) <= 0) {
      return HeartbeatLevel.WARN;
    }
    if (age.compareTo(thresholds.dead()) <= 0) {
      return HeartbeatLevel.STALE;
    }
    return HeartbeatLevel.DEAD;
  }

  /**
   * Returns the age of the fresher timestamp of an observation.
   *
   * @param observation the observation
   * @param now the instant of judgment
   * @return {@code now − freshest}, negative when the timestamp is in the future
   */
  public static Duration age(Observation observation, Instant now) {
    return Duration.between(observation.freshest(), now);
  }
}
