package dev.crewrecovery.testkit.delivery;

import static dev.crewrecovery.testkit.delivery.Fixture.A;
import static dev.crewrecovery.testkit.delivery.Fixture.B;
import static dev.crewrecovery.testkit.delivery.Fixture.R1;
import static dev.crewrecovery.testkit.delivery.Fixture.attempt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.core.DeliveryConfig;
import dev.crewrecovery.core.DeliveryCoordinator;
import dev.crewrecovery.core.DeliveryDropReason;
import dev.crewrecovery.core.DeliveryOutcome;
import dev.crewrecovery.core.DeliveryStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * DESIGN section 11 with real threads. Synchronisation is by latches inside the sink; waits are
 * bounded by generous timeouts that only a bug reaches. No sleeps.
 */
class DeliveryConcurrencyTest {

  private static final long TIMEOUT_S = 30;

  private final Fixture f = new Fixture();
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    pool.shutdownNow();
  }

  /** Makes the sink block inside the delivery of {@code payload} until {@link #release}. */
  private void blockOn(String payload) {
    f.sink.onDeliver(
        d -> {
          if (d.payload().equals(payload) && entered.getCount() > 0) {
            entered.countDown();
            await(release);
          }
        });
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(TIMEOUT_S, TimeUnit.SECONDS)) {
        throw new AssertionError("latch not released in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static <T> T get(Future<T> future) throws Exception {
    return future.get(TIMEOUT_S, TimeUnit.SECONDS);
  }

  @Test
  void anItemDeliveredWhileAFlushRunsIsQueuedBehindTheItemsAlreadyQueued() throws Exception {
    DeliveryCoordinator c = f.coordinator();
    c.deliverResult(R1, attempt(R1, 1), "1", null);
    c.deliverResult(R1, attempt(R1, 2), "2", null);
    blockOn("1");
    AtomicReference<Thread> flusher = new AtomicReference<>();
    Future<?> flush =
        pool.submit(
            () -> {
              flusher.set(Thread.currentThread());
              c.activate(A);
            });
    await(entered);

    // Another thread delivers while the flush is inside the sink: it must neither block nor
    // overtake.
    DeliveryOutcome outcome =
        get(pool.submit(() -> c.deliverResult(R1, attempt(R1, 3), "3", null)));
    assertThat(outcome).isEqualTo(DeliveryOutcome.QUEUED);
    assertThat(c.queued()).extracting(Delivery::payload).containsExactly("1", "2", "3");

    release.countDown();
    get(flush);
    assertThat(f.sink.acceptedPayloads()).containsExactly("1", "2", "3");
    assertThat(f.sink.threads()).containsOnly(flusher.get());
  }

  @Test
  void theSinkIsCalledWithoutTheCoordinatorsLock() throws Exception {
    DeliveryCoordinator c = f.coordinator();
    c.activate(A);
    AtomicReference<DeliveryStats> readInside = new AtomicReference<>();
    f.sink.onDeliver(
        d -> {
          try {
            // Another thread needs the lock; it gets it only if the sink runs without it.
            readInside.set(
                CompletableFuture.supplyAsync(c::stats, pool).get(TIMEOUT_S, TimeUnit.SECONDS));
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });

    assertThat(c.deliverSteer(R1, "s", null, null)).isEqualTo(DeliveryOutcome.DELIVERED);
    assertThat(readInside.get()).isNotNull();
    assertThat(readInside.get().queued()).isEqualTo(1); // the in-flight item
  }

  @Test
  void aSinkMayDeliverFromInsideTheSinkAndTheItemFollowsInOrder() {
    DeliveryCoordinator c = f.coordinator();
    c.activate(A);
    AtomicBoolean once = new AtomicBoolean();
    f.sink.onDeliver(
        d -> {
          if (once.compareAndSet(false, true)) {
            assertThat(c.deliverSteer(R1, "from-inside", null, null))
                .isEqualTo(DeliveryOutcome.QUEUED);
          }
        });
    assertThat(c.deliverSteer(R1, "outer", null, null)).isEqualTo(DeliveryOutcome.DELIVERED);
    assertThat(f.sink.acceptedPayloads()).containsExactly("outer", "from-inside");
  }

  @Test
  void aTickOrAnActivateDuringAFlushLeavesTheWorkToThatFlush() throws Exception {
    DeliveryCoordinator c = f.coordinator();
    c.deliverResult(R1, attempt(R1, 1), "1", null);
    c.deliverResult(R1, attempt(R1, 2), "2", null);
    blockOn("1");
    Future<?> flush = pool.submit(() -> c.activate(A));
    await(entered);

    get(pool.submit(c::tick));
    get(pool.submit(() -> c.activate(A)));
    // Neither started a second flush: the sink was entered once, for the item in flight.
    assertThat(f.sink.threads()).hasSize(1);

    release.countDown();
    get(flush);
    assertThat(f.sink.attempts()).extracting(Delivery::payload).containsExactly("1", "2");
  }

  @Test
  void anActivateDuringARefusedAttemptMakesTheRunningFlushRetry() throws Exception {
    DeliveryCoordinator c = f.coordinator();
    c.activate(A);
    AtomicInteger attempts = new AtomicInteger();
    blockOn("1");
    f.sink.refuseIf(d -> attempts.incrementAndGet() == 1);
    Future<DeliveryOutcome> direct =
        pool.submit(() -> c.deliverResult(R1, attempt(R1, 1), "1", null));
    await(entered);

    get(pool.submit(() -> c.activate(A))); // returns at once: the flush is running

    release.countDown();
    assertThat(get(direct)).isEqualTo(DeliveryOutcome.DELIVERED);
    assertThat(f.sink.attempts()).hasSize(2);
    assertThat(f.sink.acceptedPayloads()).containsExactly("1");
  }

  @Test
  void aDeactivateDuringAnAttemptStopsTheFlushAndARefusedSteerInFlightIsDropped() throws Exception {
    DeliveryCoordinator c = f.coordinator();
    c.deliverSteer(R1, "steer", null, DeliveryId.of("steer-1"));
    c.deliverNotification(R1, 1, RunStatus.COMPLETED, "n", null);
    blockOn("steer");
    f.sink.refuseIf(d -> d.payload().equals("steer"));
    Future<?> flush = pool.submit(() -> c.activate(A));
    await(entered);

    get(pool.submit(c::deactivate));
    // The steer in flight was not dropped by the deactivation itself.
    assertThat(c.queued()).extracting(Delivery::payload).containsExactly("steer", "n");

    release.countDown();
    get(flush);
    assertThat(c.queued()).extracting(Delivery::payload).containsExactly("n");
    assertThat(c.stats().dropped(DeliveryDropReason.STALE_GENERATION)).isEqualTo(1);
    assertThat(f.sink.acceptedPayloads()).isEmpty();
  }

  @Test
  void theOverflowVictimIsNeverTheItemInFlight() throws Exception {
    f.config = DeliveryConfig.builder().bound(2).build();
    DeliveryCoordinator c = f.coordinator();
    c.activate(A);
    blockOn("n1");
    Future<DeliveryOutcome> direct =
        pool.submit(() -> c.deliverNotification(R1, 1, RunStatus.COMPLETED, "n1", null));
    await(entered);

    get(pool.submit(() -> c.deliverNotification(R1, 2, RunStatus.COMPLETED, "n2", null)));
    get(pool.submit(() -> c.deliverNotification(R1, 3, RunStatus.COMPLETED, "n3", null)));

    release.countDown();
    assertThat(get(direct)).isEqualTo(DeliveryOutcome.DELIVERED);
    assertThat(f.sink.acceptedPayloads()).containsExactly("n1", "n3");
    assertThat(f.heard.calls()).containsExactly("dropped n2 OVERFLOW");
  }

  @Test
  void aSessionActivatedDuringAnotherSessionsFlushIsServedByThatFlush() throws Exception {
    DeliveryCoordinator c = f.coordinator();
    c.deliverResult(R1, attempt(R1, 1), "a1", A);
    c.deliverResult(R1, attempt(R1, 2), "b1", B);
    blockOn("a1");
    Future<?> flush = pool.submit(() -> c.activate(A));
    await(entered);

    get(pool.submit(() -> c.activate(B)));
    assertThat(c.generation()).isEqualTo(1);

    release.countDown();
    get(flush);
    assertThat(f.sink.acceptedPayloads()).containsExactly("a1", "b1");
  }

  @Test
  void aNewSessionsItemWaitsForTheFlushInFlightForThePreviousSession() throws Exception {
    DeliveryCoordinator c = f.coordinator();
    c.deliverResult(R1, attempt(R1, 1), "a1", A);
    AtomicInteger inSink = new AtomicInteger();
    AtomicInteger maxInSink = new AtomicInteger();
    f.sink.onDeliver(
        d -> {
          maxInSink.accumulateAndGet(inSink.incrementAndGet(), Math::max);
          if (d.payload().equals("a1")) {
            entered.countDown();
            await(release);
          }
          inSink.decrementAndGet();
        });
    Future<?> flush = pool.submit(() -> c.activate(A));
    await(entered);
    get(pool.submit(() -> c.activate(B)));

    // Nothing of B is queued, but the sink is busy: the item must wait, not go in parallel.
    assertThat(get(pool.submit(() -> c.deliverSteer(R1, "b1", null, null))))
        .isEqualTo(DeliveryOutcome.QUEUED);

    release.countDown();
    get(flush);
    assertThat(f.sink.acceptedPayloads()).containsExactly("a1", "b1");
    assertThat(maxInSink.get()).isEqualTo(1);
  }

  @Test
  void manyThreadsDeliveringWhileSessionsComeAndGoDeliverEachResultOnceInPerRunOrder()
      throws Exception {
    int threads = 8;
    int perThread = 1_000;
    List<RunId> runs = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      RunId r = RunId.of("stress-" + i);
      runs.add(r);
      f.store.put(
          RunSnapshot.initial(
              Manifest.created(r, null, Fixture.T0), List.of(TaskState.queued(Fixture.T))));
    }
    DeliveryCoordinator c = f.coordinator();
    AtomicInteger inSink = new AtomicInteger();
    AtomicInteger maxInSink = new AtomicInteger();
    f.sink.onDeliver(
        d -> {
          int n = inSink.incrementAndGet();
          maxInSink.accumulateAndGet(n, Math::max);
          inSink.decrementAndGet();
        });
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean producing = new AtomicBoolean(true);
    List<Future<?>> producers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      RunId run = runs.get(t);
      producers.add(
          pool.submit(
              () -> {
                await(start);
                for (int n = 1; n <= perThread; n++) {
                  c.deliverResult(run, AttemptId.of(run, Fixture.T, n), run + "#" + n, null);
                }
                return null;
              }));
    }
    Future<Integer> switcher =
        pool.submit(
            () -> {
              Random random = new Random(42);
              int switches = 0;
              await(start);
              while (producing.get()) {
                switch (random.nextInt(4)) {
                  case 0 -> c.activate(A);
                  case 1 -> c.activate(B);
                  case 2 -> c.deactivate();
                  default -> c.tick();
                }
                switches++;
              }
              return switches;
            });
    start.countDown();
    for (Future<?> p : producers) {
      get(p);
    }
    producing.set(false);
    assertThat(get(switcher)).isPositive();

    c.activate(A);

    List<Delivery> accepted = f.sink.accepted();
    assertThat(accepted).hasSize(threads * perThread);
    Set<DeliveryId> ids = new HashSet<>();
    Map<RunId, Integer> last = new HashMap<>();
    for (Delivery d : accepted) {
      assertThat(ids.add(d.id())).as("delivered once: %s", d.payload()).isTrue();
      int n = Integer.parseInt(d.payload().substring(d.payload().indexOf('#') + 1));
      assertThat(n).as("order of %s", d.runId()).isEqualTo(last.getOrDefault(d.runId(), 0) + 1);
      last.put(d.runId(), n);
    }
    assertThat(maxInSink.get()).isEqualTo(1);
    assertThat(c.queued()).isEmpty();
    assertThat(f.store.pendingDeliveries()).isEmpty();
    assertThat(c.stats().delivered()).isEqualTo(threads * perThread);
  }
}
