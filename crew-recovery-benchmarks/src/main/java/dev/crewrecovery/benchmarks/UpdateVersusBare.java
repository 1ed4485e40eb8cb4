package dev.crewrecovery.benchmarks;

import java.util.Locale;

/**
 * Item 2, interleaved: the operations of {@link UpdateBench} in round-robin in one thread, one of
 * each per round, each timed with {@code System.nanoTime()}, so that a disk shared with other
 * writers slows all of them alike (JMH runs its benchmark methods one after another, minutes apart,
 * and on a busy disk that alone moves the ratio). Reports p50/p90/p99 of each and the ratios of the
 * update to its bare floor.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.crewrecovery.benchmarks.UpdateVersusBare [--rounds
 * 300] [--warmup 30]}; {@code -Dbench.dir=DIR} puts the files on another disk.
 */
public final class UpdateVersusBare {

  private UpdateVersusBare() {}

  /**
   * Runs the measurement.
   *
   * @param args see the class comment
   * @throws Exception on any failure
   */
  public static void main(String[] args) throws Exception {
    int rounds = 300;
    int warmup = 30;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    UpdateBench b = new UpdateBench();
    b.setUp();
    String[] names = {"update, no event", "bare replace", "update, one event", "bare + append"};
    double[][] t = new double[names.length][rounds];
    try {
      for (int r = -warmup; r < rounds; r++) {
        for (int op = 0; op < names.length; op++) {
          long s = System.nanoTime();
          switch (op) {
            case 0 -> b.updateNoEvent();
            case 1 -> b.bareReplace();
            case 2 -> b.updateOneEvent();
            default -> b.bareReplaceAndAppend();
          }
          if (r >= 0) {
            t[op][r] = (System.nanoTime() - s) / 1e3;
          }
        }
      }
    } finally {
      b.tearDown();
    }
    Percentiles[] p = new Percentiles[names.length];
    for (int op = 0; op < names.length; op++) {
      p[op] = new Percentiles(t[op]);
      System.out.printf(Locale.ROOT, "%-18s %s%n", names[op], p[op].line("us"));
    }
    ratio("update, no event / bare replace", p[0], p[1]);
    ratio("update, one event / bare replace", p[2], p[1]);
    ratio("update, one event / bare + append", p[2], p[3]);
  }

  private static void ratio(String what, Percentiles a, Percentiles b) {
    System.out.printf(
        Locale.ROOT,
        "%-34s p50 %.2fx  p90 %.2fx  p99 %.2fx%n",
        what,
        a.at(50) / b.at(50),
        a.at(90) / b.at(90),
        a.at(99) / b.at(99));
  }
}
