package dev.crewrecovery.core;

import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterId;
import dev.crewrecovery.api.DeadletterMark;
import java.util.List;
import java.util.Objects;

/**
 * A deadletter entry as listed: the stored entry, its computed state and its marks.
 *
 * @param entry the entry
 * @param state its state, computed when it was read
 * @param marks its marks, oldest first
 */
public record DeadletterView(
    DeadletterEntry entry, DeadletterState state, List<DeadletterMark> marks) {

  /** Validates the components and copies the marks. */
  public DeadletterView {
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(state, "state");
    marks = List.copyOf(marks);
  }

  /** Returns the entry's id. */
  public DeadletterId id() {
    return entry.id();
  }
}
