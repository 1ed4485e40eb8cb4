package dev.crewrecovery.core.internal.decide;

/**
 * How step 4 of DESIGN section 7 classifies a task. Only RUNNING and WAITING tasks without a result
 * of their current attempt are classified DEAD, LIVE, STALE or SILENT; the others say why they are
 * not.
 */
public enum TaskClass {
  /** A terminal task; never judged. */
  TERMINAL,
  /** A QUEUED task; nothing runs for it. */
  QUEUED,
  /** RUNNING or WAITING with a result of its current attempt: settled by "result wins". */
  HAS_RESULT,
  /** Its worker probes DEAD or RECYCLED, or is remotely dead. */
  DEAD,
  /**
   * Its worker probes ALIVE or UNKNOWN, or the fresher of its heartbeat and activity is within the
   * activity window.
   */
  LIVE,
  /** It has a timestamp, and is neither dead nor live. */
  STALE,
  /** It has neither a timestamp nor process evidence. */
  SILENT
}
