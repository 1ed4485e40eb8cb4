package dev.crewrecovery.api.spi;

import dev.crewrecovery.api.ProcessRef;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The exit of a watched process.
 *
 * @param ref the process that exited
 * @param exitCode its exit code, known only for children of this JVM; null otherwise
 */
public record ProcessExit(ProcessRef ref, @Nullable Integer exitCode) {
  /** Validates the components. */
  public ProcessExit {
    Objects.requireNonNull(ref, "ref");
  }
}
