package dev.crewrecovery.api;

import org.jspecify.annotations.Nullable;

/**
 * A transient input/output failure of a store (disk full, permission, interrupted I/O). It never
 * quarantines anything and never means the data is corrupt: the same call may succeed later. What
 * was committed before the failure stays committed; the failed call committed nothing.
 */
public final class StoreIoException extends CrewRecoveryException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what the store was doing and on which file
   * @param cause the underlying I/O failure
   */
  public StoreIoException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
