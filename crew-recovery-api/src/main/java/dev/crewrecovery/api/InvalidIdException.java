package dev.crewrecovery.api;

/**
 * An id (run, task, session, delivery, deadletter, attempt) does not follow its rule. Thrown before
 * the value touches a path, a file or a store.
 *
 * <p>The message names the kind of id, the rule, and the offending value with control, non-ASCII
 * and invisible characters escaped, so that it can be logged safely.
 */
public final class InvalidIdException extends CrewRecoveryException {
  private static final long serialVersionUID = 1L;

  private final String kind;
  private final String rejectedValue;

  /**
   * Creates the exception.
   *
   * @param kind the kind of id, for example {@code "RunId"}
   * @param rejectedValue the raw value that was rejected
   * @param rule the rule it broke, in words
   */
  public InvalidIdException(String kind, String rejectedValue, String rule) {
    super("invalid " + kind + " \"" + Ids.escape(rejectedValue) + "\": " + rule);
    this.kind = kind;
    this.rejectedValue = rejectedValue;
  }

  /** Returns the kind of id that was rejected, for example {@code "RunId"}. */
  public String kind() {
    return kind;
  }

  /** Returns the raw rejected value (unescaped; escape it before printing). */
  public String rejectedValue() {
    return rejectedValue;
  }
}
