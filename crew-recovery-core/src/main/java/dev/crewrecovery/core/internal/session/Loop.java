package dev.crewrecovery.core.internal.session;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A self-rescheduling loop on a single-threaded scheduler: each run computes the delay to the next
 * one, so ticks never overlap. A tick that throws is logged and the loop goes on after {@code
 * fallback}. Stopping is idempotent; a tick in flight finishes, and no new one is scheduled.
 */
public final class Loop implements Runnable {
  private static final System.Logger LOG = System.getLogger(Loop.class.getName());

  private final String name;
  private final ScheduledExecutorService scheduler;
  private final Supplier<Duration> body;
  private final Duration fallback;
  private volatile boolean stopped;

  /**
   * Creates a loop.
   *
   * @param name the loop's name, for logs
   * @param scheduler the single-threaded scheduler
   * @param body one tick, returning the delay to the next
   * @param fallback the delay after a tick that threw
   */
  public Loop(
      String name, ScheduledExecutorService scheduler, Supplier<Duration> body, Duration fallback) {
    this.name = Objects.requireNonNull(name, "name");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.body = Objects.requireNonNull(body, "body");
    this.fallback = Objects.requireNonNull(fallback, "fallback");
  }

  /**
   * Schedules the first tick.
   *
   * @param delay the delay before it
   */
  public void start(Duration delay) {
    schedule(delay);
  }

  /** Stops the loop: no tick is scheduled after the one in flight, if any. */
  public void stop() {
    stopped = true;
  }

  @Override
  public void run() {
    if (stopped) {
      return;
    }
    Duration next = runGuarded(name, body, fallback);
    schedule(next);
  }

  /**
   * Runs one tick and returns its delay, or logs what it threw and returns the fallback. Errors
   * that mean the JVM is failing are rethrown.
   *
   * @param name the loop's name
   * @param body the tick
   * @param fallback the delay after a failed tick
   * @return the delay to the next tick
   */
  public static Duration runGuarded(String name, Supplier<Duration> body, Duration fallback) {
    try {
      return body.get();
    } catch (RuntimeException | AssertionError | LinkageError e) {
      LOG.log(Level.WARNING, "tick of " + name + " failed; the next tick still runs", e);
      return fallback;
    }
  }

  private void schedule(Duration delay) {
    if (stopped) {
      return;
    }
    try {
      ScheduledFuture<?> unused =
          scheduler.schedule(this, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // The scheduler is shutting down: the loop ends with it.
      stopped = true;
    }
  }
}
