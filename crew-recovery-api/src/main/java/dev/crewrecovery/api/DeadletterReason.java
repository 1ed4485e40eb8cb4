package dev.crewrecovery.api;

/** Why a deadletter entry was written (DESIGN section 10). */
public enum DeadletterReason {
  /** The retry policy ran out of attempts. */
  MAX_RETRIES,
  /** The retry policy refused to retry the failure. */
  NON_RETRYABLE,
  /** A task stayed DEAD for three consecutive watcher ticks. */
  HEARTBEAT_DEAD,
  /** A delivery failed five times or its result expired. */
  DELIVERY_FAILED,
  /** The crash-loop budget refused a RESUME. */
  CRASH_LOOP,
  /** Written by hand through the API. */
  MANUAL
}
