package dev.crewrecovery.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.InvalidConfigurationException;
import dev.crewrecovery.api.Lease;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.spi.Clock;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.HeartbeatLevel;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.RecoveryListener;
import dev.crewrecovery.core.internal.engine.EngineAccess;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.FakeProcessProbe;
import dev.crewrecovery.testkit.InMemoryRunStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CrewRecoveryFacadeTest {
  private static final RunId RUN = RunId.of("run-1");
  private static final TaskId A = TaskId.of("a");
  private static final long WAIT_SECONDS = 30;

  private final FakeClock clock = new FakeClock(Harness.T0);
  private final InMemoryRunStore store = InMemoryRunStore.open(clock);
  private final FakeProcessProbe probe = new FakeProcessProbe();

  private CrewRecovery.Builder builder() {
    return CrewRecovery.builder().store(store).clock(clock).probe(probe).sessionId(Harness.SESSION);
  }

  @Test
  void theBuilderRequiresAStore() {
    assertThatThrownBy(() -> CrewRecovery.builder().probe(probe).build())
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class, e -> assertThat(e.field()).isEqualTo("store"));
    assertThatThrownBy(() -> CrewRecovery.builder().hostName(" "))
        .isInstanceOf(InvalidConfigurationException.class);
  }

  @Test
  void theDefaultProbeIsTheSystemProbeAndClosesWithTheFacade() {
    CrewRecovery crew = CrewRecovery.builder().store(store).clock(clock).build();
    dev.crewrecovery.core.internal.engine.Engine engine = EngineAccess.engine(crew);
    assertThat(engine.services().probe())
        .isInstanceOf(dev.crewrecovery.core.SystemProcessProbe.class);
    dev.crewrecovery.core.SystemProcessProbe system =
        (dev.crewrecovery.core.SystemProcessProbe) engine.services().probe();
    assertThat(engine.services().localHost()).isEqualTo(system.hostName());
    assertThat(crew.sessionId().value())
        .isEqualTo(dev.crewrecovery.core.internal.engine.LocalHost.sessionIdFor(system.hostName()));
    crew.close();
    ProcessRef self = system.identify(ProcessHandle.current().pid()).orElseThrow();
    assertThatThrownBy(() -> system.onExit(self)).isInstanceOf(RuntimeException.class);
  }

  @Test
  void aHostRunsALifecycleWithTheRealLoopsThroughThePublicApiOnly() {
    try (CrewRecovery crew = builder().config(fast()).build()) {
      crew.start();
      crew.runs().create(RUN, List.of(A));
      ProcessRef worker = probe.spawn(77);
      AttemptId a1 = crew.runs().startAttempt(RUN, A, worker, null, false);
      clock.advance(Duration.ofSeconds(1));
      crew.runs().heartbeat(a1);
      crew.runs().complete(a1, "out");
      assertThat(crew.runs().finish(RUN, null).status())
          .isEqualTo(dev.crewrecovery.api.RunStatus.COMPLETED);
      assertThat(crew.runs().snapshot(RUN).orElseThrow().task(A).orElseThrow().status())
          .isEqualTo(TaskStatus.COMPLETED);
    }
    assertThat(probe.pendingExitWatchers()).isZero();
    assertThat(store.lease(Harness.SESSION).orElseThrow().released()).isTrue();
  }

  @Test
  void theDefaultSessionIdComesFromTheHostNameAndFollowsTheIdRule() {
    CrewRecovery crew = CrewRecovery.builder().store(store).probe(probe).build();
    assertThat(EngineAccess.engine(crew).services().clock())
        .isSameAs(dev.crewrecovery.core.SystemClock.instance());
    String id = crew.sessionId().value();
    assertThat(id).startsWith("crew-").matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    assertThat(id).doesNotContain("..");
    assertThat(crew.config()).isSameAs(RecoveryConfig.defaults());
    crew.close();
  }

  @Test
  void everyStartTakesANewIncarnationAndCloseReleasesTheLease() {
    CrewRecovery first = builder().build();
    assertThat(first.owner()).isEmpty();
    first.start();
    assertThat(first.owner().orElseThrow().incarnation()).isEqualTo(1);
    assertThat(first.isStarted()).isTrue();
    first.start();
    assertThat(store.lease(Harness.SESSION).orElseThrow().incarnation())
        .as("start is idempotent")
        .isEqualTo(1);
    first.close();
    Lease released = store.lease(Harness.SESSION).orElseThrow();
    assertThat(released.released()).isTrue();
    assertThat(first.isStarted()).isFalse();

    CrewRecovery second = builder().build();
    second.start();
    assertThat(second.owner().orElseThrow().incarnation()).isEqualTo(2);
    assertThat(store.lease(Harness.SESSION).orElseThrow().released()).isFalse();
    second.close();
    assertThatThrownBy(second::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void startAndCloseAreThreadSafe() throws Exception {
    CrewRecovery crew = EngineAccessHelper.manual(builder()).build();
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CyclicBarrier barrier = new CyclicBarrier(threads);
      List<Future<?>> starts = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        starts.add(
            pool.submit(
                () -> {
                  barrier.await();
                  crew.start();
                  return null;
                }));
      }
      for (Future<?> f : starts) {
        f.get(WAIT_SECONDS, TimeUnit.SECONDS);
      }
      assertThat(store.lease(Harness.SESSION).orElseThrow().incarnation()).isEqualTo(1);
      List<Future<?>> closes = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        closes.add(
            pool.submit(
                () -> {
                  barrier.await();
                  crew.close();
                  return null;
                }));
      }
      for (Future<?> f : closes) {
        f.get(WAIT_SECONDS, TimeUnit.SECONDS);
      }
      assertThat(store.lease(Harness.SESSION).orElseThrow().released()).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theLeaseIsRenewedInPlace() {
    try (Harness h = new Harness(clock, store, probe, RecoveryConfig.defaults(), Harness.SESSION)) {
      h.started();
      h.clock.advance(Duration.ofSeconds(10));
      assertThat(h.engine().leaseKeeper().tick()).isEqualTo(Duration.ofSeconds(10));
      Lease lease = store.lease(Harness.SESSION).orElseThrow();
      assertThat(lease.incarnation()).isEqualTo(1);
      assertThat(lease.renewedAt()).isEqualTo(Harness.T0.plusSeconds(10));
      assertThat(h.engine().session().revalidationPending()).isFalse();
      // A renewal later than the lease makes the session revalidate before writing again.
      h.clock.advance(Duration.ofSeconds(31));
      h.engine().leaseKeeper().tick();
      assertThat(h.engine().session().revalidationPending()).isTrue();
    }
  }

  @Test
  void aClosedSessionWhoseLeaseWasLostLeavesTheNewerLeaseAlone() {
    try (Harness older =
            new Harness(clock, store, probe, RecoveryConfig.defaults(), Harness.SESSION);
        Harness newer = older.sibling(Harness.SESSION)) {
      older.started();
      newer.started();
      older.engine().leaseKeeper().tick();
      older.close();
      Lease lease = store.lease(Harness.SESSION).orElseThrow();
      assertThat(lease.incarnation()).isEqualTo(2);
      assertThat(lease.released()).isFalse();
    }
  }

  /**
   * A clock that throws once from each loop's first tick on the scheduler thread, then counts the
   * reads each loop makes.
   */
  private static final class SchedulerReads implements Clock {
    final FakeClock delegate;
    final CountDownLatch watcherReads;
    final CountDownLatch leaseReads;
    final AtomicInteger failures = new AtomicInteger();
    final java.util.Set<Thread> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean watcherFailed;
    private volatile boolean leaseFailed;

    SchedulerReads(FakeClock delegate, int expected) {
      this.delegate = delegate;
      this.watcherReads = new CountDownLatch(expected);
      this.leaseReads = new CountDownLatch(expected);
    }

    private static boolean calledFrom(String method) {
      return StackWalker.getInstance()
          .walk(
              frames ->
                  frames.anyMatch(
                      f ->
                          method.equals(
                              f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1)
                                  + "."
                                  + f.getMethodName())));
    }

    @Override
    public Instant now() {
      if (Thread.currentThread().getName().startsWith("crew-recovery-")) {
        threads.add(Thread.currentThread());
        if (calledFrom("HeartbeatWatcher.tick")) {
          if (!watcherFailed) {
            watcherFailed = true;
            failures.incrementAndGet();
            throw new IllegalStateException("clock failure in the watcher (test)");
          }
          watcherReads.countDown();
        } else if (calledFrom("LeaseKeeper.tick")) {
          if (!leaseFailed) {
            leaseFailed = true;
            failures.incrementAndGet();
            throw new IllegalStateException("clock failure in the lease renewal (test)");
          }
          leaseReads.countDown();
        }
      }
      return delegate.now();
    }

    @Override
    public long monotonicNanos() {
      return delegate.monotonicNanos();
    }
  }

  private static RecoveryConfig fast() {
    return RecoveryConfig.builder()
        .watcherInterval(Duration.ofMillis(5))
        .watcherDeadStreakInterval(Duration.ofMillis(5))
        .leaseRenewInterval(Duration.ofMillis(5))
        .build();
  }

  @Test
  void startedLoopsTickOnTheSchedulerThreadAndSurviveAThrowingTick() throws Exception {
    SchedulerReads reads = new SchedulerReads(clock, 20);
    CrewRecovery crew = builder().clock(reads).config(fast()).build();
    crew.start();
    try {
      crew.runs().create(RUN, List.of(A));
      // Each loop threw once and kept ticking.
      assertThat(reads.watcherReads.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(reads.leaseReads.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      assertThat(reads.failures.get()).isEqualTo(2);
      assertThat(reads.threads).as("one scheduler thread runs both loops").hasSize(1);
    } finally {
      crew.close();
    }
    assertThat(store.lease(Harness.SESSION).orElseThrow().released()).isTrue();
  }

  @Test
  void closeWaitsForTheTickInFlightBeforeReleasingTheLease() throws Exception {
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Clock blocking =
        new Clock() {
          private volatile boolean armed = true;

          @Override
          public Instant now() {
            if (armed && Thread.currentThread().getName().startsWith("crew-recovery-")) {
              armed = false;
              entered.countDown();
              try {
                release.await(WAIT_SECONDS, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              order.add("tick ended");
            }
            return clock.now();
          }

          @Override
          public long monotonicNanos() {
            return clock.monotonicNanos();
          }
        };
    RunStore recording =
        new ForwardingStore(store) {
          @Override
          public void releaseLease(SessionId session, long incarnation) {
            order.add("lease released");
            super.releaseLease(session, incarnation);
          }
        };
    CrewRecovery crew =
        CrewRecovery.builder()
            .store(recording)
            .clock(blocking)
            .probe(probe)
            .sessionId(Harness.SESSION)
            .config(fast())
            .build();
    crew.start();
    assertThat(entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    Thread closer = new Thread(crew::close, "closer");
    closer.start();
    // Wait until close() blocks (waiting for the tick), or has returned without waiting.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (closer.getState() != Thread.State.WAITING
        && closer.getState() != Thread.State.TIMED_WAITING
        && closer.getState() != Thread.State.TERMINATED
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(order).as("nothing released while the tick runs").isEmpty();
    release.countDown();
    closer.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    assertThat(closer.isAlive()).isFalse();
    assertThat(order).containsExactly("tick ended", "lease released");
    crew.close();
    assertThat(order).as("close is idempotent").hasSize(2);
  }

  @Test
  void listenersAreNeverCalledInsideAnUpdate() {
    List<String> calls = Collections.synchronizedList(new ArrayList<>());
    List<String> reentrant = Collections.synchronizedList(new ArrayList<>());
    RecoveryListener probing =
        new RecoveryListener() {
          // Inside an update of the same store, update throws IllegalStateException at once.
          private void check(String call) {
            calls.add(call);
            try {
              store.update(RUN, (s, slots) -> Update.unchanged());
            } catch (IllegalStateException e) {
              reentrant.add(call);
            }
          }

          @Override
          public void onHeartbeatLevelChanged(
              AttemptId attempt, HeartbeatLevel from, HeartbeatLevel to, Duration age) {
            check("level");
          }

          @Override
          public void onTaskRepaired(AttemptId attempt, TaskStatus status, String cause) {
            check("repaired");
          }

          @Override
          public void onDeadletter(DeadletterEntry entry) {
            check("deadletter");
          }
        };
    CrewRecovery crew = EngineAccessHelper.manual(builder().listener(probing)).build();
    try {
      crew.start();
      crew.runs().create(RUN, List.of(A, TaskId.of("b"), TaskId.of("c")));
      crew.runs().startAttempt(RUN, A);
      ProcessRef w = probe.spawn(3);
      crew.runs().startAttempt(RUN, TaskId.of("b"), w, null, false);
      probe.exit(w, 1);
      AttemptId c1 = crew.runs().startAttempt(RUN, TaskId.of("c"));
      crew.runs()
          .fail(
              c1,
              new dev.crewrecovery.api.Failure(
                  "X", "y", dev.crewrecovery.api.ExitClass.TIMEOUT, null, null, null, Harness.T0));
      var watcher = EngineAccess.engine(crew).watcher();
      for (int i = 0; i < 70; i++) {
        clock.advance(Duration.ofSeconds(5));
        watcher.runOnce();
      }
    } finally {
      crew.close();
    }
    assertThat(calls).contains("level", "repaired", "deadletter");
    assertThat(reentrant).isEmpty();
  }
}
