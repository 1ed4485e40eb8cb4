package dev.crewrecovery.api.spi;

/** What happened to a beat on the fast path. Dropped beats are counted in {@link StoreStats}. */
public enum HeartbeatOutcome {
  /** Written to the task's slot. */
  RECORDED,
  /** Dropped: the attempt is not the task's current attempt (a zombie, or a requeued task). */
  DROPPED_NOT_CURRENT,
  /** Dropped: the task (or the run) is terminal. */
  DROPPED_TERMINAL,
  /** Dropped: the store holds no such run or task. */
  DROPPED_UNKNOWN
}
