package dev.crewrecovery.api.spi;

/** What {@link ProcessProbe#terminate} did. */
public enum TerminationOutcome {
  /** The process exited after SIGTERM within the grace. */
  TERMINATED,
  /** The process ignored SIGTERM and was killed with SIGKILL after the grace. */
  KILLED,
  /** The process was already gone (DEAD): no signal sent. */
  NOT_RUNNING,
  /** The pid belongs to another process (RECYCLED): no signal sent. */
  IDENTITY_MISMATCH,
  /** Liveness could not be established (UNKNOWN, another host): no signal sent. */
  UNKNOWN,
  /** Signals were sent but the process still runs (for example, no permission to kill). */
  FAILED
}
