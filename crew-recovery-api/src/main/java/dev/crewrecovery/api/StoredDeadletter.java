package dev.crewrecovery.api;

import java.util.List;
import java.util.Objects;

/**
 * A deadletter entry with the marks recorded against it, as a store returns it.
 *
 * @param entry the entry
 * @param marks its marks, oldest first
 */
public record StoredDeadletter(DeadletterEntry entry, List<DeadletterMark> marks) {
  /** Validates the components and copies the marks. */
  public StoredDeadletter {
    Objects.requireNonNull(entry, "entry");
    marks = Checks.copy(marks, "marks");
  }

  /** Returns whether a mark of this kind exists. */
  public boolean hasMark(DeadletterMark.Kind kind) {
    return marks.stream().anyMatch(m -> m.kind() == kind);
  }
}
