package dev.crewrecovery.core.internal.process;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@link ProcessHandle} says of a pid: gone, alive (with its start instant when the platform
 * reports one), or nothing (the platform refused to answer).
 *
 * @param kind the answer
 * @param startInstant the start instant of the live process, when known; null otherwise
 */
public record HandleView(Kind kind, @Nullable Instant startInstant) {

  /** The kinds of answer. */
  public enum Kind {
    /** No live process has the pid. */
    GONE,
    /** A live process has the pid. */
    ALIVE,
    /** The platform gave no answer. */
    UNAVAILABLE
  }

  private static final System.Logger LOG = System.getLogger(HandleView.class.getName());

  /** Validates the components. */
  public HandleView {
    Objects.requireNonNull(kind, "kind");
    if (kind != Kind.ALIVE && startInstant != null) {
      throw new IllegalArgumentException("only a live process has a start instant");
    }
  }

  /** A pid no live process has. */
  public static HandleView gone() {
    return new HandleView(Kind.GONE, null);
  }

  /** No answer from the platform. */
  public static HandleView unavailable() {
    return new HandleView(Kind.UNAVAILABLE, null);
  }

  /**
   * Asks {@link ProcessHandle} about a pid. Never throws: a platform that refuses (security
   * manager, unsupported operation) gives {@link Kind#UNAVAILABLE}.
   *
   * @param pid a positive pid
   * @return the view
   */
  public static HandleView of(long pid) {
    try {
      Optional<ProcessHandle> handle = ProcessHandle.of(pid);
      if (handle.isEmpty() || !handle.get().isAlive()) {
        return gone();
      }
      return new HandleView(Kind.ALIVE, handle.get().info().startInstant().orElse(null));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "ProcessHandle gave no answer for pid " + pid, e);
      return unavailable();
    }
  }
}
