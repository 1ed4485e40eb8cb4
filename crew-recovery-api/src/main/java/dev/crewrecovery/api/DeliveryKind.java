package dev.crewrecovery.api;

/** What a delivery carries (DESIGN section 11). */
public enum DeliveryKind {
  /** The result of an attempt; never dropped for generation reasons. */
  RESULT,
  /** A notification of a run's terminal transition; never dropped for generation reasons. */
  NOTIFICATION,
  /** A steer from the API; dropped when it belongs to an older generation. */
  STEER
}
