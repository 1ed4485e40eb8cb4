package dev.crewrecovery.api;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The content of a task's heartbeat slot, as last written by its worker (or by the host on its
 * behalf). Counters let a reader notice progress without trusting the worker's clock.
 *
 * @param attempt the attempt that wrote the slot
 * @param beatCounter the number of beats of this attempt
 * @param beatAt the worker's instant of the last beat
 * @param activityCounter the number of activity marks of this attempt
 * @param activityAt the worker's instant of the last activity, or null before the first
 * @param alive false once the worker announced that it ended (never life evidence)
 */
public record HeartbeatSlot(
    AttemptId attempt,
    long beatCounter,
    Instant beatAt,
    long activityCounter,
    @Nullable Instant activityAt,
    boolean alive) {
  /** Validates the components. */
  public HeartbeatSlot {
    Objects.requireNonNull(attempt, "attempt");
    Objects.requireNonNull(beatAt, "beatAt");
    if (beatCounter < 0 || activityCounter < 0) {
      throw new IllegalArgumentException("counters must not be negative");
    }
  }
}
