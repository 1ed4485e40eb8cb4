package dev.crewrecovery.api;

import org.jspecify.annotations.Nullable;

/**
 * Stored state could not be read as a valid document of a supported schema: not valid JSON, failing
 * validation, a missing or invalid {@code schemaVersion}, over the size cap. A persisting store
 * moves such a file aside (quarantine, never deletion) before throwing, and never returns
 * half-parsed state.
 */
public class CorruptStateException extends CrewRecoveryException {
  private static final long serialVersionUID = 1L;

  private final String location;
  private final @Nullable String quarantinedTo;

  /**
   * Creates the exception.
   *
   * @param location the file or record that is corrupt
   * @param quarantinedTo where it was moved, or null when it was left in place
   * @param message what is wrong with it
   * @param cause the parse or validation failure, if any
   */
  public CorruptStateException(
      String location, @Nullable String quarantinedTo, String message, @Nullable Throwable cause) {
    super(
        location
            + ": "
            + message
            + (quarantinedTo == null ? "" : " (moved to " + quarantinedTo + ")"),
        cause);
    this.location = location;
    this.quarantinedTo = quarantinedTo;
  }

  /** Returns the file or record that is corrupt. */
  public String location() {
    return location;
  }

  /** Returns where the corrupt file was moved, or null when it was left in place. */
  public @Nullable String quarantinedTo() {
    return quarantinedTo;
  }
}
