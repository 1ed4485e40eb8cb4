package dev.crewrecovery.testkit.delivery;

import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;

/** A System.Logger that keeps every message (formatted) in memory. */
public final class RecordingLogger implements System.Logger {
  /** One logged message. */
  public record Line(Level level, String text) {}

  private final List<Line> lines = new ArrayList<>();

  @Override
  public String getName() {
    return "test";
  }

  @Override
  public boolean isLoggable(Level level) {
    return true;
  }

  @Override
  public synchronized void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
    lines.add(new Line(level, msg + " " + thrown));
  }

  @Override
  public synchronized void log(
      Level level, ResourceBundle bundle, String format, Object... params) {
    lines.add(
        new Line(
            level,
            params == null || params.length == 0 ? format : MessageFormat.format(format, params)));
  }

  public synchronized List<Line> lines() {
    return List.copyOf(lines);
  }

  public synchronized boolean contains(String fragment) {
    return lines.stream().anyMatch(l -> l.text().contains(fragment));
  }
}
