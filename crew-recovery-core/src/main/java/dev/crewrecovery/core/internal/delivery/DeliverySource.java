package dev.crewrecovery.core.internal.delivery;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskResult;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Where the ledger hands what must be delivered, after the commit that produced it (never inside an
 * update). Implementations must be thread-safe and must not throw for a repeated item: ids are
 * derived, so a repeat is recognisable.
 */
public interface DeliverySource {

  /**
   * A result was recorded for an attempt.
   *
   * @param attempt the attempt
   * @param result the result
   * @param owner the run's owner at the commit, or null
   * @param epoch the run's epoch at the commit
   */
  void resultRecorded(AttemptId attempt, TaskResult result, @Nullable Owner owner, long epoch);

  /**
   * A run moved into a terminal status.
   *
   * @param runId the run
   * @param status the terminal status
   * @param owner the run's owner at the commit, or null
   * @param epoch the run's epoch at the commit
   * @param at the instant of the transition
   */
  void runTerminated(RunId runId, RunStatus status, @Nullable Owner owner, long epoch, Instant at);

  /**
   * A committed recovery write or redrive changed a run's owner (adoption, RESUME, RETRY, redrive,
   * or a repair of another session's run): queued items owned by the previous owner's session move
   * to the new owner's. Does nothing when the session is the same or there is no new owner.
   *
   * @param runId the run
   * @param previous the owner before the write, or null
   * @param owner the owner after it, or null
   */
  default void runAdopted(RunId runId, @Nullable Owner previous, @Nullable Owner owner) {}
}
