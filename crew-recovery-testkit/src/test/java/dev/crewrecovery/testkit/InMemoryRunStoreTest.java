package dev.crewrecovery.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.LockTimeoutException;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.spi.HeartbeatOutcome;
import dev.crewrecovery.api.spi.RunChange;
import dev.crewrecovery.api.spi.Update;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What {@link InMemoryRunStore} adds to the contract: options, reopen, test-only hooks. */
class InMemoryRunStoreTest {

  private final FakeClock clock = FakeClock.create();

  @Test
  void theLockTimeoutDefaultsToTenSecondsAndMustBePositive() {
    assertThat(InMemoryRunStore.open(clock).lockTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(
            InMemoryRunStore.builder(clock).lockTimeout(Duration.ofMillis(5)).build().lockTimeout())
        .isEqualTo(Duration.ofMillis(5));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> InMemoryRunStore.builder(clock).lockTimeout(Duration.ZERO));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> InMemoryRunStore.builder(clock).lockTimeout(Duration.ofSeconds(-1)));
  }

  @Test
  void theWaitTimesOutOnlyOnceMoreThanTheBoundHasElapsedOnTheStoreClock() throws Exception {
    InMemoryRunStore store = InMemoryRunStore.open(clock);
    store.create(Snapshots.run("r1").build(), List.of());
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<?> holder =
          pool.submit(
              () ->
                  store.update(
                      RunId.of("r1"),
                      (s, hb) -> {
                        entered.countDown();
                        try {
                          release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                        return Update.unchanged();
                      }));
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
      clock.autoAdvanceMonotonic(Duration.ofSeconds(1));
      long before = clock.monotonicReads();

      assertThatThrownBy(() -> store.update(RunId.of("r1"), (s, hb) -> Update.unchanged()))
          .isInstanceOfSatisfying(
              LockTimeoutException.class,
              e -> assertThat(e.waited()).isGreaterThan(Duration.ofSeconds(10)));

      // One read to start, then one per slice until more than 10 s have elapsed: 12 reads.
      assertThat(clock.monotonicReads() - before).isEqualTo(12);
      release.countDown();
      holder.get(30, TimeUnit.SECONDS);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void reopenSharesTheDataButNotTheCountersNorTheSubscriptions() throws Exception {
    InMemoryRunStore store = InMemoryRunStore.open(clock);
    store.create(Snapshots.run("r1").runningTask("t1").build(), List.of());
    store.recordHeartbeat(Snapshots.attempt("r1", "t9", 1), clock.now());
    List<RunChange> changes = new CopyOnWriteArrayList<>();
    store.changes().orElseThrow().subscribe(changes::add);
    long droppedBefore = store.stats().droppedHeartbeats();
    store.close();

    InMemoryRunStore reopened = store.reopen();
    reopened.update(RunId.of("r1"), (s, hb) -> Update.commit(s, List.of()));

    assertThat(droppedBefore).isEqualTo(1);
    assertThat(reopened.stats().droppedHeartbeats()).isZero();
    assertThat(reopened.load(RunId.of("r1")).orElseThrow().version()).isEqualTo(2);
    assertThat(changes).isEmpty();
  }

  @Test
  void aListenerThatThrowsDoesNotUndoTheCommitNorStopOtherListeners() {
    InMemoryRunStore store = InMemoryRunStore.open(clock);
    store.create(Snapshots.run("r1").build(), List.of());
    List<RunChange> seen = new CopyOnWriteArrayList<>();
    store
        .changes()
        .orElseThrow()
        .subscribe(
            c -> {
              throw new IllegalStateException("listener bug");
            });
    store.changes().orElseThrow().subscribe(seen::add);

    var result = store.update(RunId.of("r1"), (s, hb) -> Update.commit(s, List.of()));

    assertThat(result.committed()).isTrue();
    assertThat(seen).hasSize(1);
  }

  @Test
  void hooksNameExistingRunsAndNewerSchemasOnly() {
    InMemoryRunStore store = InMemoryRunStore.open(clock);
    store.create(Snapshots.run("r1").build(), List.of());

    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.simulateNewerSchema(RunId.of("r1"), 1));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.simulateNewerSchema(RunId.of("nope"), 2));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.simulateCorruptSnapshot(RunId.of("nope")));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> store.corruptSlot(RunId.of("nope"), TaskId.of("t1")));
  }

  @Test
  void aCorruptSlotIsRewrittenByTheNextBeat() {
    InMemoryRunStore store = InMemoryRunStore.open(clock);
    store.create(Snapshots.run("r1").runningTask("t1").build(), List.of());
    store.recordHeartbeat(Snapshots.attempt("r1", "t1", 1), clock.now());
    store.corruptSlot(RunId.of("r1"), TaskId.of("t1"));

    assertThat(store.recordHeartbeat(Snapshots.attempt("r1", "t1", 1), clock.now()))
        .isEqualTo(HeartbeatOutcome.RECORDED);

    var reading = store.heartbeats(RunId.of("r1")).get(TaskId.of("t1"));
    assertThat(reading.slot()).isNotNull();
    assertThat(reading.slot().beatCounter()).isEqualTo(1);
  }

  @Test
  void anUpdateFunctionMayUpdateAnotherStoreButNotItsOwnFromThere() {
    InMemoryRunStore a = InMemoryRunStore.open(clock);
    InMemoryRunStore b = InMemoryRunStore.open(clock);
    a.create(Snapshots.run("r1").build(), List.of());
    b.create(Snapshots.run("r1").build(), List.of());
    List<Throwable> inner = new CopyOnWriteArrayList<>();

    a.update(
        RunId.of("r1"),
        (s, hb) -> {
          b.update(
              RunId.of("r1"),
              (s2, hb2) -> {
                try {
                  a.update(RunId.of("r1"), (s3, hb3) -> Update.unchanged());
                } catch (IllegalStateException e) {
                  inner.add(e);
                }
                return Update.commit(s2, List.of());
              });
          try {
            a.update(RunId.of("r1"), (s3, hb3) -> Update.unchanged());
          } catch (IllegalStateException e) {
            inner.add(e);
          }
          return Update.unchanged();
        });

    assertThat(inner).hasSize(2);
    assertThat(b.load(RunId.of("r1")).orElseThrow().version()).isEqualTo(2);
    assertThat(a.update(RunId.of("r1"), (s, hb) -> Update.commit(s, List.of())).committed())
        .isTrue();
  }

  @Test
  void aReopenedStoreOverTheSameDataCountsAsTheSameStoreForReentrance() {
    InMemoryRunStore a = InMemoryRunStore.open(clock);
    a.create(Snapshots.run("r1").build(), List.of());
    InMemoryRunStore twin = a.reopen();

    assertThatThrownBy(
            () ->
                a.update(
                    RunId.of("r1"),
                    (s, hb) -> {
                      twin.update(RunId.of("r1"), (s2, hb2) -> Update.unchanged());
                      return Update.unchanged();
                    }))
        .isInstanceOf(IllegalStateException.class);
  }
}
