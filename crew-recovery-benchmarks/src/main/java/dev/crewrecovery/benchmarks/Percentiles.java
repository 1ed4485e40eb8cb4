package dev.crewrecovery.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/** Nearest-rank percentiles of a sample, for the harnesses that JMH does not run. */
final class Percentiles {

  private final double[] sorted;

  Percentiles(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values; at least one is needed");
    }
    sorted = values.clone();
    Arrays.sort(sorted);
  }

  /** The nearest-rank percentile {@code p} (0 < p ≤ 100). */
  double at(double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }

  double max() {
    return sorted[sorted.length - 1];
  }

  double min() {
    return sorted[0];
  }

  double mean() {
    double sum = 0;
    for (double v : sorted) {
      sum += v;
    }
    return sum / sorted.length;
  }

  int count() {
    return sorted.length;
  }

  /** One line: count, min, p50, p90, p99, max, mean, in the unit given. */
  String line(String unit) {
    return String.format(
        Locale.ROOT,
        "n=%d min=%.1f p50=%.1f p90=%.1f p99=%.1f max=%.1f mean=%.1f %s",
        count(),
        min(),
        at(50),
        at(90),
        at(99),
        max(),
        mean(),
        unit);
  }
}
