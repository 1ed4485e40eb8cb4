package dev.crewrecovery.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.Liveness;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.spi.ProcessExit;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The registry and the shared poller, driven by a scripted probe and by calling {@link
 * ExitWatcher#pollOnce()} directly: the schedule is set to an hour so that only the test polls.
 * Refs use pids above Linux's maximum (4 194 304), so none is a child of this JVM.
 */
@Timeout(30)
class ExitWatcherTest {

  private static final Duration NEVER = Duration.ofHours(1);

  private final Map<ProcessRef, Liveness> script = new ConcurrentHashMap<>();
  private final ExitWatcher watcher =
      new ExitWatcher(
          ref -> script.getOrDefault(ref, Liveness.ALIVE), new ChildProcesses(), NEVER, 10);

  private static ProcessRef ref(long n) {
    return ProcessRef.linux(10_000_000 + n, "host", "boot", n);
  }

  @AfterEach
  void close() {
    watcher.close();
  }

  @Test
  void aRefAlreadyGoneCompletesAtOnceWithoutRegistering() throws Exception {
    script.put(ref(1), Liveness.DEAD);
    script.put(ref(2), Liveness.RECYCLED);

    assertThat(watcher.watch(ref(1)).getNow(null)).isEqualTo(new ProcessExit(ref(1), null));
    assertThat(watcher.watch(ref(2)).getNow(null)).isEqualTo(new ProcessExit(ref(2), null));
    assertThat(watcher.polledCount()).isZero();
    assertThat(watcher.pollerRunning()).isFalse();
  }

  @Test
  void aNonChildIsPolledAndCompletesWhenItProbesDeadOrRecycled() {
    CompletableFuture<ProcessExit> first = watcher.watch(ref(1));
    CompletableFuture<ProcessExit> second = watcher.watch(ref(2));
    assertThat(watcher.polledCount()).isEqualTo(2);
    assertThat(watcher.eventDrivenCount()).isZero();
    assertThat(watcher.pollerRunning()).isTrue();

    watcher.pollOnce();
    assertThat(first).isNotDone();

    script.put(ref(1), Liveness.DEAD);
    watcher.pollOnce();
    assertThat(first).isCompletedWithValue(new ProcessExit(ref(1), null));
    assertThat(second).isNotDone();
    assertThat(watcher.polledCount()).isEqualTo(1);

    script.put(ref(2), Liveness.RECYCLED);
    watcher.pollOnce();
    assertThat(second).isCompletedWithValue(new ProcessExit(ref(2), null));
    assertThat(watcher.polledCount()).isZero();
  }

  @Test
  void unknownKeepsWaiting() {
    script.put(ref(1), Liveness.UNKNOWN);
    CompletableFuture<ProcessExit> future = watcher.watch(ref(1));

    for (int i = 0; i < 5; i++) {
      watcher.pollOnce();
    }
    assertThat(future).isNotDone();

    script.put(ref(1), Liveness.DEAD);
    watcher.pollOnce();
    assertThat(future).isDone();
  }

  @Test
  void cancellingUnregisters() {
    CompletableFuture<ProcessExit> future = watcher.watch(ref(1));
    assertThat(watcher.polledCount()).isEqualTo(1);

    future.cancel(false);

    assertThat(watcher.polledCount()).isZero();
  }

  @Test
  void aThrowingProbeDoesNotStopThePoller() {
    AtomicBoolean explode = new AtomicBoolean(false);
    ExitWatcher fragile =
        new ExitWatcher(
            ref -> {
              if (explode.get()) {
                throw new IllegalStateException("boom");
              }
              return script.getOrDefault(ref, Liveness.ALIVE);
            },
            new ChildProcesses(),
            NEVER,
            10);
    try {
      CompletableFuture<ProcessExit> future = fragile.watch(ref(1));
      explode.set(true);
      fragile.pollOnce();
      assertThat(future).isNotDone();

      explode.set(false);
      script.put(ref(1), Liveness.DEAD);
      fragile.pollOnce();
      assertThat(future).isDone();
    } finally {
      fragile.close();
    }
  }

  @Test
  void theScheduledPollerCompletesFuturesOnItsOwn() throws Exception {
    ExitWatcher fast =
        new ExitWatcher(
            ref -> script.getOrDefault(ref, Liveness.ALIVE),
            new ChildProcesses(),
            Duration.ofMillis(5),
            10);
    try {
      CompletableFuture<ProcessExit> future = fast.watch(ref(1));
      CompletableFuture<Thread> pollerThread = new CompletableFuture<>();
      future.whenComplete((exit, failure) -> pollerThread.complete(Thread.currentThread()));

      script.put(ref(1), Liveness.DEAD);

      // Wait on the dependent first: a thread blocked in future.get() may itself run the
      // future's dependents once it sees the result, and would then be the thread recorded.
      Thread thread = pollerThread.get(10, TimeUnit.SECONDS);
      assertThat(future.get(10, TimeUnit.SECONDS)).isEqualTo(new ProcessExit(ref(1), null));
      assertThat(thread.getName()).isEqualTo(ExitWatcher.POLLER_THREAD_NAME);
      assertThat(thread.isDaemon()).isTrue();
    } finally {
      fast.close();
    }
  }

  @Test
  void oneThreadPollsManyRefs() {
    // Pollers of watchers closed by earlier tests may still be winding down: count the increase.
    long before = pollerThreads();
    for (int i = 0; i < 500; i++) {
      watcher.watch(ref(i));
    }

    assertThat(watcher.polledCount()).isEqualTo(500);
    assertThat(pollerThreads()).isLessThanOrEqualTo(before + 1);
  }

  private static long pollerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(ExitWatcher.POLLER_THREAD_NAME))
        .count();
  }

  @Test
  void closeCancelsPendingFuturesStopsThePollerAndRefusesNewWatches() {
    CompletableFuture<ProcessExit> future = watcher.watch(ref(1));

    watcher.close();
    watcher.close();

    assertThat(future).isCancelled();
    assertThat(watcher.pollerRunning()).isFalse();
    assertThat(watcher.polledCount()).isZero();
    assertThatThrownBy(() -> watcher.watch(ref(2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void rejectsNonsenseConfiguration() {
    ChildProcesses children = new ChildProcesses();
    assertThatThrownBy(() -> new ExitWatcher(r -> Liveness.ALIVE, children, Duration.ZERO, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ExitWatcher(r -> Liveness.ALIVE, children, NEVER, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
