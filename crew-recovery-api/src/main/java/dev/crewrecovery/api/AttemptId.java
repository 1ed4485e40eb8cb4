package dev.crewrecovery.api;

import java.util.Objects;

/**
 * One execution of a task: (run, task, n ≥ 1), written {@code <runId>:<taskId>:<n>}. Because
 * neither id may contain {@code ':'}, the text form parses back unambiguously. An attempt id is a
 * value, never a path component.
 *
 * @param runId the run
 * @param taskId the task
 * @param number the attempt number, from 1 to {@link #MAX_NUMBER}
 */
public record AttemptId(RunId runId, TaskId taskId, int number) implements Comparable<AttemptId> {
  /**
   * The largest attempt number: nine decimal digits, so that every attempt id's text form parses
   * back with {@link #parse(String)}.
   */
  public static final int MAX_NUMBER = 999_999_999;

  /**
   * Validates the components.
   *
   * @throws InvalidIdException if {@code number} is not from 1 to {@link #MAX_NUMBER}
   */
  public AttemptId {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(taskId, "taskId");
    if (number < 1 || number > MAX_NUMBER) {
      throw new InvalidIdException(
          "AttemptId",
          runId + ":" + taskId + ":" + number,
          "attempt number is " + number + "; it must be from 1 to " + MAX_NUMBER);
    }
  }

  /**
   * Returns the attempt id.
   *
   * @param runId the run
   * @param taskId the task
   * @param number the attempt number, from 1 to {@link #MAX_NUMBER}
   * @return the attempt id
   * @throws InvalidIdException if {@code number} is out of range
   */
  public static AttemptId of(RunId runId, TaskId taskId, int number) {
    return new AttemptId(runId, taskId, number);
  }

  /**
   * Parses the text form {@code <runId>:<taskId>:<n>}.
   *
   * @param text the text form
   * @return the attempt id
   * @throws InvalidIdException if the text does not have exactly three parts, an id breaks its
   *     rule, or the number is not a positive decimal integer without sign or leading zero
   */
  public static AttemptId parse(String text) {
    Objects.requireNonNull(text, "text");
    int first = text.indexOf(':');
    int last = text.lastIndexOf(':');
    if (first < 0 || first == last || text.indexOf(':', first + 1) != last) {
      throw new InvalidIdException(
          "AttemptId", text, "must have the form <runId>:<taskId>:<n> with exactly two ':'");
    }
    String n = text.substring(last + 1);
    if (n.isEmpty() || n.length() > 9 || n.charAt(0) == '0' || !n.chars().allMatch(Ids::isDigit)) {
      throw new InvalidIdException(
          "AttemptId",
          text,
          "attempt number must be a decimal integer from 1 to 999999999 without sign or leading"
              + " zero");
    }
    RunId runId;
    TaskId taskId;
    try {
      runId = new RunId(text.substring(0, first));
      taskId = new TaskId(text.substring(first + 1, last));
    } catch (InvalidIdException e) {
      // Reported as the attempt id the caller passed, so the message shows the whole text.
      throw new InvalidIdException("AttemptId", text, "its " + e.getMessage());
    }
    return new AttemptId(runId, taskId, Integer.parseInt(n));
  }

  /**
   * Returns the id of the next attempt of the same task.
   *
   * @return the attempt id with number + 1
   * @throws InvalidIdException if this attempt's number is {@link #MAX_NUMBER}
   */
  public AttemptId next() {
    return new AttemptId(runId, taskId, number + 1);
  }

  @Override
  public int compareTo(AttemptId o) {
    int c = runId.compareTo(o.runId);
    if (c == 0) {
      c = taskId.compareTo(o.taskId);
    }
    return c != 0 ? c : Integer.compare(number, o.number);
  }

  /** Returns {@code <runId>:<taskId>:<n>}. */
  @Override
  public String toString() {
    return runId + ":" + taskId + ":" + number;
  }
}
