package dev.crewrecovery.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An event to append to a run's log; the store assigns its sequence number.
 *
 * @param type a dotted lower-case type such as {@code run.reconciled}
 * @param at when it happened
 * @param data flat string key/value data, copied and kept in insertion order
 */
public record NewEvent(String type, Instant at, Map<String, String> data) {
  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if the type is not {@code [a-z][a-z0-9_]*(\.[a-z0-9_]+)*}
   */
  public NewEvent {
    RunEvent.checkType(type);
    Objects.requireNonNull(at, "at");
    data = Checks.copy(data, "data");
  }

  /**
   * Returns an event.
   *
   * @param type the type
   * @param at when it happened
   * @param data key/value data
   * @return the event
   */
  public static NewEvent of(String type, Instant at, Map<String, String> data) {
    return new NewEvent(type, at, data);
  }
}
