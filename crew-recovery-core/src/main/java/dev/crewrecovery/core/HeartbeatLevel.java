package dev.crewrecovery.core;

/**
 * How fresh a task's heartbeat is (DESIGN section 6). Levels compare the age of the fresher of the
 * last heartbeat and the last activity with strict thresholds: HEALTHY ≤ warn < WARN ≤ stale <
 * STALE ≤ dead < DEAD. A worker that announced its end ({@code alive = false}) is DEAD.
 */
public enum HeartbeatLevel {
  /** Age at most the warn threshold (30 s by default). */
  HEALTHY,
  /** Age above warn, at most the stale threshold (60 s). */
  WARN,
  /** Age above stale, at most the dead threshold (300 s). */
  STALE,
  /** Age above the dead threshold, or the worker announced its end. */
  DEAD
}
