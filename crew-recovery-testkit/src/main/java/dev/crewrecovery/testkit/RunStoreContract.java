package dev.crewrecovery.testkit;

import static dev.crewrecovery.testkit.Snapshots.event;
import static dev.crewrecovery.testkit.Snapshots.withAttribute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.crewrecovery.api.ApprovalMarker;
import dev.crewrecovery.api.ApprovalState;
import dev.crewrecovery.api.Attempt;
import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.CorruptStateException;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterId;
import dev.crewrecovery.api.DeadletterMark;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.DeliveryKind;
import dev.crewrecovery.api.ExitClass;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.HeartbeatReading;
import dev.crewrecovery.api.HeartbeatSlot;
import dev.crewrecovery.api.Lease;
import dev.crewrecovery.api.LeaseLostException;
import dev.crewrecovery.api.LockTimeoutException;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.NewEvent;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.ProcessRef;
import dev.crewrecovery.api.ResumeRecord;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunExistsException;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunNotFoundException;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.StoredDeadletter;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskListChangedException;
import dev.crewrecovery.api.TaskResult;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.UnsupportedSchemaException;
import dev.crewrecovery.api.VerdictKind;
import dev.crewrecovery.api.VersionConflictException;
import dev.crewrecovery.api.WaitMarker;
import dev.crewrecovery.api.spi.ActiveRun;
import dev.crewrecovery.api.spi.ChangeFeed;
import dev.crewrecovery.api.spi.Clock;
import dev.crewrecovery.api.spi.DeadletterFilter;
import dev.crewrecovery.api.spi.HeartbeatOutcome;
import dev.crewrecovery.api.spi.PruneResult;
import dev.crewrecovery.api.spi.RunChange;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.api.spi.Update;
import dev.crewrecovery.api.spi.UpdateFunction;
import dev.crewrecovery.api.spi.UpdateResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The {@link RunStore} contract as executable tests. A store's test class extends this class and
 * implements {@link #openStore(Clock, Duration)}; every test of every {@link Nested} group then
 * runs against a fresh store:
 *
 * <pre>{@code
 * class MyStoreContractTest extends RunStoreContract {
 *   @Override
 *   protected RunStore openStore(Clock clock, Duration lockTimeout) {
 *     return MyStore.open(..., clock, lockTimeout);
 *   }
 * }
 * }</pre>
 *
 * <p>Groups: {@link Lifecycle}, {@link ExclusiveUpdate}, {@link VersionConflicts}, {@link
 * TaskList}, {@link ActiveRunIndex}, {@link Events}, {@link HeartbeatFastPath}, {@link Deadletter},
 * {@link SessionLeases}, {@link Deliveries}, {@link Changes}, {@link CorruptionReporting}, {@link
 * Persistence} and {@link Concurrency}.
 *
 * <p><b>Time.</b> The contract opens the store with a {@link FakeClock} and a lock timeout of
 * {@link #LOCK_TIMEOUT} (200 ms). It never sleeps and never reads the system clock: every {@code
 * now} it passes comes from the fake clock, and a lock wait reaches its bound because the test
 * turns on {@link FakeClock#autoAdvanceMonotonic}. So the store must measure its lock wait with
 * {@code clock.monotonicNanos()} of the clock it was given, re-reading it while it waits (in slices
 * of at most a few milliseconds). Where real threads meet, the tests wait on latches and futures
 * with a generous real-time bound ({@link #AWAIT}) that only guards against a hang.
 *
 * <p><b>Optional hooks for stores that persist.</b> The tests of {@link CorruptionReporting} and
 * {@link Persistence}, and one of {@link HeartbeatFastPath}, need a way to reach behind the store.
 * Each hook is optional: by default it aborts the test that calls it, which JUnit reports as
 * skipped. A directory-based store implements them by keeping the root it opened in a field:
 *
 * <ul>
 *   <li>{@link #reopen(Clock, Duration)}: open a new store over the same root;
 *   <li>{@link #writeSnapshotWithSchemaVersion(RunId, long)}: rewrite the run's snapshot file with
 *       a newer {@code schemaVersion};
 *   <li>{@link #corruptSnapshot(RunId)}: overwrite the run's snapshot file with bytes that are not
 *       valid JSON;
 *   <li>{@link #corruptHeartbeatSlot(RunId, TaskId)}: damage the task's heartbeat slot so it fails
 *       its checksum.
 * </ul>
 *
 * <p>Accessors {@link #store()} and {@link #clock()} let a subclass add tests of its own.
 */
public abstract class RunStoreContract {

  /** The lock timeout the contract opens stores with. */
  public static final Duration LOCK_TIMEOUT = Duration.ofMillis(200);

  /**
   * The real-time bound of every wait on another thread: a hang guard, never a measurement. Stores
   * meet it by orders of magnitude.
   */
  public static final Duration AWAIT = Duration.ofSeconds(30);

  /** The schema version {@link #writeSnapshotWithSchemaVersion} is asked to write. */
  public static final long NEWER_SCHEMA_VERSION = 1000;

  /** How far monotonic time moves per read while a test drives a lock wait to its bound. */
  private static final Duration LOCK_WAIT_STEP = Duration.ofMillis(50);

  private @Nullable FakeClock clock;
  private @Nullable RunStore store;
  private @Nullable ExecutorService executor;

  /**
   * Opens a new, empty store.
   *
   * @param clock the clock the store must use to bound its lock waits (a {@link FakeClock})
   * @param lockTimeout the bound of the wait for a run's exclusion ({@link #LOCK_TIMEOUT})
   * @return the store; the contract closes it after the test
   */
  protected abstract RunStore openStore(Clock clock, Duration lockTimeout);

  /**
   * Optional hook: opens a new store over the state persisted by the store the contract opened
   * last, as a restarted process would. The contract has closed that store before calling.
   *
   * @param clock the clock for the new store
   * @param lockTimeout its lock timeout
   * @return the reopened store
   */
  protected RunStore reopen(Clock clock, Duration lockTimeout) {
    return abort("the store under test does not implement the reopen hook");
  }

  /**
   * Optional hook: rewrites the stored snapshot of an existing run so that it declares {@code
   * schemaVersion}, newer than the store supports, while the store is open. The change must be what
   * the store's next {@code load} of the run meets.
   *
   * @param runId an existing run
   * @param schemaVersion the schema version to declare ({@link #NEWER_SCHEMA_VERSION})
   */
  protected void writeSnapshotWithSchemaVersion(RunId runId, long schemaVersion) {
    abort("the store under test does not implement the writeSnapshotWithSchemaVersion hook");
  }

  /**
   * Optional hook: makes the stored snapshot of an existing run unreadable (for a file store: not
   * valid JSON), while the store is open. The damage must be what the store's next {@code load} of
   * the run meets.
   *
   * @param runId an existing run
   */
  protected void corruptSnapshot(RunId runId) {
    abort("the store under test does not implement the corruptSnapshot hook");
  }

  /**
   * Optional hook: damages a task's stored heartbeat slot so that it fails its checksum, while the
   * store is open.
   *
   * @param runId an existing run
   * @param taskId a task of the run whose slot was written
   */
  protected void corruptHeartbeatSlot(RunId runId, TaskId taskId) {
    abort("the store under test does not implement the corruptHeartbeatSlot hook");
  }

  /** Returns the fake clock of the current test. */
  protected final FakeClock clock() {
    FakeClock c = clock;
    if (c == null) {
      throw new IllegalStateException("no test is running");
    }
    return c;
  }

  /** Returns the store of the current test (the reopened one after {@link #reopenStore()}). */
  protected final RunStore store() {
    RunStore s = store;
    if (s == null) {
      throw new IllegalStateException("no test is running");
    }
    return s;
  }

  /**
   * Closes the current store and replaces it with {@link #reopen(Clock, Duration)}.
   *
   * @return the reopened store
   */
  protected final RunStore reopenStore() {
    store().close();
    RunStore reopened = reopen(clock(), LOCK_TIMEOUT);
    store = reopened;
    return reopened;
  }

  /** Opens the store of a test. */
  @BeforeEach
  public final void openContractStore() {
    clock = FakeClock.create();
    executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "run-store-contract");
              t.setDaemon(true);
              return t;
            });
    store = openStore(clock(), LOCK_TIMEOUT);
    assertNotNull(store, "openStore returned null");
  }

  /** Closes the store of a test and stops its helper threads. */
  @AfterEach
  public final void closeContractStore() {
    try {
      if (store != null) {
        store.close();
      }
    } finally {
      if (executor != null) {
        executor.shutdownNow();
      }
    }
  }

  // =============================================================================================

  /** create, load, allRuns, close. */
  @Nested
  public class Lifecycle {

    @Test
    void createCommitsVersionOneAndLoadReturnsIt() {
      RunSnapshot initial = Snapshots.run("r1").tasks("t1", "t2").attribute("k", "v").build();

      RunSnapshot created = store().create(initial, List.of());

      assertEquals(initial, created);
      assertEquals(1, created.version());
      assertEquals(Optional.of(initial), store().load(rid("r1")));
    }

    @Test
    void everyFieldOfASnapshotRoundTrips() {
      RunSnapshot rich = richSnapshot("r1");

      store().create(rich, List.of());

      assertEquals(Optional.of(rich), store().load(rid("r1")));
    }

    @Test
    void createRefusesAnExistingRunAndKeepsTheFirst() {
      RunSnapshot first = Snapshots.run("r1").tasks("t1").attribute("which", "first").build();
      store().create(first, List.of(event("run.created", now())));
      RunSnapshot second = Snapshots.run("r1").tasks("t9").attribute("which", "second").build();

      RunExistsException e =
          assertThrows(
              RunExistsException.class,
              () -> store().create(second, List.of(event("run.second", now()))));

      assertEquals(rid("r1"), e.runId());
      assertEquals(Optional.of(first), store().load(rid("r1")));
      assertEquals(List.of("run.created"), types(store().events(rid("r1"), 0, 100)));
    }

    @Test
    void createRefusesAVersionOtherThanOneAndWritesNothing() {
      RunSnapshot atTwo = Snapshots.run("r1").tasks("t1").version(2).build();

      assertThrows(IllegalArgumentException.class, () -> store().create(atTwo, List.of()));

      assertEquals(Optional.empty(), store().load(rid("r1")));
      assertFalse(store().allRuns().contains(rid("r1")));
      assertTrue(store().activeRuns().isEmpty());
    }

    @Test
    void createAppendsItsEventsInOrder() {
      store()
          .create(
              Snapshots.run("r1").tasks("t1").build(),
              List.of(event("run.created", now()), event("run.planned", now())));

      List<RunEvent> events = store().events(rid("r1"), 0, 100);

      assertEquals(List.of("run.created", "run.planned"), types(events));
      assertTrue(events.get(0).seq() >= 1);
      assertTrue(events.get(1).seq() > events.get(0).seq());
      assertEquals(rid("r1"), events.get(0).runId());
    }

    @Test
    void anUnknownRunLoadsEmptyAndHasNoEventsNorHeartbeats() {
      assertEquals(Optional.empty(), store().load(rid("nope")));
      assertEquals(List.of(), store().events(rid("nope"), 0, 10));
      assertEquals(Map.of(), store().heartbeats(rid("nope")));
      assertEquals(List.of(), store().allRuns());
    }

    @Test
    void allRunsListsEveryRunOrderedTerminalOnesIncluded() {
      store().create(Snapshots.run("r2").build(), List.of());
      store().create(Snapshots.run("r1").status(RunStatus.COMPLETED).build(), List.of());
      store().create(Snapshots.run("r3").status(RunStatus.RUNNING).build(), List.of());

      assertEquals(List.of(rid("r1"), rid("r2"), rid("r3")), store().allRuns());
    }

    @Test
    void closeIsIdempotentAndEveryLaterCallThrowsIllegalState() {
      store().create(Snapshots.run("r1").runningTask("t1").build(), List.of());
      RunStore s = store();

      s.close();
      s.close();

      List<Runnable> calls =
          List.of(
              () -> s.create(Snapshots.run("r2").build(), List.of()),
              () -> s.load(rid("r1")),
              () -> s.update(rid("r1"), (c, h) -> Update.unchanged()),
              () -> s.appendEvents(rid("r1"), List.of(event("x", now()))),
              () -> s.activeRuns(),
              () -> s.allRuns(),
              () -> s.events(rid("r1"), 0, 10),
              () -> s.recordHeartbeat(Snapshots.attempt("r1", "t1", 1), now()),
              () -> s.heartbeats(rid("r1")),
              () -> s.acquireLease(sid("s1"), now()),
              () -> s.leases(),
              () -> s.appendDeadletter(runEntry("r1", 1, now())),
              () -> s.deadletters(DeadletterFilter.all()),
              () -> s.enqueueDelivery(delivery("d1")),
              () -> s.pendingDeliveries(),
              () -> s.deliveredSince(did("d1"), now()));
      for (int i = 0; i < calls.size(); i++) {
        Runnable call = calls.get(i);
        assertThrows(
            IllegalStateException.class, call::run, "call #" + i + " after close must throw");
      }
    }
  }

  // =============================================================================================

  /** The exclusive update: fresh reads inside the exclusion, re-entrance, the bounded wait. */
  @Nested
  public class ExclusiveUpdate {

    @Test
    void aCommitIncrementsTheVersionAndLoadSeesIt() {
      store().create(Snapshots.run("r1").tasks("t1").build(), List.of());
      AtomicReference<@Nullable RunSnapshot> received = new AtomicReference<>();

      UpdateResult result =
          store()
              .update(
                  rid("r1"),
                  (current, hb) -> {
                    received.set(current);
                    return Update.commit(withAttribute(current, "k", "v"), List.of());
                  });

      assertNotNull(received.get());
      assertEquals(1, received.get().version());
      assertTrue(result.committed());
      assertEquals(2, result.snapshot().version());
      assertEquals("v", result.snapshot().manifest().attributes().get("k"));
      assertEquals(Optional.of(result.snapshot()), store().load(rid("r1")));
    }

    @Test
    void theFunctionReceivesTheFreshestCommittedSnapshot() {
      store().create(Snapshots.run("r1").tasks("t1").build(), List.of());
      commit("r1", s -> withAttribute(s, "a", "1"));
      commit("r1", s -> withAttribute(s, "b", "2"));

      AtomicReference<@Nullable RunSnapshot> received = new AtomicReference<>();
      store()
          .update(
              rid("r1"),
              (current, hb) -> {
                received.set(current);
                return Update.unchanged();
              });

      RunSnapshot seen = received.get();
      assertNotNull(seen);
      assertEquals(3, seen.version());
      assertEquals(Map.of("a", "1", "b", "2"), seen.manifest().attributes());
    }

    @Test
    void aWaitingUpdateReadsTheSnapshotInsideTheExclusion() throws Exception {
      store().create(Snapshots.run("r1").tasks("t1").build(), List.of());
      try (Holder holder = hold("r1", s -> Update.commit(withAttribute(s, "a", "1"), List.of()))) {
        long reads = clock().monotonicReads();
        Future<UpdateResult> waiting =
            async(() -> store().update(rid("r1"), (s, hb) -> Update.commit(s, List.of())));
        awaitLockWait(reads);

        holder.release();

        UpdateResult result = get(waiting);
        assertEquals(3, result.snapshot().version());
        assertEquals("1", result.snapshot().manifest().attributes().get("a"));
      }
    }

    @Test
    void theFunctionReceivesHeartbeatsReadInsideTheExclusion() throws Exception {
      store().create(runningRun("r1"), List.of());
      AtomicReference<@Nullable Map<TaskId, HeartbeatReading>> received = new AtomicReference<>();
      try (Holder holder = hold("r1", s -> Update.unchanged())) {
        long reads = clock().monotonicReads();
        Future<UpdateResult> waiting =
            async(
                () ->
                    store()
                        .update(
                            rid("r1"),
                            (s, hb) -> {
                              received.set(hb);
                              return Update.unchanged();
                            }));
        awaitLockWait(reads);
        Instant beat = now();
        assertEquals(
            HeartbeatOutcome.RECORDED,
            store().recordHeartbeat(Snapshots.attempt("r1", "t1", 1), beat));

        holder.release();
        get(waiting);

        Map<TaskId, HeartbeatReading> hb = received.get();
        assertNotNull(hb);
        HeartbeatSlot slot = okSlot(hb, "t1");
        assertEquals(1, slot.beatCounter());
        assertEquals(beat, slot.beatAt());
      }
    }

    @Test
    void theFunctionReceivesOneReadingPerTask() {
      store().create(runningRun("r1"), List.of());
      store().recordHeartbeat(Snapshots.attempt("r1", "t1", 1), now());
      AtomicReference<@Nullable Map<TaskId, HeartbeatReading>> received = new AtomicReference<>();

      store()
          .update(
              rid("r1"),
              (s, hb) -> {
                received.set(hb);
                return Update.unchanged();
              });

      Map<TaskId, HeartbeatReading> hb = received.get();
      assertNotNull(hb);
      assertEquals(Set.of(tid("t1"), tid("t2")), hb.keySet());
      assertEquals(HeartbeatReading.State.OK, reading(hb, "t1").state());
      assertEquals(HeartbeatReading.State.MISSING, reading(hb, "t2").state());
    }

    @Test
    void unchangedKeepsTheVersionAndAppendsNothing() {
      store().create(Snapshots.run("r1").tasks("t1").build(), List.of(event("run.created", now())));

      UpdateResult result = store().update(rid("r1"), (s, hb) -> Update.unchanged());

      assertFalse(result.committed());
      assertEquals(1, result.snapshot().version());
      assertEquals(List.of(), result.events());
      assertEquals(1, loaded("r1").version());
      assertEquals(List.of("run.created"), types(store().events(rid("r1"), 0, 100)));
    }

    @Test
    void aThrowingFunctionCommitsNothingAndReleasesTheExclusion() throws Exception {
      store().create(Snapshots.run("r1").tasks("t1").build(), List.of());
      IllegalStateException boom = new IllegalStateException("boom");

      IllegalStateException thrown =
          assertThrows(
              IllegalStateException.class,
              () ->
                  store()
                      .update(
                          rid("r1"),
                          (s, hb) -> {
                            throw boom;
                          }));

      assertSame(boom, thrown);
      assertEquals(1, loaded("r1").version());
      clock().autoAdvanceMonotonic(LOCK_WAIT_STEP);
      UpdateResult next =
          get(async(() -> store().update(rid("r1"), (s, hb) -> Update.commit(s, List.of()))));
      assertEquals(2, next.snapshot().version());
    }

    @Test
    void updateFromInsideTheFunctionThrowsIllegalStateAtOnce() {
      store().create(Snapshots.run("r1").tasks("t1").build(), List.of());
      // A store that waited instead would meet its bound quickly and throw LockTimeoutException.
      clock().autoAdvanceMonotonic(LOCK_WAIT_STEP);
      AtomicReference<@Nullable Throwable> inner = new AtomicReference<>();

      UpdateResult result =
          store()
              .update(
                  rid("r1"),
                  (s, hb) -> {
                    try {
                      store().update(rid("r1"), (s2, hb2) -> Update.commit(s2, List.of()));
                    } catch (RuntimeException e) {
                      inner.set(e);
                    }
                    return Update.commit(withAttribute(s, "outer", "yes"), List.of());
                  });

      assertInstanceOf(IllegalStateException.class, inner.get());
      assertEquals(2, result.snapshot().version());
      assertEquals(2, loaded("r1").version());
    }

    @Test
    void updateOfAnotherRunFromInsideTheFunctionAlsoThrowsIllegalState() {
      store().create(Snapshots.run("r1").tasks("t1").build(), List.of());
      store().create(Snapshots.run("r2").tasks("t1").build(), List.of());
      clock().autoAdvanceMonotonic(LOCK_WAIT_STEP);
      AtomicReference<@Nullable Throwable> inner = new AtomicReference<>();

      store()
          .update(
              rid("r1"),
              (s, hb) -> {
                try {
                  store().update(rid("r2"), (s2, hb2) -> Update.commit(s2, List.of()));
                } catch (RuntimeException e) {
                  inner.set(e);
                }
                return Update.unchanged();
              });

      assertInstanceOf(IllegalStateException.class, inner.get());
      assertEquals(1, loaded("r2").version());
    }

    @Test
    void theWaitIsBoundedOnTheStoreClockAndFailsWithLockTimeout() throws Exception {
      store().create(Snapshots.run("r1").tasks("t1").build(), List.of());
      try (Holder holder = hold("r1", s -> Update.commit(withAttribute(s, "a", "1"), List.of()))) {
        clock().autoAdvanceMonotonic(LOCK_WAIT_STEP);
        long reads = clock().monotonicReads();
        AtomicBoolean called = new AtomicBoolean();

        LockTimeoutException e =
            assertThrows(
                LockTimeoutException.class,
                () ->
                    store()
                        .update(
                            rid("r1"),
                            (s, hb) -> {
                              called.set(true);
                              return Update.commit(s, List.of());
                            }));

        assertEquals(rid("r1"), e.runId());
        assertFalse(called.get(), "the function of a timed-out update must not be called");
        assertTrue(
            clock().monotonicReads() > reads,
            "the store must measure its wait with monotonicNanos() of the clock it was given");
        clock().autoAdvanceMonotonic(Duration.ZERO);
        holder.release();
      }
      RunSnapshot after = loaded("r1");
      assertEquals(2, after.version());
      assertEquals(Map.of("a", "1"), after.manifest().attributes());
    }

    @Test
    void updatesOfDifferentRunsDoNotExcludeEachOther() throws Exception {
      store().create(Snapshots.run("r1").tasks("t1").build(), List.of());
      store().create(Snapshots.run("r2").tasks("t1").build(), List.of());
      try (Holder holder = hold("r1", s -> Update.unchanged())) {
        clock().autoAdvanceMonotonic(LOCK_WAIT_STEP);

        UpdateResult other = store().update(rid("r2"), (s, hb) -> Update.commit(s, List.of()));

        assertEquals(2, other.snapshot().version());
        clock().autoAdvanceMonotonic(Duration.ZERO);
        holder.release();
      }
    }

    @Test
    void appendEventsWaitsForTheExclusion() throws Exception {
      store().create(Snapshots.run("r1").tasks("t1").build(), List.of());
      try (Holder holder = hold("r1", s -> Update.unchanged())) {
        clock().autoAdvanceMonotonic(LOCK_WAIT_STEP);

        assertThrows(
            LockTimeoutException.class,
            () -> store().appendEvents(rid("r1"), List.of(event("x.y", now()))));

        clock().autoAdvanceMonotonic(Duration.ZERO);
        holder.release();
      }
      assertEquals(List.of(), store().events(rid("r1"), 0, 10));
    }

    @Test
    void updateOfAnUnknownRunThrowsRunNotFoundWithoutCallingTheFunction() {
      AtomicBoolean called = new AtomicBoolean();

      RunNotFoundException e =
          assertThrows(
              RunNotFoundException.class,
              () ->
                  store()
                      .update(
                          rid("nope"),
                          (s, hb) -> {
                            called.set(true);
                            return Update.unchanged();
                          }));

      assertEquals(rid("nope"), e.runId());
      assertFalse(called.get());
      assertEquals(List.of(), store().allRuns());
    }

    @Test
    void deadlettersOfAnUpdateAreAppendedIdempotently() {
      store().create(runningRun("r1"), List.of());
      DeadletterEntry entry =
          DeadletterEntry.forAttempt(
              Snapshots.attempt("r1", "t1", 1), DeadletterReason.MAX_RETRIES, "boom", now(), 1);

      store().update(rid("r1"), (s, hb) -> Update.commit(s, List.of(), List.of(entry)));
      store().update(rid("r1"), (s, hb) -> Update.commit(s, List.of(), List.of(entry)));

      List<StoredDeadletter> listed = store().deadletters(DeadletterFilter.ofRun(rid("r1")));
      assertEquals(1, listed.size());
      assertEquals(entry, listed.get(0).entry());
      assertEquals(3, loaded("r1").version());
    }
  }

  // =============================================================================================

  /** A returned snapshot must be at the received version and of the same run. */
  @Nested
  public class VersionConflicts {

    @Test
    void aSnapshotAtAnotherVersionIsRefusedAndNothingCommitted() {
      store().create(runningRun("r1"), List.of());
      DeadletterEntry entry = runEntry("r1", 1, now());

      VersionConflictException e =
          assertThrows(
              VersionConflictException.class,
              () ->
                  store()
                      .update(
                          rid("r1"),
                          (s, hb) ->
                              Update.commit(
                                  withAttribute(s, "k", "v").withVersion(s.version() + 1),
                                  List.of(event("x.y", now())),
                                  List.of(entry))));

      assertEquals(1, e.expected());
      assertEquals(2, e.actual());
      assertUntouched("r1", runningRun("r1"));
      assertEquals(List.of(), store().deadletters(DeadletterFilter.all()));
    }

    @Test
    void aSnapshotBuiltOnAStaleLoadIsRefused() {
      store().create(Snapshots.run("r1").tasks("t1").build(), List.of());
      RunSnapshot stale = loaded("r1");
      RunSnapshot current = commit("r1", s -> withAttribute(s, "fresh", "yes"));

      VersionConflictException e =
          assertThrows(
              VersionConflictException.class,
              () ->
                  store()
                      .update(
                          rid("r1"),
                          (s, hb) ->
                              Update.commit(withAttribute(stale, "stale", "yes"), List.of())));

      assertEquals(2, e.expected());
      assertEquals(1, e.actual());
      assertEquals(current, loaded("r1"));
    }

    @Test
    void aSnapshotOfAnotherRunIsRefused() {
      store().create(Snapshots.run("r1").tasks("t1").build(), List.of());

      assertThrows(
          VersionConflictException.class,
          () ->
              store()
                  .update(
                      rid("r1"),
                      (s, hb) ->
                          Update.commit(Snapshots.run("other").tasks("t1").build(), List.of())));

      assertEquals(Snapshots.run("r1").tasks("t1").build(), loaded("r1"));
      assertEquals(Optional.empty(), store().load(rid("other")));
      assertEquals(List.of(rid("r1")), store().allRuns());
    }

    @Test
    void everyCommitAddsExactlyOneAndUnchangedAddsNothing() {
      store().create(Snapshots.run("r1").tasks("t1").build(), List.of());
      List<Long> versions = new ArrayList<>();

      for (int i = 0; i < 6; i++) {
        UpdateFunction fn =
            i % 2 == 0 ? (s, hb) -> Update.commit(s, List.of()) : (s, hb) -> Update.unchanged();
        versions.add(store().update(rid("r1"), fn).snapshot().version());
      }

      assertEquals(List.of(2L, 2L, 3L, 3L, 4L, 4L), versions);
    }
  }

  // =============================================================================================

  /** Tasks keep their ids and order; they may only be appended. */
  @Nested
  public class TaskList {

    @Test
    void droppingATaskIsRefusedAndNothingCommitted() {
      RunSnapshot initial = Snapshots.run("r1").tasks("t1", "t2", "t3").build();
      store().create(initial, List.of());

      assertThrows(
          TaskListChangedException.class,
          () ->
              store()
                  .update(
                      rid("r1"),
                      (s, hb) ->
                          Update.commit(
                              s.withTasks(List.of(s.tasks().get(0), s.tasks().get(2))),
                              List.of(event("x.y", now())),
                              List.of(runEntry("r1", 1, now())))));

      assertUntouched("r1", initial);
      assertEquals(List.of(), store().deadletters(DeadletterFilter.all()));
    }

    @Test
    void droppingTheLastTaskIsRefused() {
      RunSnapshot initial = Snapshots.run("r1").tasks("t1", "t2").build();
      store().create(initial, List.of());

      assertThrows(
          TaskListChangedException.class,
          () ->
              store()
                  .update(
                      rid("r1"),
                      (s, hb) -> Update.commit(s.withTasks(List.of(s.tasks().get(0))), List.of())));

      assertUntouched("r1", initial);
    }

    @Test
    void reorderingTasksIsRefused() {
      RunSnapshot initial = Snapshots.run("r1").tasks("t1", "t2").build();
      store().create(initial, List.of());

      assertThrows(
          TaskListChangedException.class,
          () ->
              store()
                  .update(
                      rid("r1"),
                      (s, hb) ->
                          Update.commit(
                              s.withTasks(List.of(s.tasks().get(1), s.tasks().get(0))),
                              List.of())));

      assertUntouched("r1", initial);
    }

    @Test
    void replacingATaskByAnotherIdIsRefused() {
      RunSnapshot initial = Snapshots.run("r1").tasks("t1", "t2").build();
      store().create(initial, List.of());

      assertThrows(
          TaskListChangedException.class,
          () ->
              store()
                  .update(
                      rid("r1"),
                      (s, hb) ->
                          Update.commit(
                              s.withTasks(List.of(s.tasks().get(0), TaskState.queued(tid("t3")))),
                              List.of())));

      assertUntouched("r1", initial);
    }

    @Test
    void appendingTasksIsAllowed() {
      store().create(Snapshots.run("r1").tasks("t1").build(), List.of());

      UpdateResult result =
          store()
              .update(
                  rid("r1"),
                  (s, hb) -> Update.commit(Snapshots.appendTasks(s, "t2", "t3"), List.of()));

      assertEquals(2, result.snapshot().version());
      assertEquals(List.of(tid("t1"), tid("t2"), tid("t3")), taskIds(loaded("r1")));
      assertEquals(Set.of(tid("t1"), tid("t2"), tid("t3")), store().heartbeats(rid("r1")).keySet());
    }
  }

  // =============================================================================================

  /** activeRuns(): the non-terminal runs, ordered by id. */
  @Nested
  public class ActiveRunIndex {

    @Test
    void nonTerminalRunsAreListedActiveInIdOrder() {
      store().create(Snapshots.run("r3").status(RunStatus.BLOCKED).build(), List.of());
      store().create(Snapshots.run("r1").build(), List.of());
      store().create(Snapshots.run("r2").status(RunStatus.RUNNING).build(), List.of());
      store().create(Snapshots.run("r0").status(RunStatus.PLANNING).build(), List.of());

      assertEquals(
          List.of(active("r0"), active("r1"), active("r2"), active("r3")), store().activeRuns());
    }

    @Test
    void aRunCreatedTerminalIsNotListed() {
      store().create(Snapshots.run("r1").status(RunStatus.CANCELLED).build(), List.of());
      store().create(Snapshots.run("r2").build(), List.of());

      assertEquals(List.of(active("r2")), store().activeRuns());
    }

    @Test
    void aTerminalCommitRemovesTheRun() {
      List<RunStatus> terminal =
          List.of(RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED);
      for (RunStatus status : terminal) {
        store().create(Snapshots.run("r-" + status).status(RunStatus.RUNNING).build(), List.of());
      }
      store().create(Snapshots.run("stays").status(RunStatus.RUNNING).build(), List.of());

      for (RunStatus status : terminal) {
        commit("r-" + status, s -> Snapshots.withRunStatus(s, status));
      }

      assertEquals(List.of(active("stays")), store().activeRuns());
      assertEquals(4, store().allRuns().size());
    }

    @Test
    void aRunMovedOutOfATerminalStateIsListedAgain() {
      store().create(Snapshots.run("r1").status(RunStatus.COMPLETED).build(), List.of());

      commit("r1", s -> Snapshots.withRunStatus(s, RunStatus.RUNNING));

      assertEquals(List.of(active("r1")), store().activeRuns());
    }

    @Test
    void aRefusedUpdateDoesNotChangeTheIndex() {
      store().create(Snapshots.run("r1").status(RunStatus.RUNNING).tasks("t1").build(), List.of());

      assertThrows(
          TaskListChangedException.class,
          () ->
              store()
                  .update(
                      rid("r1"),
                      (s, hb) ->
                          Update.commit(
                              Snapshots.withRunStatus(s.withTasks(List.of()), RunStatus.COMPLETED),
                              List.of())));

      assertEquals(List.of(active("r1")), store().activeRuns());
    }
  }

  // =============================================================================================

  /** The append-only event log. */
  @Nested
  public class Events {

    @Test
    void seqIncreasesStrictlyAcrossCreateUpdateAndAppend() {
      store()
          .create(
              Snapshots.run("r1").tasks("t1").build(),
              List.of(event("run.created", now()), event("run.planned", now())));
      store()
          .update(
              rid("r1"),
              (s, hb) ->
                  Update.commit(
                      s,
                      List.of(
                          event("u.one", now()), event("u.two", now()), event("u.three", now()))));
      store().appendEvents(rid("r1"), List.of(event("a.one", now()), event("a.two", now())));

      List<RunEvent> events = store().events(rid("r1"), 0, 100);

      assertEquals(
          List.of("run.created", "run.planned", "u.one", "u.two", "u.three", "a.one", "a.two"),
          types(events));
      assertStrictlyIncreasing(events);
    }

    @Test
    void theUpdateResultCarriesTheAppendedEventsAsStored() {
      store().create(Snapshots.run("r1").tasks("t1").build(), List.of(event("run.created", now())));

      UpdateResult result =
          store()
              .update(
                  rid("r1"),
                  (s, hb) ->
                      Update.commit(s, List.of(event("u.one", now()), event("u.two", now()))));

      List<RunEvent> stored = store().events(rid("r1"), 0, 100);
      assertEquals(List.of("u.one", "u.two"), types(result.events()));
      assertEquals(stored.subList(1, 3), result.events());
    }

    @Test
    void appendEventsReturnsThemAsStored() {
      store().create(Snapshots.run("r1").build(), List.of());

      List<RunEvent> appended =
          store().appendEvents(rid("r1"), List.of(event("a.one", now()), event("a.two", now())));

      assertEquals(store().events(rid("r1"), 0, 100), appended);
    }

    @Test
    void afterSeqAndLimitPageThroughTheLog() {
      store().create(Snapshots.run("r1").build(), List.of());
      for (int i = 0; i < 10; i++) {
        store().appendEvents(rid("r1"), List.of(NewEvent.of("e.n", now(), Map.of("i", "" + i))));
      }
      List<RunEvent> all = store().events(rid("r1"), 0, 100);
      assertEquals(10, all.size());

      List<RunEvent> first = store().events(rid("r1"), 0, 3);
      List<RunEvent> next = store().events(rid("r1"), first.get(2).seq(), 3);
      List<RunEvent> tail = store().events(rid("r1"), all.get(7).seq(), 100);
      List<RunEvent> none = store().events(rid("r1"), all.get(9).seq(), 100);

      assertEquals(all.subList(0, 3), first);
      assertEquals(all.subList(3, 6), next);
      assertEquals(all.subList(8, 10), tail);
      assertEquals(List.of(), none);
    }

    @Test
    void aLimitBelowOneIsAProgrammingError() {
      store().create(Snapshots.run("r1").build(), List.of(event("run.created", now())));

      assertThrows(IllegalArgumentException.class, () -> store().events(rid("r1"), 0, 0));
    }

    @Test
    void appendEventsIsAllowedOnATerminalRunAndLeavesTheSnapshotAlone() {
      RunSnapshot done = Snapshots.run("r1").status(RunStatus.COMPLETED).tasks("t1").build();
      store().create(done, List.of());

      List<RunEvent> appended =
          store().appendEvents(rid("r1"), List.of(event("run.late_note", now())));

      assertEquals(List.of("run.late_note"), types(appended));
      assertEquals(done, loaded("r1"));
    }

    @Test
    void appendEventsOfAnUnknownRunThrowsRunNotFound() {
      assertThrows(
          RunNotFoundException.class,
          () -> store().appendEvents(rid("nope"), List.of(event("x.y", now()))));
      assertEquals(List.of(), store().allRuns());
    }

    @Test
    void theEventsOfEveryCommittedUpdateAreKeptInOrder() {
      store().create(Snapshots.run("r1").tasks("t1").build(), List.of());
      for (int i = 0; i < 50; i++) {
        Map<String, String> data = Map.of("i", Integer.toString(i));
        store()
            .update(
                rid("r1"), (s, hb) -> Update.commit(s, List.of(NewEvent.of("u.n", now(), data))));
      }

      List<RunEvent> events = store().events(rid("r1"), 0, 1000);

      assertEquals(50, events.size());
      for (int i = 0; i < 50; i++) {
        assertEquals(Integer.toString(i), events.get(i).data().get("i"));
      }
      assertStrictlyIncreasing(events);
    }

    @Test
    void eventsRoundTripTypeInstantAndData() {
      store().create(Snapshots.run("r1").build(), List.of());
      Instant at = now().plusNanos(123_456_789);
      Map<String, String> data = new LinkedHashMap<>();
      data.put("zeta", "last");
      data.put("alpha", "with \"quotes\", a \\ and a newline\n and ünïcödé");
      data.put("empty", "");

      store().appendEvents(rid("r1"), List.of(NewEvent.of("task.heartbeat_dead", at, data)));

      RunEvent stored = store().events(rid("r1"), 0, 10).get(0);
      assertEquals("task.heartbeat_dead", stored.type());
      assertEquals(at, stored.at());
      assertEquals(data, stored.data());
    }

    @Test
    void logsAreKeptPerRun() {
      store().create(Snapshots.run("r1").build(), List.of(event("one.a", now())));
      store().create(Snapshots.run("r2").build(), List.of(event("two.a", now())));
      store().appendEvents(rid("r1"), List.of(event("one.b", now())));

      assertEquals(List.of("one.a", "one.b"), types(store().events(rid("r1"), 0, 10)));
      assertEquals(List.of("two.a"), types(store().events(rid("r2"), 0, 10)));
      assertTrue(
          store().events(rid("r2"), 0, 10).stream().allMatch(e -> e.runId().equals(rid("r2"))));
    }
  }

  // =============================================================================================

  /** recordHeartbeat / recordActivity / recordWorkerEnded and heartbeats(). */
  @Nested
  public class HeartbeatFastPath {

    private final AttemptId a1 = Snapshots.attempt("r1", "t1", 1);

    @Test
    void aBeatOfTheCurrentAttemptIsRecorded() {
      store().create(runningRun("r1"), List.of());
      Instant at = now().plusMillis(5);

      assertEquals(HeartbeatOutcome.RECORDED, store().recordHeartbeat(a1, at));

      HeartbeatSlot slot = okSlot(store().heartbeats(rid("r1")), "t1");
      assertEquals(a1, slot.attempt());
      assertEquals(1, slot.beatCounter());
      assertEquals(at, slot.beatAt());
      assertEquals(0, slot.activityCounter());
      assertNull(slot.activityAt());
      assertTrue(slot.alive());
      assertEquals(0, store().stats().droppedHeartbeats());
    }

    @Test
    void beatsCountUpAndKeepTheLatestInstant() {
      store().create(runningRun("r1"), List.of());

      for (int i = 0; i < 3; i++) {
        clock().advance(Duration.ofSeconds(10));
        store().recordHeartbeat(a1, now());
      }

      HeartbeatSlot slot = okSlot(store().heartbeats(rid("r1")), "t1");
      assertEquals(3, slot.beatCounter());
      assertEquals(now(), slot.beatAt());
    }

    @Test
    void activityIsCountedApartFromBeats() {
      store().create(runningRun("r1"), List.of());
      Instant beatAt = now();
      store().recordHeartbeat(a1, beatAt);
      clock().advance(Duration.ofSeconds(1));
      store().recordActivity(a1, now());
      clock().advance(Duration.ofSeconds(1));

      assertEquals(HeartbeatOutcome.RECORDED, store().recordActivity(a1, now()));

      HeartbeatSlot slot = okSlot(store().heartbeats(rid("r1")), "t1");
      assertEquals(1, slot.beatCounter());
      assertEquals(beatAt, slot.beatAt());
      assertEquals(2, slot.activityCounter());
      assertEquals(now(), slot.activityAt());
      assertTrue(slot.alive());
    }

    @Test
    void anAnnouncedEndIsRecordedAsNotAlive() {
      store().create(runningRun("r1"), List.of());
      store().recordHeartbeat(a1, now());
      clock().advance(Duration.ofSeconds(1));

      assertEquals(HeartbeatOutcome.RECORDED, store().recordWorkerEnded(a1, now()));

      HeartbeatSlot slot = okSlot(store().heartbeats(rid("r1")), "t1");
      assertEquals(a1, slot.attempt());
      assertFalse(slot.alive());
    }

    @Test
    void aBeatOfANonCurrentAttemptIsDroppedAndCounted() {
      RunSnapshot run = runningRun("r1");
      run = Snapshots.startAttempt(Snapshots.requeue(run, "t1"), "t1", now());
      store().create(run, List.of());
      AttemptId a2 = Snapshots.attempt("r1", "t1", 2);
      store().recordHeartbeat(a2, now());

      assertEquals(HeartbeatOutcome.DROPPED_NOT_CURRENT, store().recordHeartbeat(a1, now()));
      assertEquals(HeartbeatOutcome.DROPPED_NOT_CURRENT, store().recordActivity(a1, now()));
      assertEquals(HeartbeatOutcome.DROPPED_NOT_CURRENT, store().recordWorkerEnded(a1, now()));
      assertEquals(
          HeartbeatOutcome.DROPPED_NOT_CURRENT,
          store().recordHeartbeat(Snapshots.attempt("r1", "t1", 3), now()));

      assertEquals(4, store().stats().droppedHeartbeats());
      HeartbeatSlot slot = okSlot(store().heartbeats(rid("r1")), "t1");
      assertEquals(a2, slot.attempt());
      assertEquals(1, slot.beatCounter());
      assertTrue(slot.alive());
    }

    @Test
    void aBeatOfARequeuedTaskIsDropped() {
      store().create(Snapshots.requeue(runningRun("r1"), "t1"), List.of());

      assertEquals(HeartbeatOutcome.DROPPED_NOT_CURRENT, store().recordHeartbeat(a1, now()));

      assertEquals(1, store().stats().droppedHeartbeats());
      assertEquals(
          HeartbeatReading.State.MISSING, reading(store().heartbeats(rid("r1")), "t1").state());
    }

    @Test
    void aBeatOfATerminalTaskIsDroppedAndCounted() {
      store()
          .create(
              Snapshots.run("r1")
                  .status(RunStatus.RUNNING)
                  .task("t1", TaskStatus.COMPLETED)
                  .build(),
              List.of());

      assertEquals(HeartbeatOutcome.DROPPED_TERMINAL, store().recordHeartbeat(a1, now()));
      assertEquals(HeartbeatOutcome.DROPPED_TERMINAL, store().recordActivity(a1, now()));
      assertEquals(HeartbeatOutcome.DROPPED_TERMINAL, store().recordWorkerEnded(a1, now()));

      assertEquals(3, store().stats().droppedHeartbeats());
      assertEquals(
          HeartbeatReading.State.MISSING, reading(store().heartbeats(rid("r1")), "t1").state());
    }

    @Test
    void aBeatThatBecameTerminalByACommitIsDropped() {
      store().create(runningRun("r1"), List.of());
      assertEquals(HeartbeatOutcome.RECORDED, store().recordHeartbeat(a1, now()));

      commit("r1", s -> Snapshots.withTaskStatus(s, "t1", TaskStatus.FAILED));

      assertEquals(HeartbeatOutcome.DROPPED_TERMINAL, store().recordHeartbeat(a1, now()));
      assertEquals(1, store().stats().droppedHeartbeats());
      assertEquals(1, okSlot(store().heartbeats(rid("r1")), "t1").beatCounter());
    }

    @Test
    void aBeatOfAnUnknownRunOrTaskIsDroppedAndCounted() {
      store().create(runningRun("r1"), List.of());

      assertEquals(
          HeartbeatOutcome.DROPPED_UNKNOWN,
          store().recordHeartbeat(Snapshots.attempt("nope", "t1", 1), now()));
      assertEquals(
          HeartbeatOutcome.DROPPED_UNKNOWN,
          store().recordActivity(Snapshots.attempt("r1", "t9", 1), now()));

      assertEquals(2, store().stats().droppedHeartbeats());
      assertEquals(Map.of(), store().heartbeats(rid("nope")));
    }

    @Test
    void aNewCurrentAttemptStartsItsCountersAfresh() {
      store().create(runningRun("r1"), List.of());
      for (int i = 0; i < 3; i++) {
        store().recordHeartbeat(a1, now());
        store().recordActivity(a1, now());
      }
      store().recordWorkerEnded(a1, now());
      commit("r1", s -> Snapshots.startAttempt(Snapshots.requeue(s, "t1"), "t1", now()));
      AttemptId a2 = Snapshots.attempt("r1", "t1", 2);
      clock().advance(Duration.ofSeconds(3));

      assertEquals(HeartbeatOutcome.RECORDED, store().recordHeartbeat(a2, now()));

      HeartbeatSlot slot = okSlot(store().heartbeats(rid("r1")), "t1");
      assertEquals(a2, slot.attempt());
      assertEquals(1, slot.beatCounter());
      assertEquals(now(), slot.beatAt());
      assertEquals(0, slot.activityCounter());
      assertNull(slot.activityAt());
      assertTrue(slot.alive());
    }

    @Test
    void heartbeatsGivesOneReadingPerTaskInTheCommittedSnapshot() {
      store().create(runningRun("r1"), List.of());
      store().recordHeartbeat(a1, now());

      Map<TaskId, HeartbeatReading> hb = store().heartbeats(rid("r1"));

      assertEquals(Set.of(tid("t1"), tid("t2")), hb.keySet());
      assertEquals(tid("t1"), reading(hb, "t1").task());
      assertEquals(HeartbeatReading.State.OK, reading(hb, "t1").state());
      assertEquals(HeartbeatReading.missing(tid("t2")), reading(hb, "t2"));
    }

    @Test
    void slotsAreKeptPerTaskAndPerRun() {
      RunSnapshot two =
          Snapshots.run("r1").status(RunStatus.RUNNING).runningTask("t1").runningTask("t2").build();
      store().create(two, List.of());
      store().create(runningRun("r2"), List.of());

      store().recordHeartbeat(a1, now());
      store().recordHeartbeat(a1, now());
      store().recordHeartbeat(Snapshots.attempt("r1", "t2", 1), now());
      store().recordHeartbeat(Snapshots.attempt("r2", "t1", 1), now());

      assertEquals(2, okSlot(store().heartbeats(rid("r1")), "t1").beatCounter());
      assertEquals(1, okSlot(store().heartbeats(rid("r1")), "t2").beatCounter());
      HeartbeatSlot other = okSlot(store().heartbeats(rid("r2")), "t1");
      assertEquals(Snapshots.attempt("r2", "t1", 1), other.attempt());
      assertEquals(1, other.beatCounter());
    }

    @Test
    void theFastPathDoesNotWaitForTheExclusion() throws Exception {
      store().create(runningRun("r1"), List.of());
      try (Holder holder = hold("r1", s -> Update.unchanged())) {
        clock().autoAdvanceMonotonic(LOCK_WAIT_STEP);

        HeartbeatOutcome outcome = get(async(() -> store().recordHeartbeat(a1, now())));
        Map<TaskId, HeartbeatReading> hb = get(async(() -> store().heartbeats(rid("r1"))));

        assertEquals(HeartbeatOutcome.RECORDED, outcome);
        assertEquals(1, okSlot(hb, "t1").beatCounter());
        clock().autoAdvanceMonotonic(Duration.ZERO);
        holder.release();
      }
    }

    @Test
    void aDamagedSlotReadsCorruptAndDoesNotHideTheOthers() {
      RunSnapshot two =
          Snapshots.run("r1").status(RunStatus.RUNNING).runningTask("t1").runningTask("t2").build();
      store().create(two, List.of());
      store().recordHeartbeat(a1, now());
      store().recordHeartbeat(Snapshots.attempt("r1", "t2", 1), now());

      corruptHeartbeatSlot(rid("r1"), tid("t1"));

      Map<TaskId, HeartbeatReading> hb = store().heartbeats(rid("r1"));
      assertEquals(HeartbeatReading.corrupt(tid("t1")), reading(hb, "t1"));
      assertEquals(1, okSlot(hb, "t2").beatCounter());
      AtomicReference<@Nullable Map<TaskId, HeartbeatReading>> inFn = new AtomicReference<>();
      store()
          .update(
              rid("r1"),
              (s, h) -> {
                inFn.set(h);
                return Update.unchanged();
              });
      assertEquals(hb, inFn.get());
    }
  }

  // =============================================================================================

  /** Deadletter entries: idempotent append, filters, marks, pruning. */
  @Nested
  public class Deadletter {

    @Test
    void appendIsIdempotentByIdAndKeepsTheFirst() {
      DeadletterEntry first = runEntry("r1", 1, now());
      DeadletterEntry sameId =
          new DeadletterEntry(
              first.id(),
              rid("r1"),
              null,
              null,
              null,
              DeadletterReason.MANUAL,
              0,
              "other",
              now().plusSeconds(5),
              1);

      assertTrue(store().appendDeadletter(first));
      assertFalse(store().appendDeadletter(first));
      assertFalse(store().appendDeadletter(sameId));

      List<StoredDeadletter> all = store().deadletters(DeadletterFilter.all());
      assertEquals(1, all.size());
      assertEquals(first, all.get(0).entry());
      assertEquals(List.of(), all.get(0).marks());
    }

    @Test
    void entriesAreListedOldestFirst() {
      DeadletterEntry a = runEntry("r1", 1, now());
      DeadletterEntry b = runEntry("r1", 2, now().plusSeconds(1));
      DeadletterEntry c = runEntry("r2", 1, now().plusSeconds(2));
      store().appendDeadletter(a);
      store().appendDeadletter(b);
      store().appendDeadletter(c);

      assertEquals(List.of(a, b, c), entries(DeadletterFilter.all()));
    }

    @Test
    void filtersSelectByRunTaskReasonAndInclusiveTimeRange() {
      Instant t0 = now();
      DeadletterEntry run1 = runEntry("r1", 1, t0);
      DeadletterEntry task1 =
          DeadletterEntry.forAttempt(
              Snapshots.attempt("r1", "t1", 2),
              DeadletterReason.HEARTBEAT_DEAD,
              null,
              t0.plusSeconds(10),
              1);
      DeadletterEntry task2 =
          DeadletterEntry.forAttempt(
              Snapshots.attempt("r1", "t2", 1),
              DeadletterReason.MAX_RETRIES,
              "err",
              t0.plusSeconds(20),
              1);
      DeadletterEntry delivery =
          DeadletterEntry.forDelivery(rid("r2"), did("d1"), "refused", t0.plusSeconds(30), 0);
      for (DeadletterEntry e : List.of(run1, task1, task2, delivery)) {
        store().appendDeadletter(e);
      }

      assertEquals(List.of(run1, task1, task2), entries(DeadletterFilter.ofRun(rid("r1"))));
      assertEquals(
          List.of(task2), entries(new DeadletterFilter(null, tid("t2"), null, null, null)));
      assertEquals(
          List.of(delivery),
          entries(new DeadletterFilter(null, null, DeadletterReason.DELIVERY_FAILED, null, null)));
      assertEquals(
          List.of(task1, task2),
          entries(new DeadletterFilter(null, null, null, t0.plusSeconds(10), t0.plusSeconds(20))));
      assertEquals(
          List.of(task1),
          entries(
              new DeadletterFilter(
                  rid("r1"), tid("t1"), DeadletterReason.HEARTBEAT_DEAD, t0, t0.plusSeconds(10))));
    }

    @Test
    void marksAreKeptInOrderWithTheirEntry() {
      DeadletterEntry a = runEntry("r1", 1, now());
      DeadletterEntry b = runEntry("r1", 2, now());
      store().appendDeadletter(a);
      store().appendDeadletter(b);
      DeadletterMark redrive = new DeadletterMark(a.id(), DeadletterMark.Kind.REDRIVE, now(), "op");
      DeadletterMark discard =
          new DeadletterMark(a.id(), DeadletterMark.Kind.DISCARD, now().plusSeconds(1), "why");

      assertTrue(store().markDeadletter(redrive));
      assertTrue(store().markDeadletter(discard));

      List<StoredDeadletter> listed = store().deadletters(DeadletterFilter.all());
      assertEquals(List.of(redrive, discard), listed.get(0).marks());
      assertEquals(List.of(), listed.get(1).marks());
    }

    @Test
    void markingAnUnknownEntryWritesNothing() {
      store().appendDeadletter(runEntry("r1", 1, now()));

      assertFalse(
          store()
              .markDeadletter(
                  new DeadletterMark(
                      DeadletterId.of("dl-unknown"), DeadletterMark.Kind.DISCARD, now(), "x")));

      assertEquals(List.of(), store().deadletters(DeadletterFilter.all()).get(0).marks());
      assertEquals(1, store().deadletters(DeadletterFilter.all()).size());
    }

    @Test
    void pruneRemovesClosedEntriesStrictlyOlderThanTheRetention() {
      Duration retention = Duration.ofDays(30);
      Instant pruneAt = now().plus(Duration.ofDays(40));
      DeadletterEntry closedOld = runEntry("r1", 1, pruneAt.minus(retention).minusNanos(1));
      DeadletterEntry closedAtLimit = runEntry("r1", 2, pruneAt.minus(retention));
      DeadletterEntry openOld = runEntry("r1", 3, pruneAt.minus(Duration.ofDays(35)));
      for (DeadletterEntry e : List.of(openOld, closedOld, closedAtLimit)) {
        store().appendDeadletter(e);
      }

      PruneResult result =
          store()
              .pruneDeadletters(
                  pruneAt, retention, 100, Set.of(closedOld.id(), closedAtLimit.id()));

      assertEquals(new PruneResult(1, 2, false), result);
      assertEquals(List.of(openOld, closedAtLimit), entries(DeadletterFilter.all()));
    }

    @Test
    void pruneThenRemovesTheOldestClosedEntriesWhileOverCapacity() {
      List<DeadletterEntry> e = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        e.add(runEntry("r1", i + 1, now().plusSeconds(i)));
        store().appendDeadletter(e.get(i));
      }
      // Open: 0 and 3. Closed: 1, 2, 4, 5. All young.
      Set<DeadletterId> closed = Set.of(e.get(1).id(), e.get(2).id(), e.get(4).id(), e.get(5).id());

      PruneResult result =
          store().pruneDeadletters(now().plusSeconds(60), Duration.ofDays(30), 3, closed);

      assertEquals(new PruneResult(3, 3, false), result);
      assertEquals(List.of(e.get(0), e.get(3), e.get(5)), entries(DeadletterFilter.all()));
    }

    @Test
    void pruneNeverDropsOpenEntriesAndReportsOverCapacity() {
      List<DeadletterEntry> e = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        e.add(runEntry("r1", i + 1, now().plusSeconds(i)));
        store().appendDeadletter(e.get(i));
      }

      PruneResult result =
          store()
              .pruneDeadletters(
                  now().plusSeconds(60), Duration.ofDays(30), 2, Set.of(e.get(4).id()));

      assertEquals(new PruneResult(1, 4, true), result);
      assertEquals(e.subList(0, 4), entries(DeadletterFilter.all()));
      assertTrue(store().appendDeadletter(runEntry("r1", 99, now())), "appends still succeed");
    }

    @Test
    void pruneIgnoresClosedIdsItDoesNotHoldAndNeedsACapacityOfOne() {
      DeadletterEntry a = runEntry("r1", 1, now());
      store().appendDeadletter(a);

      PruneResult result =
          store()
              .pruneDeadletters(
                  now().plus(Duration.ofDays(90)),
                  Duration.ofDays(30),
                  1,
                  Set.of(DeadletterId.of("dl-unknown")));

      assertEquals(new PruneResult(0, 1, false), result);
      assertThrows(
          IllegalArgumentException.class,
          () -> store().pruneDeadletters(now(), Duration.ofDays(30), 0, Set.of()));
      assertEquals(List.of(a), entries(DeadletterFilter.all()));
    }
  }

  // =============================================================================================

  /** Session leases: incarnations, renewal in place, loss, release. */
  @Nested
  public class SessionLeases {

    private final SessionId s1 = SessionId.of("s1");

    @Test
    void theFirstIncarnationIsOneAndEachAcquireAddsOne() {
      Instant t0 = now();
      Lease first = store().acquireLease(s1, t0);
      clock().advance(Duration.ofSeconds(5));
      Lease second = store().acquireLease(s1, now());

      assertEquals(new Lease(s1, 1, t0, t0, false), first);
      assertEquals(new Lease(s1, 2, now(), now(), false), second);
      assertEquals(Optional.of(second), store().lease(s1));
    }

    @Test
    void aRenewalSucceedsInPlaceEvenLate() {
      Instant t0 = now();
      store().acquireLease(s1, t0);
      clock().advance(Duration.ofMinutes(10));

      Lease renewed = store().renewLease(s1, 1, now());

      assertEquals(new Lease(s1, 1, t0, now(), false), renewed);
      assertEquals(Optional.of(renewed), store().lease(s1));
    }

    @Test
    void anOlderIncarnationLosesItsLease() {
      store().acquireLease(s1, now());
      Lease newer = store().acquireLease(s1, now());

      LeaseLostException e =
          assertThrows(
              LeaseLostException.class, () -> store().renewLease(s1, 1, now().plusSeconds(10)));

      assertEquals(s1, e.session());
      assertEquals(1, e.incarnation());
      assertEquals(newer, e.current());
      assertEquals(Optional.of(newer), store().lease(s1));
    }

    @Test
    void aReleasedLeaseCannotBeRenewed() {
      Lease lease = store().acquireLease(s1, now());

      store().releaseLease(s1, 1);

      Lease released = store().lease(s1).orElseThrow();
      assertTrue(released.released());
      assertEquals(1, released.incarnation());
      assertEquals(lease.renewedAt(), released.renewedAt());
      assertThrows(LeaseLostException.class, () -> store().renewLease(s1, 1, now()));
    }

    @Test
    void releasingAnotherIncarnationDoesNothing() {
      store().acquireLease(s1, now());
      Lease current = store().acquireLease(s1, now());

      store().releaseLease(s1, 1);
      store().releaseLease(s1, 3);

      assertEquals(Optional.of(current), store().lease(s1));
      assertEquals(current, store().renewLease(s1, 2, now()));
    }

    @Test
    void acquiringAfterAReleaseTakesTheNextIncarnation() {
      store().acquireLease(s1, now());
      store().releaseLease(s1, 1);

      Lease next = store().acquireLease(s1, now());

      assertEquals(2, next.incarnation());
      assertFalse(next.released());
    }

    @Test
    void unknownSessionsHaveNoLeaseAndLeasesAreOrderedBySession() {
      assertEquals(Optional.empty(), store().lease(s1));
      LeaseLostException e =
          assertThrows(LeaseLostException.class, () -> store().renewLease(s1, 1, now()));
      assertNull(e.current());

      Lease b = store().acquireLease(SessionId.of("b"), now());
      Lease a = store().acquireLease(SessionId.of("a"), now());
      Lease c = store().acquireLease(SessionId.of("c"), now());

      assertEquals(List.of(a, b, c), store().leases());
    }
  }

  // =============================================================================================

  /** Persisted pending deliveries and the delivered record. */
  @Nested
  public class Deliveries {

    @Test
    void pendingDeliveriesKeepTheirFirstEnqueueOrderWhenReplaced() {
      Delivery a = delivery("a");
      Delivery b = delivery("b");
      Delivery c = delivery("c");
      assertTrue(store().enqueueDelivery(a));
      assertTrue(store().enqueueDelivery(b));
      assertTrue(store().enqueueDelivery(c));
      Delivery aFailed = a.withFailure().withOwner(SessionId.of("s2"));

      assertFalse(store().enqueueDelivery(aFailed));

      assertEquals(List.of(aFailed, b, c), store().pendingDeliveries());
    }

    @Test
    void markDeliveredRemovesItAndRecordsTheInstantInclusively() {
      store().enqueueDelivery(delivery("a"));
      store().enqueueDelivery(delivery("b"));
      Instant at = now().plusSeconds(7);

      store().markDelivered(did("a"), at);

      assertEquals(List.of(delivery("b")), store().pendingDeliveries());
      assertTrue(store().deliveredSince(did("a"), at));
      assertTrue(store().deliveredSince(did("a"), at.minusSeconds(60)));
      assertFalse(store().deliveredSince(did("a"), at.plusNanos(1)));
      assertFalse(store().deliveredSince(did("b"), Instant.EPOCH));
    }

    @Test
    void removeDeliveryDoesNotRecordItAsDelivered() {
      store().enqueueDelivery(delivery("a"));

      assertTrue(store().removeDelivery(did("a")));
      assertFalse(store().removeDelivery(did("a")));

      assertEquals(List.of(), store().pendingDeliveries());
      assertFalse(store().deliveredSince(did("a"), Instant.EPOCH));
    }

    @Test
    void aDeliveryRoundTripsEveryField() {
      Delivery rich =
          new Delivery(
              DeliveryId.forResult(Snapshots.attempt("r1", "t1", 3)),
              DeliveryKind.RESULT,
              rid("r1"),
              SessionId.of("owner-1"),
              "payload with \"quotes\" and\nnewline",
              now().plusNanos(987_654_321),
              7,
              4);

      store().enqueueDelivery(rich);

      assertEquals(List.of(rich), store().pendingDeliveries());
    }
  }

  // =============================================================================================

  /** The optional change feed. Skipped for stores without one. */
  @Nested
  public class Changes {

    private ChangeFeed feed() {
      Optional<ChangeFeed> feed = store().changes();
      assumeTrue(feed.isPresent(), "the store has no change feed");
      return feed.orElseThrow();
    }

    @Test
    void eachCommitIsPublishedWithItsVersionAndStatus() throws Exception {
      store().create(Snapshots.run("r1").tasks("t1").build(), List.of());
      BlockingQueue<RunChange> changes = new LinkedBlockingQueue<>();
      try (AutoCloseable sub = feed().subscribe(changes::add)) {
        store().update(rid("r1"), (s, hb) -> Update.unchanged());
        assertThrows(
            TaskListChangedException.class,
            () ->
                store()
                    .update(
                        rid("r1"), (s, hb) -> Update.commit(s.withTasks(List.of()), List.of())));
        commit("r1", s -> Snapshots.withRunStatus(s, RunStatus.RUNNING));
        commit("r1", s -> Snapshots.withRunStatus(s, RunStatus.COMPLETED));

        assertEquals(new RunChange(rid("r1"), 2, RunStatus.RUNNING), poll(changes));
        assertEquals(new RunChange(rid("r1"), 3, RunStatus.COMPLETED), poll(changes));
      }
    }

    @Test
    void aPublishedChangeIsAlreadyVisibleToLoad() throws Exception {
      store().create(Snapshots.run("r1").tasks("t1").build(), List.of());
      BlockingQueue<Long> seen = new LinkedBlockingQueue<>();
      try (AutoCloseable sub =
          feed().subscribe(c -> seen.add(store().load(c.runId()).orElseThrow().version()))) {
        commit("r1", s -> withAttribute(s, "k", "v"));

        assertEquals(2L, poll(seen));
      }
    }

    @Test
    void listenersAreCalledOutsideTheExclusion() throws Exception {
      store().create(Snapshots.run("r1").tasks("t1").build(), List.of());
      BlockingQueue<Object> outcomes = new LinkedBlockingQueue<>();
      try (AutoCloseable sub =
          feed()
              .subscribe(
                  c -> {
                    if (c.version() != 2) {
                      return;
                    }
                    // Another thread's update would time out if this ran under the exclusion.
                    Future<UpdateResult> other =
                        async(() -> store().update(rid("r1"), (s, hb) -> Update.unchanged()));
                    try {
                      outcomes.add(other.get(AWAIT.toMillis(), TimeUnit.MILLISECONDS));
                    } catch (ExecutionException e) {
                      outcomes.add(e.getCause());
                    } catch (InterruptedException | TimeoutException e) {
                      outcomes.add(e);
                    }
                  })) {
        clock().autoAdvanceMonotonic(LOCK_WAIT_STEP);

        commit("r1", s -> withAttribute(s, "k", "v"));

        assertInstanceOf(UpdateResult.class, poll(outcomes));
      }
    }

    @Test
    void closingASubscriptionStopsItAndIsIdempotent() throws Exception {
      store().create(Snapshots.run("r1").tasks("t1").build(), List.of());
      BlockingQueue<RunChange> gone = new LinkedBlockingQueue<>();
      BlockingQueue<RunChange> stays = new LinkedBlockingQueue<>();
      AutoCloseable first = feed().subscribe(gone::add);
      try (AutoCloseable second = feed().subscribe(stays::add)) {
        commit("r1", s -> withAttribute(s, "a", "1"));
        assertEquals(2, poll(gone).version());
        assertEquals(2, poll(stays).version());

        first.close();
        first.close();
        commit("r1", s -> withAttribute(s, "b", "2"));

        assertEquals(3, poll(stays).version());
        // The feed delivers in commit order, so the second subscriber has seen version 3 after
        // the first would have; a removed listener got nothing.
        commit("r1", s -> withAttribute(s, "c", "3"));
        assertEquals(4, poll(stays).version());
        assertTrue(gone.isEmpty(), "a closed subscription still received " + gone);
      }
    }
  }

  // =============================================================================================

  /** Corrupt and newer-schema state (stores that persist; needs the corruption hooks). */
  @Nested
  public class CorruptionReporting {

    @Test
    void aNewerSchemaIsReportedAndLeftInPlace() {
      store().create(Snapshots.run("r1").status(RunStatus.RUNNING).tasks("t1").build(), List.of());
      long quarantinedBefore = store().stats().quarantinedFiles();

      writeSnapshotWithSchemaVersion(rid("r1"), NEWER_SCHEMA_VERSION);

      UnsupportedSchemaException first =
          assertThrows(UnsupportedSchemaException.class, () -> store().load(rid("r1")));
      assertEquals(NEWER_SCHEMA_VERSION, first.found());
      assertTrue(first.supported() < NEWER_SCHEMA_VERSION);
      assertNull(first.quarantinedTo(), "a newer schema is never quarantined");
      assertThrows(
          UnsupportedSchemaException.class,
          () -> store().load(rid("r1")),
          "the file must still be in place");
      assertEquals(quarantinedBefore, store().stats().quarantinedFiles());
    }

    @Test
    void aNewerSchemaIsNeverOverwritten() {
      store().create(Snapshots.run("r1").status(RunStatus.RUNNING).tasks("t1").build(), List.of());
      writeSnapshotWithSchemaVersion(rid("r1"), NEWER_SCHEMA_VERSION);
      AtomicBoolean called = new AtomicBoolean();

      assertThrows(
          UnsupportedSchemaException.class,
          () ->
              store()
                  .update(
                      rid("r1"),
                      (s, hb) -> {
                        called.set(true);
                        return Update.commit(s, List.of());
                      }));
      assertThrows(
          RunExistsException.class, () -> store().create(Snapshots.run("r1").build(), List.of()));

      assertFalse(called.get());
      assertThrows(UnsupportedSchemaException.class, () -> store().load(rid("r1")));
    }

    @Test
    void aNewerSchemaIsStillReportedAfterReopening() {
      store().create(Snapshots.run("r1").status(RunStatus.RUNNING).tasks("t1").build(), List.of());
      writeSnapshotWithSchemaVersion(rid("r1"), NEWER_SCHEMA_VERSION);

      reopenStore();

      UnsupportedSchemaException e =
          assertThrows(UnsupportedSchemaException.class, () -> store().load(rid("r1")));
      assertEquals(NEWER_SCHEMA_VERSION, e.found());
    }

    @Test
    void aCorruptSnapshotIsQuarantinedAndReported() {
      store().create(Snapshots.run("r1").status(RunStatus.RUNNING).tasks("t1").build(), List.of());
      long quarantinedBefore = store().stats().quarantinedFiles();

      corruptSnapshot(rid("r1"));

      CorruptStateException e =
          assertThrows(CorruptStateException.class, () -> store().load(rid("r1")));
      assertFalse(e instanceof UnsupportedSchemaException, "corruption is not a newer schema");
      assertNotNull(e.quarantinedTo(), "a corrupt snapshot is moved aside");
      assertTrue(store().stats().quarantinedFiles() > quarantinedBefore);
      assertNeverHalfParsed("r1");
    }

    @Test
    void aQuarantinedActiveRunIsListedAsAnOrphanedMarkerAndItsIdStaysTaken() {
      store().create(Snapshots.run("r1").status(RunStatus.RUNNING).tasks("t1").build(), List.of());
      store().create(Snapshots.run("r2").status(RunStatus.RUNNING).tasks("t1").build(), List.of());
      corruptSnapshot(rid("r1"));
      assertThrows(CorruptStateException.class, () -> store().load(rid("r1")));

      assertEquals(
          List.of(new ActiveRun(rid("r1"), ActiveRun.State.ORPHANED_MARKER), active("r2")),
          store().activeRuns());
      assertThrows(
          RunExistsException.class, () -> store().create(Snapshots.run("r1").build(), List.of()));
    }

    private void assertNeverHalfParsed(String runId) {
      try {
        assertEquals(Optional.empty(), store().load(rid(runId)));
      } catch (CorruptStateException expected) {
        // Reporting it again is as good as reporting it missing; returning a snapshot is not.
      }
    }
  }

  // =============================================================================================

  /** What a store keeps across a restart (stores that persist; needs the reopen hook). */
  @Nested
  public class Persistence {

    @Test
    void committedStateSurvivesReopening() {
      RunSnapshot rich = richSnapshot("r1");
      store().create(rich, List.of(event("run.created", now())));
      RunSnapshot committed = commit("r1", s -> withAttribute(s, "after", "commit"));
      store().create(Snapshots.run("r2").status(RunStatus.COMPLETED).build(), List.of());
      List<RunEvent> events = store().events(rid("r1"), 0, 100);
      List<ActiveRun> active = store().activeRuns();

      reopenStore();

      assertEquals(Optional.of(committed), store().load(rid("r1")));
      assertEquals(events, store().events(rid("r1"), 0, 100));
      assertEquals(active, store().activeRuns());
      assertEquals(List.of(rid("r1"), rid("r2")), store().allRuns());
    }

    @Test
    void sequenceNumbersContinueAfterReopening() {
      store().create(Snapshots.run("r1").tasks("t1").build(), List.of(event("run.created", now())));
      store().appendEvents(rid("r1"), List.of(event("a.one", now())));

      reopenStore();
      store().appendEvents(rid("r1"), List.of(event("a.two", now())));
      store().update(rid("r1"), (s, hb) -> Update.commit(s, List.of(event("u.one", now()))));

      List<RunEvent> events = store().events(rid("r1"), 0, 100);
      assertEquals(List.of("run.created", "a.one", "a.two", "u.one"), types(events));
      assertStrictlyIncreasing(events);
      assertEquals(2, loaded("r1").version());
    }

    @Test
    void leasesDeadlettersAndDeliveriesSurviveReopening() {
      store().acquireLease(SessionId.of("s1"), now());
      Lease lease = store().renewLease(SessionId.of("s1"), 1, now().plusSeconds(10));
      DeadletterEntry entry = runEntry("r1", 1, now());
      store().appendDeadletter(entry);
      DeadletterMark mark = new DeadletterMark(entry.id(), DeadletterMark.Kind.DISCARD, now(), "x");
      store().markDeadletter(mark);
      store().enqueueDelivery(delivery("a"));
      store().enqueueDelivery(delivery("b"));
      store().markDelivered(did("c"), now());

      reopenStore();

      assertEquals(List.of(lease), store().leases());
      assertEquals(2, store().acquireLease(SessionId.of("s1"), now()).incarnation());
      assertEquals(
          List.of(new StoredDeadletter(entry, List.of(mark))),
          store().deadletters(DeadletterFilter.all()));
      assertFalse(store().appendDeadletter(entry));
      assertEquals(List.of(delivery("a"), delivery("b")), store().pendingDeliveries());
      assertTrue(store().deliveredSince(did("c"), now()));
    }

    @Test
    void heartbeatSlotsSurviveAClosedStore() {
      store().create(runningRun("r1"), List.of());
      store().recordHeartbeat(Snapshots.attempt("r1", "t1", 1), now());
      store().recordActivity(Snapshots.attempt("r1", "t1", 1), now());
      Map<TaskId, HeartbeatReading> before = store().heartbeats(rid("r1"));

      reopenStore();

      assertEquals(before, store().heartbeats(rid("r1")));
    }
  }

  // =============================================================================================

  /** Bounded concurrency: many threads, one run. */
  @Nested
  public class Concurrency {

    private static final int THREADS = 8;
    private static final int UPDATES_PER_THREAD = 200;

    @Test
    void concurrentUpdatesLoseNothing() throws Exception {
      store().create(Snapshots.run("r1").tasks("t1").attribute("counter", "0").build(), List.of());
      CountDownLatch start = new CountDownLatch(1);
      AtomicInteger inconsistent = new AtomicInteger();
      List<Future<List<Long>>> workers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        workers.add(
            async(
                () -> {
                  start.await();
                  List<Long> versions = new ArrayList<>();
                  for (int i = 0; i < UPDATES_PER_THREAD; i++) {
                    UpdateResult r =
                        store()
                            .update(
                                rid("r1"),
                                (s, hb) -> {
                                  long counter =
                                      Long.parseLong(s.manifest().attributes().get("counter"));
                                  if (counter != s.version() - 1) {
                                    inconsistent.incrementAndGet();
                                  }
                                  return Update.commit(
                                      withAttribute(s, "counter", Long.toString(counter + 1)),
                                      List.of());
                                });
                    versions.add(r.snapshot().version());
                  }
                  return versions;
                }));
      }

      start.countDown();

      Set<Long> allVersions = new HashSet<>();
      for (Future<List<Long>> w : workers) {
        List<Long> versions = get(w);
        assertEquals(UPDATES_PER_THREAD, versions.size());
        for (int i = 1; i < versions.size(); i++) {
          assertTrue(
              versions.get(i) > versions.get(i - 1),
              "versions seen by one thread must increase strictly: " + versions);
        }
        allVersions.addAll(versions);
      }
      int total = THREADS * UPDATES_PER_THREAD;
      RunSnapshot last = loaded("r1");
      assertEquals(Integer.toString(total), last.manifest().attributes().get("counter"));
      assertEquals(total + 1L, last.version());
      assertEquals(total, allVersions.size(), "every commit has a version of its own");
      assertEquals(2L, Collections.min(allVersions));
      assertEquals(total + 1L, Collections.max(allVersions));
      assertEquals(0, inconsistent.get(), "an update function saw a counter out of step");
    }

    @Test
    void concurrentCreatesOfOneIdLetExactlyOneWin() throws Exception {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> creators = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        String which = Integer.toString(t);
        creators.add(
            async(
                () -> {
                  start.await();
                  try {
                    store()
                        .create(
                            Snapshots.run("r1").tasks("t1").attribute("which", which).build(),
                            List.of(event("run.created", now())));
                    return true;
                  } catch (RunExistsException e) {
                    return false;
                  }
                }));
      }

      start.countDown();

      int wins = 0;
      for (Future<Boolean> c : creators) {
        wins += get(c) ? 1 : 0;
      }
      assertEquals(1, wins);
      assertEquals(1, store().events(rid("r1"), 0, 100).size());
      assertEquals(1, loaded("r1").version());
    }
  }

  // =============================================================================================
  // Helpers

  /** Holds a run's exclusion on another thread, inside {@code update}, until released. */
  private final class Holder implements AutoCloseable {
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final Future<UpdateResult> result;

    Holder(RunId runId, Function<RunSnapshot, Update> then) {
      result =
          async(
              () ->
                  store()
                      .update(
                          runId,
                          (s, hb) -> {
                            entered.countDown();
                            awaitRelease();
                            return then.apply(s);
                          }));
    }

    private void awaitRelease() {
      try {
        if (!release.await(AWAIT.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException("the holder was never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("the holder was interrupted", e);
      }
    }

    void awaitEntered() throws Exception {
      if (!entered.await(AWAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        fail("the holding update never entered its function: " + describe(result));
      }
    }

    UpdateResult release() throws Exception {
      release.countDown();
      return get(result);
    }

    @Override
    public void close() {
      release.countDown();
    }
  }

  /**
   * Starts an update of the run on another thread and returns once its function runs, that is while
   * it holds the run's exclusion; {@link Holder#release()} lets it return {@code then}'s decision.
   */
  private Holder hold(String runId, Function<RunSnapshot, Update> then) throws Exception {
    Holder h = new Holder(rid(runId), then);
    h.awaitEntered();
    return h;
  }

  /** Waits until the store has read the monotonic clock after {@code readsBefore} reads. */
  private void awaitLockWait(long readsBefore) throws InterruptedException {
    assertTrue(
        clock().awaitMonotonicReads(readsBefore + 1, AWAIT),
        "a waiting update must bound its wait with clock.monotonicNanos(); it never read it");
  }

  private <T> Future<T> async(Callable<T> task) {
    ExecutorService e = executor;
    if (e == null) {
      throw new IllegalStateException("no test is running");
    }
    return e.submit(task);
  }

  private static <T> T get(Future<T> future) throws Exception {
    try {
      return future.get(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }

  private static String describe(Future<?> f) {
    if (!f.isDone()) {
      return "still running";
    }
    try {
      return "returned " + f.get();
    } catch (ExecutionException e) {
      return "threw " + e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static <T> T poll(BlockingQueue<T> queue) throws InterruptedException {
    T item = queue.poll(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (item == null) {
      fail("nothing arrived within " + AWAIT);
    }
    return item;
  }

  /** Commits {@code change} of the received snapshot and returns the committed snapshot. */
  protected final RunSnapshot commit(String runId, UnaryOperator<RunSnapshot> change) {
    UpdateResult r =
        store().update(rid(runId), (s, hb) -> Update.commit(change.apply(s), List.of()));
    assertTrue(r.committed());
    return r.snapshot();
  }

  private RunSnapshot loaded(String runId) {
    return store()
        .load(rid(runId))
        .orElseThrow(() -> new AssertionError("run " + runId + " is not in the store"));
  }

  /** Asserts that the run still has exactly its snapshot and no events. */
  private void assertUntouched(String runId, RunSnapshot expected) {
    assertEquals(expected, loaded(runId));
    assertEquals(List.of(), store().events(rid(runId), 0, 100));
  }

  private Instant now() {
    return clock().now();
  }

  /** A RUNNING run with t1 RUNNING (attempt 1 current) and t2 QUEUED. */
  private RunSnapshot runningRun(String runId) {
    return Snapshots.run(runId).status(RunStatus.RUNNING).runningTask("t1").tasks("t2").build();
  }

  /** A snapshot with every optional field of every record set. */
  private RunSnapshot richSnapshot(String runId) {
    Instant t = now().plusNanos(123_456_789);
    RunId id = rid(runId);
    ProcessRef linux = ProcessRef.linux(4242, "host-a", "boot-1", 987_654_321L);
    ProcessRef portable = ProcessRef.portable(77, "host-b", t.minusSeconds(3));
    Manifest manifest =
        Manifest.created(id, new Owner(SessionId.of("s1"), 3), t.minusSeconds(60)).toBuilder()
            .status(RunStatus.BLOCKED)
            .epoch(4)
            .updatedAt(t)
            .runner(linux, SessionId.of("runner-session"), "/var/log/runner.log")
            .approval(new ApprovalMarker(t.minusSeconds(5), ApprovalState.PENDING))
            .resumeHistory(
                List.of(
                    new ResumeRecord(t.minusSeconds(50), SessionId.of("s0"), 1, 2),
                    new ResumeRecord(t.minusSeconds(40), SessionId.of("s1"), 3, 4)))
            .summary("summary with \"quotes\" and\na newline")
            .attributes(Map.of("b", "2", "a", "1", "unicode", "ünï"))
            .build();
    TaskId running = tid("running");
    TaskId completed = tid("completed");
    TaskId failed = tid("failed");
    TaskId waiting = tid("waiting");
    TaskId queued = tid("queued");
    Attempt runningAttempt =
        Attempt.started(AttemptId.of(id, running, 1), t.minusSeconds(30), linux)
            .withWorker(linux, SessionId.of("s1"), "/var/log/worker.log")
            .withForced(true);
    Attempt completedAttempt =
        Attempt.started(AttemptId.of(id, completed, 1), t.minusSeconds(20), portable)
            .withResult(new TaskResult("result-ref", t.minusSeconds(2)))
            .withEndedAt(t.minusSeconds(2));
    Attempt failedFirst =
        Attempt.started(AttemptId.of(id, failed, 1), t.minusSeconds(25), null)
            .withFailure(
                new Failure(
                    Failure.WORKER_LOST,
                    "worker lost",
                    ExitClass.SIGNAL_EXIT,
                    VerdictKind.PROCESS_DEAD,
                    Duration.ofSeconds(301),
                    "last\nlines",
                    t.minusSeconds(15)))
            .withEndedAt(t.minusSeconds(15));
    Attempt failedSecond =
        Attempt.started(AttemptId.of(id, failed, 2), t.minusSeconds(10), null)
            .withFailure(Failure.of("EXIT_1", "exit 1", t.minusSeconds(1)));
    Attempt waitingAttempt = Attempt.started(AttemptId.of(id, waiting, 1), t, null);
    List<TaskState> tasks =
        List.of(
            new TaskState(
                running,
                TaskStatus.RUNNING,
                List.of(runningAttempt),
                true,
                null,
                null,
                t.minusSeconds(1),
                t.minusSeconds(4)),
            new TaskState(
                completed,
                TaskStatus.COMPLETED,
                List.of(completedAttempt),
                true,
                null,
                null,
                t.minusSeconds(2),
                null),
            new TaskState(
                failed,
                TaskStatus.FAILED,
                List.of(failedFirst, failedSecond),
                false,
                null,
                t.plusSeconds(30),
                null,
                null),
            new TaskState(
                waiting,
                TaskStatus.WAITING,
                List.of(waitingAttempt),
                true,
                new WaitMarker(t, t.plusSeconds(3600), "approve?"),
                null,
                t,
                t),
            TaskState.queued(queued));
    return RunSnapshot.initial(manifest, tasks);
  }

  private static List<String> types(List<RunEvent> events) {
    return events.stream().map(RunEvent::type).toList();
  }

  private static List<TaskId> taskIds(RunSnapshot s) {
    return s.tasks().stream().map(TaskState::id).toList();
  }

  private static void assertStrictlyIncreasing(List<RunEvent> events) {
    for (int i = 1; i < events.size(); i++) {
      assertTrue(
          events.get(i).seq() > events.get(i - 1).seq(),
          "seq must increase strictly: "
              + events.get(i - 1).seq()
              + " then "
              + events.get(i).seq());
    }
  }

  private static HeartbeatReading reading(Map<TaskId, HeartbeatReading> hb, String taskId) {
    HeartbeatReading reading = hb.get(TaskId.of(taskId));
    if (reading == null) {
      return fail("no reading for task " + taskId + " in " + hb);
    }
    return reading;
  }

  private static HeartbeatSlot okSlot(Map<TaskId, HeartbeatReading> hb, String taskId) {
    HeartbeatReading reading = reading(hb, taskId);
    assertEquals(HeartbeatReading.State.OK, reading.state(), "reading of task " + taskId);
    HeartbeatSlot slot = reading.slot();
    assertNotNull(slot);
    return slot;
  }

  private List<DeadletterEntry> entries(DeadletterFilter filter) {
    return store().deadletters(filter).stream().map(StoredDeadletter::entry).toList();
  }

  private static DeadletterEntry runEntry(String runId, long epoch, Instant at) {
    return DeadletterEntry.forRun(rid(runId), epoch, DeadletterReason.CRASH_LOOP, "crash", at);
  }

  private static Delivery delivery(String id) {
    return new Delivery(
        did(id),
        DeliveryKind.STEER,
        rid("r1"),
        null,
        "payload-" + id,
        FakeClock.DEFAULT_START,
        0,
        0);
  }

  private static ActiveRun active(String runId) {
    return new ActiveRun(rid(runId), ActiveRun.State.ACTIVE);
  }

  private static RunId rid(String id) {
    return RunId.of(id);
  }

  private static TaskId tid(String id) {
    return TaskId.of(id);
  }

  private static SessionId sid(String id) {
    return SessionId.of(id);
  }

  private static DeliveryId did(String id) {
    return DeliveryId.of(id);
  }
}
