package dev.crewrecovery.testkit.properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.CrewRecoveryException;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.core.ReconcileReport;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.FakeProcessProbe;
import dev.crewrecovery.testkit.InMemoryRunStore;
import dev.crewrecovery.testkit.ManualDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Property 6 of issue 4, with real threads on the in-memory store: two sessions' recovery passes
 * racing on the same runs apply at most one repair per run, and a live owner paused past its lease
 * is fenced, never merged with. Threads start together behind a latch; nothing sleeps.
 */
class RacingSessionsPropertyTest {
  static {
    Quiet.engineLogs();
  }

  private static final ExecutorService THREADS = Executors.newFixedThreadPool(2);

  @AfterAll
  static void stopThreads() {
    THREADS.shutdownNow();
  }

  @AfterAll
  static void bothOutcomesOfTheRaceWereSeen() {
    if (PAUSED_OWNER_EXAMPLES.get() == 1_000) {
      // a third of the examples repair strictly first, so fencing is always exercised
      assertThat(FENCED.get()).isGreaterThan(200);
    }
  }

  /** Runs both calls at once (released by one latch) and returns what each returned or threw. */
  private static List<Object> race(Callable<?> first, Callable<?> second) {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Object>> futures = new ArrayList<>();
    for (Callable<?> c : List.of(first, second)) {
      futures.add(
          THREADS.submit(
              () -> {
                if (!go.await(30, TimeUnit.SECONDS)) {
                  throw new AssertionError("the start latch was never released");
                }
                try {
                  return (Object) c.call();
                } catch (CrewRecoveryException e) {
                  return e;
                }
              }));
    }
    go.countDown();
    List<Object> out = new ArrayList<>();
    for (Future<Object> f : futures) {
      try {
        out.add(f.get(30, TimeUnit.SECONDS));
      } catch (ExecutionException e) {
        throw new AssertionError("a racing call threw", e.getCause());
      } catch (InterruptedException | TimeoutException e) {
        throw new AssertionError("a racing call did not finish", e);
      }
    }
    return out;
  }

