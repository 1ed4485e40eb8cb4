package dev.crewrecovery.api;

/**
 * Why a status change is made. Most changes are {@link #ORDINARY}; the transitions out of terminal
 * states that DESIGN section 3 marks "explicit" are allowed only for the explicit operator or
 * recovery actions named here.
 */
public enum TransitionReason {
  /** A regular write by a host, a worker or a repair. */
  ORDINARY,
  /** The RESUME recovery action. */
  RESUME,
  /** The RETRY recovery action or an explicit retry by the host. */
  RETRY,
  /** A redrive of a deadletter entry. */
  REDRIVE;

  /** Returns whether this reason is one of the explicit actions (resume, retry, redrive). */
  public boolean isExplicit() {
    return this != ORDINARY;
  }
}
