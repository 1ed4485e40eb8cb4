package dev.crewrecovery.core.internal.store;

/** A stored document has a schema version newer than this reader supports: leave it in place. */
final class NewerSchemaException extends Exception {
  private static final long serialVersionUID = 1L;

  private final long found;

  NewerSchemaException(long found) {
    super("schemaVersion " + found + " is newer than " + Json.SCHEMA_VERSION);
    this.found = found;
  }

  long found() {
    return found;
  }
}
