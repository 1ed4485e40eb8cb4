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
}
