package dev.crewrecovery.cli.internal.ops;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Text styles for human output: ANSI colours when enabled (a terminal without {@code NO_COLOR}),
 * plain text otherwise. Also lays out tables whose cells may carry colours. Immutable.
 */
final class Style {
  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");

  private final boolean colours;

  Style(boolean colours) {
    this.colours = colours;
  }

  String bold(String s) {
    return wrap("1", s);
  }

  String red(String s) {
    return wrap("31", s);
  }

  String yellow(String s) {
    return wrap("33", s);
  }

  String green(String s) {
    return wrap("32", s);
  }

  String dim(String s) {
    return wrap("2", s);
  }

  private String wrap(String code, String s) {
    return colours ? "\u001B[" + code + "m" + s + "\u001B[0m" : s;
  }

  /** Colours a level or liveness word: bad ones red, doubtful ones yellow, good ones green. */
  String judged(String word) {
    return switch (word) {
      case "DEAD",
          "RECYCLED",
          "EXPIRED",
          "RELEASED",
          "SUPERSEDED",
          "MISSING",
          "OPEN",
          "CORRUPT",
          "ORPHANED_MARKER",
          "UNREADABLE",
          "FAILED",
          "NEEDS_ATTENTION" ->
          red(word);
      case "STALE", "WARN", "UNKNOWN", "BLOCKED", "WAITING" -> yellow(word);
      case "ALIVE", "HEALTHY", "LIVE", "COMPLETED" -> green(word);
      default -> word;
    };
  }

  static int width(String s) {
    return ANSI.matcher(s).replaceAll("").length();
  }

  /**
   * Lays out a table: a header line, then one line per row, columns padded to the widest cell and
   * separated by two spaces; the last column is not padded.
   */
  String table(List<String> header, List<List<String>> rows) {
    int[] widths = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      widths[i] = width(header.get(i));
    }
    for (List<String> row : rows) {
      for (int i = 0; i < row.size() && i < widths.length; i++) {
        widths[i] = Math.max(widths[i], width(row.get(i)));
      }
    }
    StringBuilder b = new StringBuilder();
    line(b, header.stream().map(this::bold).toList(), header, widths);
    for (List<String> row : rows) {
      line(b, row, row, widths);
    }
    return b.toString();
  }

  private static void line(StringBuilder b, List<String> cells, List<String> plain, int[] widths) {
    StringBuilder l = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        l.append("  ");
      }
      l.append(cells.get(i));
      if (i < cells.size() - 1) {
        l.append(" ".repeat(Math.max(0, widths[i] - width(plain.get(i)))));
      }
    }
    b.append(l.toString().stripTrailing()).append('\n');
  }
}
