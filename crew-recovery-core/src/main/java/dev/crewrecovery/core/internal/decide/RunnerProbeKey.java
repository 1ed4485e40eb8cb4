package dev.crewrecovery.core.internal.decide;

import dev.crewrecovery.api.ProcessRef;
import java.util.Objects;

/**
 * The key of a runner's probe result: the probed ref and the run's epoch when it was probed. A
 * result counts only when both match the manifest being judged, so a probe made before an adoption
 * or a resume never decides.
 *
 * @param ref the probed runner
 * @param epoch the run's epoch at the probe
 */
public record RunnerProbeKey(ProcessRef ref, long epoch) {
  /** Validates the components. */
  public RunnerProbeKey {
    Objects.requireNonNull(ref, "ref");
  }
}
