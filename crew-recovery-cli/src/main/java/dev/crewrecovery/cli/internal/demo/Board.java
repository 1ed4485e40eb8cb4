package dev.crewrecovery.cli.internal.demo;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.api.spi.DeliverySink;
import dev.crewrecovery.api.spi.TerminationOutcome;
import dev.crewrecovery.core.HeartbeatLevel;
import dev.crewrecovery.core.RecoveryAction;
import dev.crewrecovery.core.RecoveryListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * What the demo learns from the engine: every listener call and delivery becomes a {@link Fact}
 * with the monotonic time it arrived, and a scenario waits for the fact it expects with a deadline
 * (never by sleeping). Heartbeat level changes and deliveries are narrated here, since they are
 * listener or sink calls without a store event; everything else is narrated by the event tail.
 * Thread-safe.
 */
final class Board implements RecoveryListener, DeliverySink {

  /** What kind of thing happened. */
  enum Kind {
    LEVEL,
    TASK_REPAIRED,
    DEADLETTER,
    VERDICT,
    RECONCILED,
    ADOPTED,
    TERMINATION,
    DISCONTINUITY,
    DELIVERED
  }

  /**
   * One thing the engine told the demo.
   *
   * @param kind what kind
   * @param run the run it concerns
   * @param attempt the attempt it concerns, if any
   * @param text the details, in words (for example {@code QUEUED worker_exit} or a level name)
   * @param nanos the monotonic time it arrived
   * @param value the object the engine passed (entry, delivery), if any
   */
  record Fact(
      Kind kind,
      @Nullable RunId run,
      @Nullable AttemptId attempt,
      String text,
      long nanos,
      @Nullable Object value) {}

  private final Narrator narrator;
  private final List<Fact> facts = new ArrayList<>();

  Board(Narrator narrator) {
    this.narrator = Objects.requireNonNull(narrator, "narrator");
  }

  private void add(
      Kind kind,
      @Nullable RunId run,
      @Nullable AttemptId attempt,
      String text,
      @Nullable Object value) {
    synchronized (facts) {
      facts.add(new Fact(kind, run, attempt, text, narrator.nanos(), value));
      facts.notifyAll();
    }
  }

  /**
   * Waits for the first fact (already seen or still to come) that matches.
   *
   * @param what what is awaited, in words, for the error
   * @param match the test
   * @param timeout how long at most
   * @return the fact
   * @throws DemoException when the time is up first
   */
  Fact await(String what, Predicate<Fact> match, Duration timeout) {
    long deadline = narrator.nanos() + timeout.toNanos();
    synchronized (facts) {
      while (true) {
        for (Fact f : facts) {
          if (match.test(f)) {
            return f;
          }
        }
        long left = deadline - narrator.nanos();
        if (left <= 0) {
          throw new DemoException("the engine did not report " + what + " within " + timeout);
        }
        try {
          facts.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new DemoException("interrupted while waiting for " + what);
        }
      }
    }
  }

  /**
   * Watches for a fact that must not come: returns as soon as one matching fact is seen, or when
   * the time is up.
   *
   * @param match the test
   * @param window how long to watch
   * @return whether a matching fact was seen
   */
  boolean appears(Predicate<Fact> match, Duration window) {
    try {
      await("a fact", match, window);
      return true;
    } catch (DemoException e) {
      return false;
    }
  }

  /**
   * Returns the facts seen so far that match.
   *
   * @param match the test
   * @return the facts, in arrival order
   */
  List<Fact> all(Predicate<Fact> match) {
    synchronized (facts) {
      List<Fact> out = new ArrayList<>();
      for (Fact f : facts) {
        if (match.test(f)) {
          out.add(f);
        }
      }
      return out;
    }
  }

  /** Returns the first fact seen so far that matches, if any. */
  Optional<Fact> first(Predicate<Fact> match) {
    List<Fact> found = all(match);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** Facts about one run of a kind. */
  static Predicate<Fact> about(RunId run, Kind kind) {
    return f -> f.kind() == kind && run.equals(f.run());
  }

  // ------------------------------------------------------------------ RecoveryListener

  @Override
  public void onHeartbeatLevelChanged(
      AttemptId attempt, HeartbeatLevel from, HeartbeatLevel to, Duration age) {
    add(Kind.LEVEL, attempt.runId(), attempt, to.name(), null);
    narrator.sayRun(
        attempt.runId(),
        "watcher: heartbeat of "
            + attempt
            + " "
            + from
            + " -> "
            + to
            + " (last beat "
            + age.toMillis()
            + " ms ago)");
  }

  @Override
  public void onTaskRepaired(AttemptId attempt, TaskStatus status, String cause) {
    add(Kind.TASK_REPAIRED, attempt.runId(), attempt, status + " " + cause, null);
  }

  @Override
  public void onDeadletter(DeadletterEntry entry) {
    add(Kind.DEADLETTER, entry.runId(), entry.attemptId(), entry.reason().name(), entry);
  }

  @Override
  public void onTimeDiscontinuity(Duration drift, Duration gap) {
    add(Kind.DISCONTINUITY, null, null, "drift " + drift + " gap " + gap, null);
    narrator.say(
        "demo", "the engine saw a time discontinuity (drift " + drift + ", gap " + gap + ")");
  }

  @Override
  public void onLeaseLost(SessionId session, long incarnation) {
    narrator.say("demo", "lease lost by " + session + "#" + incarnation);
  }

  @Override
  public void onWorkerTermination(
      AttemptId attempt,
      ProcessRef worker,
      Liveness liveness,
      @Nullable TerminationOutcome outcome) {
    add(Kind.TERMINATION, attempt.runId(), attempt, liveness + " " + outcome, worker);
  }

  @Override
  public void onVerdictChanged(RunId runId, VerdictKind verdict, String why) {
    add(Kind.VERDICT, runId, null, verdict.name(), why);
  }

  @Override
  public void onRunReconciled(
      RunId runId, VerdictKind verdict, RecoveryAction action, RunStatus status) {
    add(Kind.RECONCILED, runId, null, verdict + " " + action + " " + status, action);
  }

  @Override
  public void onRunAdopted(RunId runId, Owner previous, long epoch) {
    add(Kind.ADOPTED, runId, null, "from " + previous + " epoch " + epoch, previous);
  }

  // ------------------------------------------------------------------ deliveries

  @Override
  public void deliver(Delivery delivery) {
    add(Kind.DELIVERED, delivery.runId(), null, delivery.kind() + " " + delivery.id(), delivery);
    narrator.sayRun(
        delivery.runId(),
        "consumer received "
            + delivery.kind()
            + " "
            + delivery.id()
            + " ("
            + abbreviate(delivery.payload(), 48)
            + ")");
  }

  static String abbreviate(String s, int max) {
    String oneLine = s.replace('\n', ' ');
    return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 1) + "…";
  }
}
