package dev.crewrecovery.core.internal.delivery;

import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.CrewRecoveryException;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.StoredDeadletter;
import dev.crewrecovery.api.TaskResult;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.spi.ActiveRun;
import dev.crewrecovery.api.spi.DeadletterFilter;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.core.DeliveryCoordinator;
import dev.crewrecovery.core.DeliveryOutcome;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Re-derives, at a session's start, the result deliveries a crash may have lost: the ledger hands a
 * result to the coordinator after its commit, so a host that dies between the two leaves a recorded
 * result with no delivery. For every active run this session id owns (any incarnation), every
 * result recorded within the TTL is handed to the coordinator again; its de-duplication ignores the
 * ones already pending or delivered within the TTL, and results whose delivery was deadlettered are
 * skipped. Costs one load per active run.
 */
public final class ResultRederivation {

  private ResultRederivation() {}

  /**
   * Re-derives the missing result deliveries.
   *
   * @param store the store
   * @param coordinator the coordinator, before it is activated
   * @param session this session's id
   * @param since results recorded before this instant are not re-derived (now − TTL)
   * @param logger where failures go (a run that fails is skipped)
   * @return how many results were queued again
   */
  public static int rederive(
      RunStore store,
      DeliveryCoordinator coordinator,
      SessionId session,
      Instant since,
      System.Logger logger) {
    int queued = 0;
    for (ActiveRun active : store.activeRuns()) {
      if (active.state() != ActiveRun.State.ACTIVE) {
        continue;
      }
      try {
        Optional<RunSnapshot> loaded = store.load(active.runId());
        if (loaded.isEmpty()) {
          continue;
        }
        RunSnapshot run = loaded.get();
        Owner owner = run.manifest().owner();
        if (owner == null || !owner.session().equals(session)) {
          continue;
        }
        Set<DeliveryId> deadlettered = null;
        for (TaskState task : run.tasks()) {
          for (Attempt attempt : task.attempts()) {
            TaskResult result = attempt.result();
            if (result == null || result.recordedAt().isBefore(since)) {
              continue;
            }
            if (deadlettered == null) {
              deadlettered = deadletteredDeliveries(store, run);
            }
            if (deadlettered.contains(DeliveryId.forResult(attempt.id()))) {
              continue;
            }
            DeliveryOutcome outcome =
                coordinator.deliverResult(
                    run.runId(), attempt.id(), result.reference(), owner.session());
            if (outcome != DeliveryOutcome.DUPLICATE) {
              queued++;
            }
          }
        }
      } catch (CrewRecoveryException e) {
        logger.log(
            Level.WARNING,
            "could not re-derive the result deliveries of run " + active.runId() + "; skipped",
            e);
      }
    }
    if (queued > 0) {
      logger.log(Level.INFO, "re-derived {0} result deliveries lost by a crash", queued);
    }
    return queued;
  }

  private static Set<DeliveryId> deadletteredDeliveries(RunStore store, RunSnapshot run) {
    Set<DeliveryId> out = new HashSet<>();
    for (StoredDeadletter s :
        store.deadletters(
            new DeadletterFilter(
                run.runId(), null, DeadletterReason.DELIVERY_FAILED, null, null))) {
      DeliveryId id = s.entry().deliveryId();
      if (id != null) {
        out.add(id);
      }
    }
    return out;
  }
}
