package dev.crewrecovery.api.spi;

import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunSnapshot;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of {@link RunStore#update}.
 *
 * @param snapshot the committed snapshot after the call (the new one, or the unchanged current one)
 * @param committed whether a new version was committed
 * @param events the events appended with the commit, with their sequence numbers (empty when
 *     nothing was committed)
 */
public record UpdateResult(RunSnapshot snapshot, boolean committed, List<RunEvent> events) {
  /** Validates the components and copies the events. */
  public UpdateResult {
    Objects.requireNonNull(snapshot, "snapshot");
    events = List.copyOf(events);
  }
}
