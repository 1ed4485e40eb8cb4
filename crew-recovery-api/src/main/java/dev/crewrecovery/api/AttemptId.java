package dev.crewrecovery.api;

import java.util.Objects;

/**
 * One execution of a task: (run, task, n ≥ 1), written {@code <runId>:<taskId>:<n>}. Because
 * neither id may contain {@code ':'}, the text form parses back unambiguously. An attempt id is a
 * value, never a path component.
 *
 * @param runId the run
 * @param taskId the task
 * @param number the attempt number, starting at 1
 */
public record AttemptId(RunId runId, TaskId taskId, int number) implements Comparable<AttemptId> {
  /** Validates the components. */
  public AttemptId {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(taskId, "taskId");
    if (number < 1) {
      throw new InvalidIdException(
          "AttemptId",
          runId + ":" + taskId + ":" + number,
          "attempt number is " + number + "; it must be at least 1");
    }
  }

  /**
   * Returns the attempt id.
   *
   * @param runId the run
   * @param taskId the task
   * @param number the attempt number, at least 1
   * @return the attempt id
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
    return new AttemptId(
        new RunId(text.substring(0, first)),
        new TaskId(text.substring(first + 1, last)),
        Integer.parseInt(n));
  }

  /** Returns the id of the next attempt of the same task. */
  public AttemptId next() {
    return new AttemptId(runId, taskId, Math.addExact(number, 1));
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
