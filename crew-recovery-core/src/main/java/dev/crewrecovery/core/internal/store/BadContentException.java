package dev.crewrecovery.core.internal.store;

import org.jspecify.annotations.Nullable;

/**
 * A stored document (or one line of a log) cannot be read as a valid document of a supported
 * schema: not JSON, failing validation, a bad {@code schemaVersion}, or over the size cap. The
 * caller decides whether this quarantines a file or skips a line.
 */
final class BadContentException extends Exception {
  private static final long serialVersionUID = 1L;

  BadContentException(String message) {
    super(message);
  }

  BadContentException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
