package dev.crewrecovery.cli.internal.demo;

import dev.crewrecovery.api.CrewRecoveryException;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.spi.RunStore;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Narrates the durable event log of the demo's runs: every 100 ms it reads the events appended
 * since the last look ({@link RunStore#events}) and prints one line each. Reading the log, rather
 * than trusting the demo's own calls, shows what the store really holds, whoever wrote it (the
 * engine's loops, the second host, the ledger). {@link #drain} catches up at once, so a scenario's
 * conclusion comes after its events. Thread-safe.
 */
final class EventTail implements AutoCloseable {
  /** Event data keys shown in a line, in this order; the rest is left out to keep lines short. */
  private static final List<String> KEYS =
      List.of(
          "attempt",
          "worker",
          "status",
          "from",
          "owner",
          "epoch",
          "verdict",
          "action",
          "code",
          "exitClass",
          "by",
          "cause",
          "notBefore",
          "deadletter",
          "reason",
          "requeued",
          "completed",
          "failed",
          "terminated",
          "reference");

  /** Keys whose values are long prose or repeat what the line already says. */
  private static final Set<String> LEFT_OUT = Set.of("why", "message", "session", "previous");

  private static final int MAX_LINE = 150;

  private final RunStore store;
  private final Narrator narrator;
  private final Map<RunId, Long> seen = new LinkedHashMap<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "demo-event-tail");
            t.setDaemon(true);
            return t;
          });

  EventTail(RunStore store, Narrator narrator) {
    this.store = store;
    this.narrator = narrator;
    // Runs until the timer is shut down; drainAll reports its own failures, so the future carries
    // nothing to check.
    var unused = timer.scheduleWithFixedDelay(this::drainAll, 100, 100, TimeUnit.MILLISECONDS);
  }

  /** Starts following a run. */
  synchronized void follow(RunId run) {
    seen.putIfAbsent(run, 0L);
  }

  /** Prints the run's events not printed yet. */
  synchronized void drain(RunId run) {
    Long after = seen.get(run);
    if (after == null) {
      return;
    }
    try {
      long last = after;
      for (RunEvent e : store.events(run, last, 1_000)) {
        narrator.sayRun(run, describe(e));
        last = e.seq();
      }
      seen.put(run, last);
    } catch (CrewRecoveryException e) {
      narrator.sayRun(run, "(cannot read the event log: " + e.getMessage() + ")");
    }
  }

  /** Prints the events not printed yet of every run followed. */
  synchronized void drainAll() {
    for (Iterator<RunId> it = Set.copyOf(seen.keySet()).iterator(); it.hasNext(); ) {
      drain(it.next());
    }
  }

  static String describe(RunEvent e) {
    StringBuilder b = new StringBuilder("event ").append(e.type());
    Map<String, String> data = e.data();
    List<String> keys = new ArrayList<>();
    for (String key : KEYS) {
      if (data.containsKey(key)) {
        keys.add(key);
      }
    }
    for (String key : new TreeSet<>(data.keySet())) {
      if (!KEYS.contains(key) && !LEFT_OUT.contains(key)) {
        keys.add(key);
      }
    }
    for (String key : keys) {
      String v = data.get(key);
      if (v != null && !saysNothing(key, v)) {
        b.append(' ').append(key).append('=').append(Board.abbreviate(v, 48));
      }
    }
    return Board.abbreviate(b.toString(), MAX_LINE);
  }

  private static boolean saysNothing(String key, String v) {
    return v.isEmpty()
        || v.equals("null")
        || v.equals("false")
        || (key.endsWith("Tasks") && v.equals("0"));
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
