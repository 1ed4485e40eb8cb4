package dev.crewrecovery.api;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception crew-recovery throws on purpose. It is unchecked: callers catch the
 * typed subclass they can act on, and everything else propagates.
 *
 * <p>{@link IllegalArgumentException} and {@link IllegalStateException} are reserved for
 * programming errors (a non-positive pid, a re-entrant {@code update}); everything that a correct
 * program can meet at run time is a subclass of this type carrying its context.
 */
public class CrewRecoveryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong and, where it helps, what is allowed
   */
  public CrewRecoveryException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong
   * @param cause the underlying failure, if any
   */
  public CrewRecoveryException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
