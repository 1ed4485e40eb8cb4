package dev.crewrecovery.core.internal.decide;

/** Why a task got its {@link TaskClass}: the piece of evidence that decided it. */
public enum ClassReason {
  /** The task is terminal. */
  TERMINAL,
  /** The task is QUEUED. */
  QUEUED,
  /** The current attempt recorded a result. */
  HAS_RESULT,
  /** The worker is judged DEAD or RECYCLED, or remotely dead. */
  WORKER_DEAD,
  /** The worker is judged ALIVE or UNKNOWN. */
  WORKER_ALIVE_OR_UNKNOWN,
  /** The fresher of heartbeat and activity is within the activity window. */
  RECENT_LIFE,
  /** The fresher of heartbeat and activity is older than the activity window. */
  OLD_LIFE,
  /** The worker announced its end ({@code alive=false}): its beats are not life. */
  WORKER_ENDED,
  /** No heartbeat, activity or process evidence. */
  NO_EVIDENCE
}
