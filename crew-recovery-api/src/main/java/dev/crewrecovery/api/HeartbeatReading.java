package dev.crewrecovery.api;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a store read from one task's heartbeat slot.
 *
 * @param task the task
 * @param state whether the slot was readable
 * @param slot the slot when {@code state} is {@link State#OK}, else null
 */
public record HeartbeatReading(TaskId task, State state, @Nullable HeartbeatSlot slot) {

  /** Whether a slot could be read. Unreadability alone never changes a heartbeat level. */
  public enum State {
    /** Read and verified. */
    OK,
    /** No slot was ever written for the task. */
    MISSING,
    /** Torn or failing its checksum. */
    CORRUPT
  }

  /** Validates that a slot is present exactly when the state is OK. */
  public HeartbeatReading {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(state, "state");
    if ((state == State.OK) != (slot != null)) {
      throw new IllegalArgumentException("a slot is present exactly when the state is OK");
    }
  }

  /** Returns a readable reading. */
  public static HeartbeatReading ok(TaskId task, HeartbeatSlot slot) {
    return new HeartbeatReading(task, State.OK, slot);
  }

  /** Returns a reading of a slot never written. */
  public static HeartbeatReading missing(TaskId task) {
    return new HeartbeatReading(task, State.MISSING, null);
  }

  /** Returns a reading of a torn or corrupt slot. */
  public static HeartbeatReading corrupt(TaskId task) {
    return new HeartbeatReading(task, State.CORRUPT, null);
  }
}
