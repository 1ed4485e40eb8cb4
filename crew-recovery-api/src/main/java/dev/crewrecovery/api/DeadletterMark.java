package dev.crewrecovery.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A mark recorded against a deadletter entry: a discard (with why) or a redrive.
 *
 * @param entry the entry it marks
 * @param kind discard or redrive
 * @param at when
 * @param note why it was discarded, or who redrove it
 */
public record DeadletterMark(DeadletterId entry, Kind kind, Instant at, String note) {

  /** The kind of mark. */
  public enum Kind {
    /** The entry was discarded: state DISCARDED. */
    DISCARD,
    /** The entry was redriven: state REDRIVEN. */
    REDRIVE
  }

  /** Validates the components. */
  public DeadletterMark {
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(note, "note");
  }
}
