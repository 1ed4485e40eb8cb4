package dev.crewrecovery.api;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The identity of a process: pid, host, boot id and start identity. A pid alone is not an identity
 * because pids are reused; a probe compares the start identity to tell the original process from a
 * recycled pid. Refs alone key probe results; a log path is carried beside a ref, never in it.
 *
 * <p>On Linux the start identity is {@code startTicks} (field 22 of {@code /proc/<pid>/stat}) and
 * {@code bootId} is {@code /proc/sys/kernel/random/boot_id}; elsewhere {@code startInstant} from
 * {@link ProcessHandle.Info#startInstant()} with a tolerance. A ref with neither start identity can
 * only be matched by pid, which a probe treats as weaker evidence (it cannot detect recycling).
 *
 * @param pid the process id, positive
 * @param host the host name the process runs on, not blank
 * @param bootId the boot id of that host, or null where the platform has none
 * @param startTicks the process start time in clock ticks since boot (Linux), or null
 * @param startInstant the process start instant (portable), or null
 */
public record ProcessRef(
    long pid,
    String host,
    @Nullable String bootId,
    @Nullable Long startTicks,
    @Nullable Instant startInstant) {

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if {@code pid ≤ 0}, {@code host} is blank or {@code
   *     startTicks} is negative
   */
  public ProcessRef {
    if (pid <= 0) {
      throw new IllegalArgumentException("pid must be positive, was " + pid);
    }
    Checks.notBlank(host, "host");
    if (startTicks != null && startTicks < 0) {
      throw new IllegalArgumentException("startTicks must not be negative, was " + startTicks);
    }
  }

  /**
   * Returns a Linux ref.
   *
   * @param pid the pid
   * @param host the host name
   * @param bootId the boot id
   * @param startTicks field 22 of {@code /proc/<pid>/stat}
   * @return the ref
   */
  public static ProcessRef linux(long pid, String host, String bootId, long startTicks) {
    Objects.requireNonNull(bootId, "bootId");
    return new ProcessRef(pid, host, bootId, startTicks, null);
  }

  /**
   * Returns a portable ref identified by start instant.
   *
   * @param pid the pid
   * @param host the host name
   * @param startInstant the process start instant
   * @return the ref
   */
  public static ProcessRef portable(long pid, String host, Instant startInstant) {
    Objects.requireNonNull(startInstant, "startInstant");
    return new ProcessRef(pid, host, null, null, startInstant);
  }

  /** Returns a copy with another start tick count (for example to simulate a recycled pid). */
  public ProcessRef withStartTicks(long ticks) {
    return new ProcessRef(pid, host, bootId, ticks, startInstant);
  }
}
