package dev.crewrecovery.api;

/**
 * Stored state has a {@code schemaVersion} newer than this reader supports. It is left in place,
 * never quarantined and never overwritten: a newer version of the library can still read it.
 */
public final class UnsupportedSchemaException extends CorruptStateException {
  private static final long serialVersionUID = 1L;

  private final long found;
  private final long supported;

  /**
   * Creates the exception.
   *
   * @param location the file or record
   * @param found the schema version found
   * @param supported the newest schema version this reader supports
   */
  public UnsupportedSchemaException(String location, long found, long supported) {
    super(
        location,
        null,
        "schemaVersion "
            + found
            + " is newer than the newest supported ("
            + supported
            + "); left in place, upgrade crew-recovery to read it",
        null);
    this.found = found;
    this.supported = supported;
  }

  /** Returns the schema version found. */
  public long found() {
    return found;
  }

  /** Returns the newest schema version this reader supports. */
  public long supported() {
    return supported;
  }
}
