package dev.crewrecovery.api.spi;

import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.NewEvent;
import dev.crewrecovery.api.RunSnapshot;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link UpdateFunction} decided: commit nothing, or commit a new snapshot with the events
 * and deadletter entries the change produced (its outbox). Immutable.
 */
public final class Update {
  private static final Update UNCHANGED = new Update(null, List.of(), List.of());

  private final @Nullable RunSnapshot snapshot;
  private final List<NewEvent> events;
  private final List<DeadletterEntry> deadletters;

  private Update(
      @Nullable RunSnapshot snapshot, List<NewEvent> events, List<DeadletterEntry> deadletters) {
    this.snapshot = snapshot;
    this.events = List.copyOf(events);
    this.deadletters = List.copyOf(deadletters);
  }

  /** Returns the decision to commit nothing: the version stays and no event is appended. */
  public static Update unchanged() {
    return UNCHANGED;
  }

  /**
   * Returns the decision to commit a new snapshot with events.
   *
   * @param snapshot the new state, at the version the function received
   * @param events the events to append with it
   * @return the decision
   */
  public static Update commit(RunSnapshot snapshot, List<NewEvent> events) {
    return commit(snapshot, events, List.of());
  }

  /**
   * Returns the decision to commit a new snapshot with events and deadletter entries.
   *
   * @param snapshot the new state, at the version the function received
   * @param events the events to append with it
   * @param deadletters deadletter entries caused by the change (ids derived, appends idempotent)
   * @return the decision
   */
  public static Update commit(
      RunSnapshot snapshot, List<NewEvent> events, List<DeadletterEntry> deadletters) {
    return new Update(Objects.requireNonNull(snapshot, "snapshot"), events, deadletters);
  }

  /** Returns whether this decision commits nothing. */
  public boolean isUnchanged() {
    return snapshot == null;
  }

  /** Returns the new snapshot, or null for {@link #unchanged()}. */
  public @Nullable RunSnapshot snapshot() {
    return snapshot;
  }

  /** Returns the events to append. */
  public List<NewEvent> events() {
    return events;
  }

  /** Returns the deadletter entries to append. */
  public List<DeadletterEntry> deadletters() {
    return deadletters;
  }
}
