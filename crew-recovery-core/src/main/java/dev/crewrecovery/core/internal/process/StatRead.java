package dev.crewrecovery.core.internal.process;

import java.util.Objects;

/**
 * The outcome of reading {@code /proc/<pid>/stat}: the process's fields, proof that the pid does
 * not exist, or nothing known. Only {@link Missing} is evidence that a process is gone; everything
 * that merely failed is {@link Unreadable}.
 */
public sealed interface StatRead permits StatRead.Present, StatRead.Missing, StatRead.Unreadable {

  /**
   * The pid exists and its stat line parsed.
   *
   * @param stat the parsed fields
   */
  record Present(ProcStat stat) implements StatRead {
    /** Validates the component. */
    public Present {
      Objects.requireNonNull(stat, "stat");
    }
  }

  /** No process has this pid: {@code /proc} is readable and shows pid 1 but not this pid. */
  record Missing() implements StatRead {}

  /**
   * Nothing could be learnt: permission denied, an unreadable or hidden {@code /proc}, a malformed
   * line.
   *
   * @param reason why, for logs
   */
  record Unreadable(String reason) implements StatRead {
    /** Validates the component. */
    public Unreadable {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
