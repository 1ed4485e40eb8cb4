package dev.crewrecovery.core.internal.delivery;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.RedriveRefusedException;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskResult;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.core.DeliveryCoordinator;
import java.util.Objects;

/**
 * The redrive of a {@code DELIVERY_FAILED} entry (DESIGN section 10): the entry keeps only the
 * delivery id, so the item is rebuilt from the run's snapshot, where its id is derived from (a
 * result: the attempt whose result it is; a notification: run, epoch and terminal status), and
 * re-enqueued with a fresh failure count, owned like a new item (by the run's owner). A steer's
 * text is not kept anywhere, so a steer is refused.
 */
public final class Redeliveries {

  private Redeliveries() {}

  /**
   * Re-enqueues the delivery of an entry, or describes it.
   *
   * @param coordinator the coordinator
   * @param entry a DELIVERY_FAILED entry
   * @param run its run's current snapshot
   * @param dryRun whether to only describe
   * @return the readable change (the same text for the dry run and the redrive)
   * @throws RedriveRefusedException when the item cannot be rebuilt from the snapshot
   */
  public static String redeliver(
      DeliveryCoordinator coordinator, DeadletterEntry entry, RunSnapshot run, boolean dryRun) {
    DeliveryId id = Objects.requireNonNull(entry.deliveryId(), "deliveryId");
    Owner owner = run.manifest().owner();
    String owned = owner == null ? "no owner" : "owned by " + owner.session();
    for (TaskState task : run.tasks()) {
      for (Attempt attempt : task.attempts()) {
        TaskResult result = attempt.result();
        if (result != null && DeliveryId.forResult(attempt.id()).equals(id)) {
          if (!dryRun) {
            coordinator.deliverResult(run.runId(), attempt.id(), result.reference(), null);
          }
          return "delivery "
              + id
              + ": re-enqueued as the RESULT of attempt "
              + attempt.id()
              + " ("
              + owned
              + ")";
        }
      }
    }
    for (long epoch = 1; epoch <= run.manifest().epoch(); epoch++) {
      for (RunStatus status : RunStatus.values()) {
        if (status.isTerminal()
            && DeliveryId.forNotification(run.runId(), epoch, status).equals(id)) {
          if (!dryRun) {
            coordinator.deliverNotification(run.runId(), epoch, status, status.name(), null);
          }
          return "delivery "
              + id
              + ": re-enqueued as the NOTIFICATION of run "
              + run.runId()
              + " "
              + status
              + " at epoch "
              + epoch
              + " ("
              + owned
              + ")";
        }
      }
    }
    throw new RedriveRefusedException(
        entry.id(),
        "delivery "
            + id
            + " is neither the result of an attempt nor the notification of a terminal status of"
            + " run "
            + run.runId()
            + " (a steer's text is not kept: deliver it again with deliverSteer)");
  }
}