  private static Object call(Callable<Object> c) {
    try {
      return c.call();
    } catch (CrewRecoveryException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static final AtomicInteger FENCED = new AtomicInteger();
  private static final AtomicInteger PAUSED_OWNER_EXAMPLES = new AtomicInteger();

  private static ManualDriver driver(World w, String session) {
    return ManualDriver.builder()
        .clock(w.clock)
        .store(w.store)
        .probe(w.probe)
        .sessionId(SessionId.of(session))
        .build();
  }

  private static long count(List<RunEvent> events, String type) {
    return events.stream().filter(e -> e.type().equals(type)).count();
  }

  @Test
  void property6_twoRecoveryPassesRacingOnTheSameRunsApplyAtMostOneRepairEach() {
    qt().withExamples(1_000)
        .withShrinkCycles(0)
        .forAll(longs().all())
        .checkAssert(
            seed -> {
              // What one session alone makes of the world...
              World alone = new World(seed);
              try (ManualDriver b = driver(alone, "b")) {
                b.crew().recovery().reconcileNow();
              }
              // ...and what two sessions racing make of the same world.
              World w = new World(seed);
              Map<RunId, RunSnapshot> before = w.snapshots();
              try (ManualDriver b = driver(w, "b");
                  ManualDriver c = driver(w, "c")) {
                List<Object> reports =
                    race(
                        () -> b.crew().recovery().reconcileNow(),
                        () -> c.crew().recovery().reconcileNow());
                assertThat(reports).allMatch(r -> r instanceof ReconcileReport);
                for (RunId id : before.keySet()) {
                  List<RunEvent> events = w.store.events(id, 0, 100_000);
                  assertThat(count(events, "run.reconciled"))
                      .as("repairs of %s in %s", id, w)
                      .isLessThanOrEqualTo(1);
                  long epochs =
                      w.store.load(id).orElseThrow().manifest().epoch()
                          - before.get(id).manifest().epoch();
                  assertThat(epochs).as("epoch increments of %s in %s", id, w).isBetween(0L, 1L);
                  // The race ends where one session alone ends: no repair was applied twice,
                  // merged, or lost.
                  assertThat(tasksAndStatus(w.store.load(id).orElseThrow()))
                      .as("%s after the race in %s", id, w)
                      .isEqualTo(tasksAndStatus(alone.store.load(id).orElseThrow()));
                }
              }
            });
  }

  /** The parts of a snapshot a repair writes, without who wrote them. */
  private static List<Object> tasksAndStatus(RunSnapshot s) {
    List<Object> out = new ArrayList<>();
    out.add(s.manifest().status());
    out.add(s.manifest().epoch());
    out.add(s.manifest().owner());
    s.tasks().forEach(t -> out.add(t.id() + "=" + t.status() + " " + t.attempts()));
    return out;
  }

  @Test
  void property6_aLiveOwnerPausedPastItsLeaseIsFencedNeverMergedWith() {
    qt().withExamples(1_000)
        .withShrinkCycles(0)
        .forAll(longs().all())
        .checkAssert(
            seed -> {
              PAUSED_OWNER_EXAMPLES.incrementAndGet();
              SplittableRandom r = new SplittableRandom(seed);
              FakeClock clock = new FakeClock(World.T0);
              InMemoryRunStore store = InMemoryRunStore.open(clock);
              FakeProcessProbe probe = new FakeProcessProbe();
              RunId run = RunId.of("r");
              int tasks = 1 + r.nextInt(3);
              try (ManualDriver a =
                      ManualDriver.builder()
                          .clock(clock)
                          .store(store)
                          .probe(probe)
                          .sessionId(SessionId.of("a"))
                          .build();
                  ManualDriver b =
                      ManualDriver.builder()
                          .clock(clock)
                          .store(store)
                          .probe(probe)
                          .sessionId(SessionId.of("b"))
                          .build()) {
                List<TaskId> ids = new ArrayList<>();
                for (int i = 0; i < tasks; i++) {
                  ids.add(TaskId.of("t" + i));
                }
                a.runs().create(run, ids);
                a.runs().start(run);
                // Workers without a process the probe can see: only their age speaks of them.
                List<AttemptId> attempts = new ArrayList<>();
                for (TaskId t : ids) {
                  attempts.add(a.runs().startAttempt(run, t));
                }
                long epoch = store.load(run).orElseThrow().manifest().epoch();
                // A freezes (its driver is not stepped) for longer than its lease and than the
                // activity window: its tasks look stale to B, its lease expired.
                clock.advance(Duration.ofMinutes(5).plusSeconds(1 + r.nextInt(600)));
                AttemptId late = attempts.get(r.nextInt(attempts.size()));
                boolean writeResult = r.nextBoolean();
                // A wakes and writes while B's pass repairs: at once on two threads, or one
                // strictly before the other, so that both orders are always exercised.
                Callable<Object> aWrites =
                    () ->
                        writeResult
                            ? a.runs().complete(late, "late result")
                            : a.runs()
                                .fail(
                                    late,
                                    dev.crewrecovery.api.Failure.of("LATE", "late", clock.now()));
                Callable<Object> bRepairs = () -> b.crew().recovery().reconcileNow();
                int order = r.nextInt(3);
                Object aOutcome;
                if (order == 0) {
                  aOutcome = race(aWrites, bRepairs).get(0);
                } else if (order == 1) {
                  aOutcome = call(aWrites);
                  call(bRepairs);
                } else {
                  call(bRepairs);
                  aOutcome = call(aWrites);
                }
                RunSnapshot end = store.load(run).orElseThrow();
                List<RunEvent> events = store.events(run, 0, 100_000);
                String where =
                    "seed " + seed + ", order " + order + ", A " + aOutcome + ", end " + end;
                long repairs = count(events, "run.reconciled");
                assertThat(repairs).as(where).isLessThanOrEqualTo(1);
                TaskState lateTask = end.task(late.taskId()).orElseThrow();
                if (aOutcome instanceof CrewRecoveryException) {
                  // Fenced: B's repair stands alone, and nothing of A's write is in it.
                  FENCED.incrementAndGet();
                  assertThat(repairs).as(where).isEqualTo(1);
                  assertThat(end.manifest().epoch()).as(where).isEqualTo(epoch + 1);
                  assertThat(end.manifest().owner()).as(where).isNull();
                  assertThat(end.manifest().status()).as(where).isEqualTo(RunStatus.FAILED);
                  assertThat(lateTask.status()).as(where).isEqualTo(TaskStatus.FAILED);
                  assertThat(lateTask.currentAttempt().orElseThrow().result()).as(where).isNull();
                  assertThat(lateTask.currentAttempt().orElseThrow().failure().code())
                      .as(where)
                      .isNotEqualTo("LATE");
                  // A's loops, once it runs again, write nothing to the fenced run.
                  long version = end.version();
                  a.tick();
                  assertThat(store.load(run).orElseThrow().version()).as(where).isEqualTo(version);
                  assertThat(store.events(run, 0, 100_000)).as(where).hasSize(events.size());
                } else {
                  // A woke first: its lease still named it, so it renewed and wrote. Its write is
                  // there; B then either left the live owner alone or repaired the fresh run.
                  assertThat(lateTask.status())
                      .as(where)
                      .isIn(
                          writeResult
                              ? List.of(TaskStatus.COMPLETED)
                              : List.of(TaskStatus.QUEUED, TaskStatus.CANCELLED));
                  if (repairs == 0) {
                    assertThat(end.manifest().epoch()).as(where).isEqualTo(epoch);
                    assertThat(end.manifest().owner())
                        .as(where)
                        .isEqualTo(a.crew().owner().orElseThrow());
                  } else {
                    assertThat(end.manifest().epoch()).as(where).isEqualTo(epoch + 1);
                  }
                }
              }
            });
  }
}
