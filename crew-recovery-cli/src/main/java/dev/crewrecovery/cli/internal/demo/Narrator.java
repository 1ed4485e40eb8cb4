package dev.crewrecovery.cli.internal.demo;

import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.spi.Clock;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prints the demo's story, one line per event, each with the time elapsed since the demo began and
 * the scenario it belongs to. Thread-safe: lines from the engine's threads, the event tail and the
 * scenarios never interleave.
 */
final class Narrator {
  private final PrintWriter out;
  private final Clock clock;
  private final long startNanos;
  private final Map<RunId, String> labels = new ConcurrentHashMap<>();
  private volatile String current = "demo";

  Narrator(PrintWriter out, Clock clock) {
    this.out = out;
    this.clock = clock;
    this.startNanos = clock.monotonicNanos();
  }

  /** Returns the monotonic time now, on the demo's clock. */
  long nanos() {
    return clock.monotonicNanos();
  }

  /** Returns the time elapsed since the demo began. */
  Duration elapsed() {
    return Duration.ofNanos(clock.monotonicNanos() - startNanos);
  }

  /**
   * Names the scenario a run belongs to, for the lines about it.
   *
   * @param run the run
   * @param label the scenario's short label
   */
  void label(RunId run, String label) {
    labels.put(run, label);
  }

  /** Sets the label of the scenario running now (for lines that name no run). */
  void current(String label) {
    current = label;
  }

  /** Returns the label of the scenario running now. */
  String current() {
    return current;
  }

  /** Returns the label of a run's scenario, or the run id itself. */
  String labelOf(RunId run) {
    String l = labels.get(run);
    return l == null ? run.value() : l;
  }

  /**
   * Prints one line.
   *
   * @param label the scenario label (or a word for the demo itself)
   * @param text what happened
   */
  synchronized void say(String label, String text) {
    double seconds = (clock.monotonicNanos() - startNanos) / 1e9;
    out.println(String.format(Locale.ROOT, "[%6.2fs] %-12s %s", seconds, label, text));
    out.flush();
  }

  /**
   * Prints one line about a run.
   *
   * @param run the run
   * @param text what happened
   */
  void sayRun(RunId run, String text) {
    say(labelOf(run), text);
  }

  /**
   * Prints a line without the time column (headings, the table).
   *
   * @param text the line
   */
  synchronized void plain(String text) {
    out.println(text);
    out.flush();
  }
}
