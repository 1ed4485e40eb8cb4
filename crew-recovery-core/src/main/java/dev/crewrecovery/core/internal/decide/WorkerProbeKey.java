package dev.crewrecovery.core.internal.decide;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.ProcessRef;
import java.util.Objects;

/**
 * The key of a worker's probe result: the attempt and the ref that was probed. A result counts only
 * when both match the task's current attempt and its recorded worker in the snapshot being judged,
 * so a probe of a superseded attempt or an earlier ref never decides.
 *
 * @param attempt the attempt whose worker was probed
 * @param ref the probed process
 */
public record WorkerProbeKey(AttemptId attempt, ProcessRef ref) {
  /** Validates the components. */
  public WorkerProbeKey {
    Objects.requireNonNull(attempt, "attempt");
    Objects.requireNonNull(ref, "ref");
  }
}
