package dev.crewrecovery.cli.internal.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One line of the demo's closing table: which failure was injected, how the engine detected it, how
 * long that took, what it did, what came of it, and whether that is what was expected.
 *
 * @param number the scenario's number (1 to 7)
 * @param failure the injected failure
 * @param detectedBy how it was detected
 * @param latency from the injection to the detection, or null when nothing was injected
 * @param action what the engine (or the operator) did
 * @param outcome what came of it
 * @param expected what should have come of it
 * @param asExpected whether the outcome is the expected one
 */
record Row(
    int number,
    String failure,
    String detectedBy,
    @Nullable Duration latency,
    String action,
    String outcome,
    String expected,
    boolean asExpected) {

  Row {
    Objects.requireNonNull(failure, "failure");
    Objects.requireNonNull(detectedBy, "detectedBy");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(expected, "expected");
  }

  /** A row whose outcome is compared with the expected one. */
  static Row of(
      int number,
      String failure,
      String detectedBy,
      @Nullable Duration latency,
      String action,
      String outcome,
      String expected) {
    return new Row(
        number, failure, detectedBy, latency, action, outcome, expected, outcome.equals(expected));
  }

  /** The row of a scenario that could not finish. */
  static Row error(int number, String failure, String expected, String why) {
    return new Row(number, failure, "-", null, "-", "error: " + why, expected, false);
  }

  /** Returns the latency in words ({@code 1.23 s} or {@code 45 ms}), or a dash. */
  String latencyText() {
    Duration d = latency;
    if (d == null) {
      return "-";
    }
    long ms = d.toMillis();
    return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.2f s", ms / 1000.0);
  }

  /**
   * Renders rows as a plain-text table, one line per row, then one line per row whose outcome
   * differs, naming what was expected.
   *
   * @param rows the rows
   * @return the lines
   */
  static List<String> table(List<Row> rows) {
    String[] head = {"#", "failure", "detected by", "latency", "action", "outcome", "ok"};
    List<String[]> cells = new ArrayList<>();
    cells.add(head);
    for (Row r : rows) {
      cells.add(
          new String[] {
            Integer.toString(r.number()),
            r.failure(),
            r.detectedBy(),
            r.latencyText(),
            r.action(),
            r.outcome(),
            r.asExpected() ? "yes" : "NO"
          });
    }
    int[] width = new int[head.length];
    for (String[] row : cells) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (int r = 0; r < cells.size(); r++) {
      lines.add(line(cells.get(r), width));
      if (r == 0) {
        String[] rule = new String[head.length];
        for (int i = 0; i < rule.length; i++) {
          rule[i] = "-".repeat(width[i]);
        }
        lines.add(line(rule, width));
      }
    }
    for (Row r : rows) {
      if (!r.asExpected()) {
        lines.add("scenario " + r.number() + " expected: " + r.expected());
      }
    }
    return lines;
  }

  private static String line(String[] cells, int[] width) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        b.append(" | ");
      }
      b.append(cells[i]);
      if (i < cells.length - 1) {
        b.append(" ".repeat(width[i] - cells[i].length()));
      }
    }
    return b.toString();
  }
}
