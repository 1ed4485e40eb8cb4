package dev.crewrecovery.core.internal.store;

import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunSnapshot;
import java.util.List;

/**
 * The content of a run.json: the snapshot, the highest event sequence number assigned so far, and
 * the outbox of the update that committed it (its events, with their sequence numbers, and its
 * deadletter entries). The outbox is pending only while {@code outbox/<runId>} names this version.
 *
 * @param snapshot the committed snapshot
 * @param lastSeq the highest sequence number assigned when it was committed
 * @param outboxEvents the events of the committing update
 * @param outboxDeadletters the deadletter entries of the committing update
 */
record StoredRun(
    RunSnapshot snapshot,
    long lastSeq,
    List<RunEvent> outboxEvents,
    List<DeadletterEntry> outboxDeadletters) {
  StoredRun {
    outboxEvents = List.copyOf(outboxEvents);
    outboxDeadletters = List.copyOf(outboxDeadletters);
  }
}
