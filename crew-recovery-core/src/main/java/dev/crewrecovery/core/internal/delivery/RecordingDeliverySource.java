package dev.crewrecovery.core.internal.delivery;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.DeliveryKind;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A stand-in for the delivery coordinator: builds each item with its DESIGN section 11 id (results
 * {@code r-…} of the attempt, notifications {@code n-…} of run, epoch and status) and keeps the
 * last {@code bound} in memory, ignoring an id already held. Nothing is handed to a sink yet.
 * Thread-safe.
 */
public final class RecordingDeliverySource implements DeliverySource {
  private final int bound;
  private final LinkedHashMap<DeliveryId, Delivery> items = new LinkedHashMap<>();

  /**
   * Creates the recorder.
   *
   * @param bound the most items kept; the oldest are dropped beyond it
   */
  public RecordingDeliverySource(int bound) {
    if (bound < 1) {
      throw new IllegalArgumentException("bound must be at least 1, was " + bound);
    }
    this.bound = bound;
  }

  @Override
  public void resultRecorded(
      AttemptId attempt, TaskResult result, @Nullable Owner owner, long epoch) {
    add(
        new Delivery(
            DeliveryId.forResult(attempt),
            DeliveryKind.RESULT,
            attempt.runId(),
            owner == null ? null : owner.session(),
            result.reference(),
            result.recordedAt(),
            0,
            0));
  }

  @Override
  public void runTerminated(
      RunId runId, RunStatus status, @Nullable Owner owner, long epoch, Instant at) {
    add(
        new Delivery(
            DeliveryId.forNotification(runId, epoch, status),
            DeliveryKind.NOTIFICATION,
            runId,
            owner == null ? null : owner.session(),
            status.name(),
            at,
            0,
            0));
  }

  private synchronized void add(Delivery d) {
    if (items.containsKey(d.id())) {
      return;
    }
    items.put(d.id(), d);
    Iterator<DeliveryId> oldest = items.keySet().iterator();
    while (items.size() > bound) {
      oldest.next();
      oldest.remove();
    }
  }

  /** Returns the items held, oldest first. */
  public synchronized List<Delivery> items() {
    return new ArrayList<>(items.values());
  }
}
