package dev.crewrecovery.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An event of a run's append-only log. Sequence numbers increase strictly per run; gaps are
 * allowed, duplicates never.
 *
 * @param runId the run
 * @param seq the sequence number, at least 1
 * @param type a dotted lower-case type such as {@code run.reconciled}
 * @param at when it happened
 * @param data flat string key/value data
 */
public record RunEvent(RunId runId, long seq, String type, Instant at, Map<String, String> data) {
  private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*");

  /** Validates the components. */
  public RunEvent {
    Objects.requireNonNull(runId, "runId");
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be at least 1, was " + seq);
    }
    checkType(type);
    Objects.requireNonNull(at, "at");
    data = Checks.copy(data, "data");
  }

  static void checkType(String type) {
    Objects.requireNonNull(type, "type");
    if (type.length() > 128 || !TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException(
          "event type \""
              + Ids.escape(type)
              + "\" must match [a-z][a-z0-9_]*(.[a-z0-9_]+)* and be at most 128 characters");
    }
  }
}
