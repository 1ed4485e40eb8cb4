package dev.crewrecovery.cli.internal.demo;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Narrates the engine's own log records (signals sent, sessions started, deliveries dropped) as
 * demo lines, instead of the two-line console format of {@code java.util.logging}, while the demo
 * runs. The engine logs through {@link System.Logger}, which the JDK backs with {@code
 * java.util.logging}; the handler sits on the {@code dev.crewrecovery} logger and is removed on
 * {@link #close()}.
 */
final class LogNarration extends Handler implements AutoCloseable {
  private static final int MAX_LINE = 150;

  private final Narrator narrator;
  private final Logger logger = Logger.getLogger("dev.crewrecovery");
  private final boolean parentHandlers;
  private final SimpleFormatter formatter = new SimpleFormatter();

  LogNarration(Narrator narrator) {
    this.narrator = narrator;
    setLevel(Level.INFO);
    parentHandlers = logger.getUseParentHandlers();
    logger.setUseParentHandlers(false);
    logger.addHandler(this);
  }

  @Override
  public void publish(LogRecord record) {
    if (!isLoggable(record)) {
      return;
    }
    String text = formatter.formatMessage(record);
    Throwable thrown = record.getThrown();
    if (thrown != null) {
      text = text + ": " + thrown;
    }
    String level = record.getLevel().intValue() >= Level.WARNING.intValue() ? "warning: " : "";
    narrator.say(narrator.current(), Board.abbreviate("log: " + level + text, MAX_LINE));
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
    logger.setUseParentHandlers(parentHandlers);
  }
}
