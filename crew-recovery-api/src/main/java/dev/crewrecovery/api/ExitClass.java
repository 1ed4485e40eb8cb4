package dev.crewrecovery.api;

/** How a worker process ended (DESIGN section 8, first match wins in that order). */
public enum ExitClass {
  /** The worker timed out. */
  TIMEOUT,
  /** The worker was cancelled. */
  CANCELLED,
  /** The worker could not be started. */
  SPAWN_ERROR,
  /** Signal or non-zero exit with a crash signature on stderr (segfault, abort, panic…). */
  NATIVE_PANIC,
  /** Killed by a signal. */
  SIGNAL_EXIT,
  /** Exit code 0. */
  CLEAN_EXIT,
  /** Exit code other than 0. */
  NON_ZERO_EXIT,
  /** Neither exit code nor signal known. */
  PROTOCOL_EXIT
}
