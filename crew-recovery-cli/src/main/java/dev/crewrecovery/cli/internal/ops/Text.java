package dev.crewrecovery.cli.internal.ops;

import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/** Formats values for people: ages, process identities, events. */
final class Text {
  private Text() {}

  /**
   * An age such as {@code 42s}, {@code 5m03s}, {@code 2h10m}, {@code 3d04h}; future: {@code in 5s}.
   */
  static String age(Duration d) {
    if (d.isNegative()) {
      return "in " + age(d.negated());
    }
    long s = d.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    if (s < 86_400) {
      return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
    return String.format(Locale.ROOT, "%dd%02dh", s / 86_400, (s % 86_400) / 3600);
  }

  static String ago(@Nullable Instant at, Instant now) {
    if (at == null) {
      return "-";
    }
    Duration d = Duration.between(at, now);
    return d.isNegative() ? age(d) : age(d) + " ago";
  }

  /** A process identity: {@code pid 123 on host (boot 1a2b3c4d, start ticks 456)}. */
  static String ref(@Nullable ProcessRef ref) {
    if (ref == null) {
      return "-";
    }
    StringJoiner id = new StringJoiner(", ", " (", ")").setEmptyValue("");
    if (ref.bootId() != null) {
      String boot = ref.bootId();
      id.add("boot " + (boot.length() > 8 ? boot.substring(0, 8) : boot));
    }
    if (ref.startTicks() != null) {
      id.add("start ticks " + ref.startTicks());
    }
    if (ref.startInstant() != null) {
      id.add("started " + ref.startInstant());
    }
    return "pid " + ref.pid() + " on " + ref.host() + id;
  }

  static String data(Map<String, String> data) {
    StringJoiner j = new StringJoiner(" ");
    for (Map.Entry<String, String> e : data.entrySet()) {
      String v = e.getValue();
      j.add(e.getKey() + "=" + (v.isEmpty() || v.contains(" ") ? "\"" + v + "\"" : v));
    }
    return j.toString();
  }

  static String event(RunEvent e) {
    String d = data(e.data());
    return String.format(
        Locale.ROOT, "%6d  %s  %s%s", e.seq(), e.at(), e.type(), d.isEmpty() ? "" : "  " + d);
  }

  /** An exception's message, or its class name when it has none. */
  static String message(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  static String orDash(@Nullable Object o) {
    return o == null ? "-" : o.toString();
  }

  /** Cuts a text to one line of at most {@code max} characters. */
  static String clip(@Nullable String s, int max) {
    if (s == null) {
      return "-";
    }
    String one = s.replace('\n', ' ').replace('\r', ' ');
    return one.length() <= max ? one : one.substring(0, max - 1) + "…";
  }
}
