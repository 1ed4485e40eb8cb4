package dev.crewrecovery.api;

/**
 * A configuration value is out of its domain or inconsistent with another (for example warn ≥
 * stale). Thrown by {@code build()}; the message names the field, the value and what is allowed.
 */
public final class InvalidConfigurationException extends CrewRecoveryException {
  private static final long serialVersionUID = 1L;

  private final String field;

  /**
   * Creates the exception.
   *
   * @param field the configuration field that is wrong
   * @param message what is wrong and what is allowed
   */
  public InvalidConfigurationException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  /** Returns the configuration field that is wrong. */
  public String field() {
    return field;
  }
}
