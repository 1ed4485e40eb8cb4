package dev.crewrecovery.testkit.deadletter;

import static dev.crewrecovery.testkit.deadletter.Runs.RUN;
import static dev.crewrecovery.testkit.deadletter.Runs.T0;
import static dev.crewrecovery.testkit.deadletter.Runs.TASK;
import static dev.crewrecovery.testkit.deadletter.Runs.attempt;
import static dev.crewrecovery.testkit.deadletter.Runs.run;
import static dev.crewrecovery.testkit.deadletter.Runs.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterId;
import dev.crewrecovery.api.DeadletterMark;
import dev.crewrecovery.api.DeadletterNotFoundException;
import dev.crewrecovery.api.DeadletterNotOpenException;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunNotFoundException;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.TaskStatus;
import dev.crewrecovery.api.spi.PruneResult;
import dev.crewrecovery.core.DeadletterConfig;
import dev.crewrecovery.core.DeadletterListener;
import dev.crewrecovery.core.DeadletterQuery;
import dev.crewrecovery.core.DeadletterState;
import dev.crewrecovery.core.DeadletterView;
import dev.crewrecovery.core.Deadletters;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.InMemoryRunStore;
import dev.crewrecovery.testkit.delivery.ForwardingStore;
import dev.crewrecovery.testkit.delivery.RecordingLogger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** DESIGN section 10: listing with computed states, discard, manual entries, pruning. */
class DeadlettersTest {

  private static final RunId OTHER = RunId.of("run-2");
  private static final Duration DAY = Duration.ofDays(1);

  private final ForwardingStore store =
      new ForwardingStore(InMemoryRunStore.open(new FakeClock(T0)));
  private final RecordingLogger logger = new RecordingLogger();
  private final List<String> heard = new ArrayList<>();
  private final DeadletterListener listener =
      new DeadletterListener() {
        @Override
        public void appended(DeadletterEntry entry) {
          heard.add("appended " + entry.id());
        }

        @Override
        public void discarded(DeadletterView view) {
          heard.add("discarded " + view.id());
        }

        @Override
        public void overCapacity(PruneResult result) {
          heard.add("overCapacity " + result.remaining());
        }
      };

  private Deadletters deadletters(DeadletterConfig config) {
    return Deadletters.create(store, config, listener, logger);
  }

  private Deadletters deadletters() {
    return deadletters(DeadletterConfig.defaults());
  }

  /** RUN has task-1 FAILED at attempt 2 (current); OTHER is COMPLETED at attempt 1. */
  DeadlettersTest() {
    store.put(run(RunStatus.FAILED, 1, task(TaskStatus.FAILED, 2, true)));
    store.put(
        new RunSnapshot(
            1,
            dev.crewrecovery.api.Manifest.created(OTHER, null, T0).toBuilder()
                .status(RunStatus.COMPLETED)
                .build(),
            List.of(
                new TaskState(
                    TASK,
                    TaskStatus.COMPLETED,
                    List.of(
                        dev.crewrecovery.api.Attempt.started(
                            dev.crewrecovery.api.AttemptId.of(OTHER, TASK, 1), T0, null)),
                    true,
                    null,
                    null,
                    null,
                    null))));
  }

  private final DeadletterEntry open =
      DeadletterEntry.forAttempt(attempt(2), DeadletterReason.MAX_RETRIES, "boom", T0, 1);
  private final DeadletterEntry supersededByAttempt =
      DeadletterEntry.forAttempt(
          attempt(1), DeadletterReason.HEARTBEAT_DEAD, null, T0.plus(DAY), 1);
  private final DeadletterEntry otherCompleted =
      DeadletterEntry.forAttempt(
          dev.crewrecovery.api.AttemptId.of(OTHER, TASK, 1),
          DeadletterReason.NON_RETRYABLE,
          null,
          T0.plus(DAY.multipliedBy(2)),
          1);
  private final DeadletterEntry delivery =
      DeadletterEntry.forDelivery(
          OTHER, DeliveryId.of("r-x"), "refused", T0.plus(DAY.multipliedBy(3)), 1);

  private void appendAll() {
    store.appendDeadletter(open);
    store.appendDeadletter(supersededByAttempt);
    store.appendDeadletter(otherCompleted);
    store.appendDeadletter(delivery);
  }

  @Nested
  class Listing {
    @Test
    void listingComputesEachEntrysStateOldestFirst() {
      appendAll();
      assertThat(deadletters().list(DeadletterQuery.all()))
          .extracting(DeadletterView::entry, DeadletterView::state)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(open, DeadletterState.OPEN),
              org.assertj.core.groups.Tuple.tuple(supersededByAttempt, DeadletterState.SUPERSEDED),
              org.assertj.core.groups.Tuple.tuple(otherCompleted, DeadletterState.SUPERSEDED),
              org.assertj.core.groups.Tuple.tuple(delivery, DeadletterState.OPEN));
    }

    @Test
    void listingFiltersByRunTaskReasonTimeRangeAndState() {
      appendAll();
      DeadletterEntry crashLoop =
          DeadletterEntry.forRun(RUN, 1, DeadletterReason.CRASH_LOOP, null, T0.plus(DAY));
      store.appendDeadletter(crashLoop);
      Deadletters d = deadletters();

      assertThat(d.list(DeadletterQuery.all().withRun(OTHER)))
          .extracting(DeadletterView::entry)
          .containsExactly(otherCompleted, delivery);
      assertThat(d.list(DeadletterQuery.all().withRun(RUN).withTask(TASK)))
          .extracting(DeadletterView::entry)
          .containsExactly(open, supersededByAttempt);
      assertThat(d.list(DeadletterQuery.all().withReason(DeadletterReason.HEARTBEAT_DEAD)))
          .extracting(DeadletterView::entry)
          .containsExactly(supersededByAttempt);
      assertThat(
              d.list(DeadletterQuery.all().withRange(T0.plus(DAY), T0.plus(DAY.multipliedBy(2)))))
          .extracting(DeadletterView::entry)
          .contains(supersededByAttempt, otherCompleted)
          .doesNotContain(open, delivery);
      assertThat(d.list(DeadletterQuery.all().withState(DeadletterState.OPEN)))
          .extracting(DeadletterView::entry)
          .containsExactly(open, crashLoop, delivery);
      assertThat(d.list(DeadletterQuery.all().withRun(RUN).withState(DeadletterState.SUPERSEDED)))
          .extracting(DeadletterView::entry)
          .containsExactly(supersededByAttempt);
    }

    @Test
    void eachRunIsReadOncePerListing() {
      appendAll();
      int before = store.calls("load");
      deadletters().list(DeadletterQuery.all());
      assertThat(store.calls("load") - before).isEqualTo(2);
    }

    @Test
    void entriesOfARunThatCannotBeReadAreOpen() {
      appendAll();
      store.markCorrupt(OTHER);
      store.appendDeadletter(
          DeadletterEntry.forAttempt(
              dev.crewrecovery.api.AttemptId.of(RunId.of("gone"), TASK, 1),
              DeadletterReason.MAX_RETRIES,
              null,
              T0,
              1));
      assertThat(deadletters().list(DeadletterQuery.all().withState(DeadletterState.OPEN)))
          .hasSize(4);
      assertThat(logger.contains("cannot be read")).isTrue();
    }

    @Test
    void findReturnsOneEntryWithItsStateOrEmpty() {
      appendAll();
      assertThat(deadletters().find(otherCompleted.id()))
          .hasValueSatisfying(v -> assertThat(v.state()).isEqualTo(DeadletterState.SUPERSEDED));
      assertThat(deadletters().find(DeadletterId.of("nope"))).isEmpty();
    }
  }

  @Nested
  class Discard {
    @Test
    void discardingAnOpenEntryRecordsWhyAndMakesItDiscarded() {
      appendAll();
      Instant now = T0.plus(DAY.multipliedBy(5));
      DeadletterView v = deadletters().discard(open.id(), "known flaky test", now);

      assertThat(v.state()).isEqualTo(DeadletterState.DISCARDED);
      assertThat(v.marks())
          .containsExactly(
              new DeadletterMark(open.id(), DeadletterMark.Kind.DISCARD, now, "known flaky test"));
      assertThat(deadletters().find(open.id()).orElseThrow().state())
          .isEqualTo(DeadletterState.DISCARDED);
      assertThat(store.eventsOf(RUN))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.type()).isEqualTo("deadletter.discarded");
                assertThat(e.data())
                    .containsEntry("deadletter", open.id().value())
                    .containsEntry("reason", "known flaky test");
              });
      assertThat(heard).containsExactly("discarded " + open.id());
    }

    @Test
    void anUnknownIdIsRefusedClearly() {
      assertThatThrownBy(() -> deadletters().discard(DeadletterId.of("dl-missing"), "why", T0))
          .isInstanceOfSatisfying(
              DeadletterNotFoundException.class,
              e -> assertThat(e.id()).isEqualTo(DeadletterId.of("dl-missing")))
          .hasMessageContaining("dl-missing");
      assertThat(store.calls("markDeadletter")).isZero();
    }

    @Test
    void aClosedEntryIsRefusedNamingItsState() {
      appendAll();
      Deadletters d = deadletters();
      assertThatThrownBy(() -> d.discard(supersededByAttempt.id(), "why", T0))
          .isInstanceOfSatisfying(
              DeadletterNotOpenException.class, e -> assertThat(e.state()).isEqualTo("SUPERSEDED"))
          .hasMessageContaining("SUPERSEDED")
          .hasMessageContaining("only for OPEN entries");
      d.discard(open.id(), "first", T0);
      assertThatThrownBy(() -> d.discard(open.id(), "again", T0))
          .isInstanceOf(DeadletterNotOpenException.class)
          .hasMessageContaining("DISCARDED");
      store.markDeadletter(
          new DeadletterMark(delivery.id(), DeadletterMark.Kind.REDRIVE, T0, "redriven"));
      assertThatThrownBy(() -> d.discard(delivery.id(), "why", T0))
          .isInstanceOf(DeadletterNotOpenException.class)
          .hasMessageContaining("REDRIVEN");
      assertThat(store.deadletters(dev.crewrecovery.api.spi.DeadletterFilter.all()))
          .flatExtracting(dev.crewrecovery.api.StoredDeadletter::marks)
          .hasSize(2);
    }

    @Test
    void aBlankReasonIsRefused() {
      appendAll();
      assertThatThrownBy(() -> deadletters().discard(open.id(), "  ", T0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("reason");
    }

    @Test
    void anEntryPrunedBetweenReadAndMarkIsReportedNotFound() {
      ForwardingStore racing =
          new ForwardingStore(InMemoryRunStore.open(new FakeClock(T0))) {
            @Override
            public boolean markDeadletter(DeadletterMark mark) {
              return false;
            }
          };
      racing.put(store.load(RUN).orElseThrow());
      racing.appendDeadletter(open);
      Deadletters d = Deadletters.create(racing, DeadletterConfig.defaults(), listener, logger);
      assertThatThrownBy(() -> d.discard(open.id(), "why", T0))
          .isInstanceOf(DeadletterNotFoundException.class);
      assertThat(heard).isEmpty();
    }
  }

  @Nested
  class Robustness {
    @Test
    void aThrowingListenerIsLoggedAndIgnored() {
      appendAll();
      Deadletters d =
          Deadletters.create(
              store,
              DeadletterConfig.defaults(),
              new DeadletterListener() {
                @Override
                public void discarded(DeadletterView view) {
                  throw new IllegalStateException("listener bug");
                }
              },
              logger);
      assertThat(d.discard(open.id(), "why", T0).state()).isEqualTo(DeadletterState.DISCARDED);
      assertThat(logger.contains("listener bug")).isTrue();
    }

    @Test
    void anEventForARunTheStoreDoesNotHoldOrCannotWriteIsLoggedOnly() {
      DeadletterEntry orphan =
          DeadletterEntry.forRun(RunId.of("gone"), 1, DeadletterReason.CRASH_LOOP, null, T0);
      store.appendDeadletter(orphan);
      deadletters().discard(orphan.id(), "why", T0);
      assertThat(logger.contains("no run gone to record deadletter.discarded")).isTrue();

      ForwardingStore failing =
          new ForwardingStore(InMemoryRunStore.open(new FakeClock(T0))) {
            @Override
            public List<RunEvent> appendEvents(
                RunId runId, List<dev.crewrecovery.api.NewEvent> events) {
              throw new dev.crewrecovery.api.StoreIoException("unwritable (test)", null);
            }
          };
      failing.put(store.load(RUN).orElseThrow());
      DeadletterView v =
          Deadletters.create(failing, DeadletterConfig.defaults(), listener, logger)
              .appendManual(RUN, null, "m", T0);
      assertThat(failing.deadletterEntries()).containsExactly(v.entry());
      assertThat(logger.contains("could not append deadletter.appended to run run-1")).isTrue();
    }
  }

  @Nested
  class Manual {
    @Test
    void aRunLevelManualEntry() {
      Instant now = T0.plus(DAY);
      DeadletterView v = deadletters().appendManual(RUN, null, "check the quota", now);

      DeadletterEntry e = v.entry();
      assertThat(e.reason()).isEqualTo(DeadletterReason.MANUAL);
      assertThat(e.runId()).isEqualTo(RUN);
      assertThat(e.taskId()).isNull();
      assertThat(e.attemptId()).isNull();
      assertThat(e.lastError()).isEqualTo("check the quota");
      assertThat(e.at()).isEqualTo(now);
      assertThat(e.epoch()).isEqualTo(1);
      assertThat(v.state()).isEqualTo(DeadletterState.OPEN);
      assertThat(store.deadletterEntries()).containsExactly(e);
      assertThat(store.eventsOf(RUN))
          .extracting(RunEvent::type)
          .containsExactly("deadletter.appended");
      assertThat(heard).containsExactly("appended " + e.id());
    }

    @Test
    void theSameCallTwiceWritesOneEntry() {
      Deadletters d = deadletters();
      DeadletterView first = d.appendManual(RUN, TASK, "look", T0);
      DeadletterView second = d.appendManual(RUN, TASK, "look", T0);
      DeadletterView other = d.appendManual(RUN, TASK, "look", T0.plusNanos(1));

      assertThat(second.id()).isEqualTo(first.id());
      assertThat(other.id()).isNotEqualTo(first.id());
      assertThat(store.deadletterEntries()).hasSize(2);
      assertThat(store.eventsOf(RUN)).hasSize(2);
    }

    @Test
    void aTaskEntryNamesTheTasksLatestAttempt() {
      DeadletterEntry e = deadletters().appendManual(RUN, TASK, "look", T0).entry();
      assertThat(e.taskId()).isEqualTo(TASK);
      assertThat(e.attemptId()).isEqualTo(attempt(2));
      assertThat(e.attempts()).isEqualTo(2);
    }

    @Test
    void aTaskWithoutAttemptsGivesAnEntryNamingTheTaskOnly() {
      store.put(run(RunStatus.QUEUED, 1, TaskState.queued(TASK)));
      DeadletterEntry e = deadletters().appendManual(RUN, TASK, "look", T0).entry();
      assertThat(e.taskId()).isEqualTo(TASK);
      assertThat(e.attemptId()).isNull();
      assertThat(e.attempts()).isZero();
    }

    @Test
    void anUnknownRunOrTaskOrABlankMessageIsRefused() {
      Deadletters d = deadletters();
      assertThatThrownBy(() -> d.appendManual(RunId.of("nope"), null, "m", T0))
          .isInstanceOf(RunNotFoundException.class);
      assertThatThrownBy(() -> d.appendManual(RUN, TaskId.of("nope"), "m", T0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("nope")
          .hasMessageContaining(TASK.value());
      assertThatThrownBy(() -> d.appendManual(RUN, null, " ", T0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("message");
      assertThat(store.deadletterEntries()).isEmpty();
    }
  }

  @Nested
  class Prune {
    @Test
    void closedEntriesOlderThanTheRetentionArePrunedOpenOnesNever() {
      appendAll();
      Deadletters d = deadletters();
      // Every entry is far older than 30 days at this instant.
      PruneResult r = d.prune(T0.plus(Duration.ofDays(400)));

      assertThat(r.removed()).isEqualTo(2);
      assertThat(r.overCapacity()).isFalse();
      assertThat(store.deadletterEntries()).containsExactly(open, delivery);
    }

    @Test
    void retentionIsStrictAndComesFromTheConfiguration() {
      appendAll();
      Deadletters d = deadletters(DeadletterConfig.builder().retention(DAY).build());
      // supersededByAttempt was written at T0 + 1 day: exactly 1 day old at T0 + 2 days.
      assertThat(d.prune(T0.plus(DAY.multipliedBy(2))).removed()).isZero();
      assertThat(d.prune(T0.plus(DAY.multipliedBy(2)).plusNanos(1)).removed()).isEqualTo(1);
      assertThat(store.deadletterEntries()).doesNotContain(supersededByAttempt);
    }

    @Test
    void discardedRedrivenAndSupersededEntriesAreTheClosedOnes() {
      appendAll();
      Deadletters d = deadletters(DeadletterConfig.builder().capacity(1).build());
      d.discard(open.id(), "noise", T0);
      store.markDeadletter(
          new DeadletterMark(delivery.id(), DeadletterMark.Kind.REDRIVE, T0, "redriven"));

      PruneResult r = d.prune(T0);

      // All four are closed: three go, the newest stays within the capacity of 1.
      assertThat(r).isEqualTo(new PruneResult(3, 1, false));
      assertThat(store.deadletterEntries()).containsExactly(delivery);
    }

    @Test
    void overCapacityIsSignalledEveryTimeAndEventedWhenItBegins() {
      Deadletters d = deadletters(DeadletterConfig.builder().capacity(2).build());
      store.appendDeadletter(open);
      store.appendDeadletter(delivery); // OTHER
      store.appendDeadletter(supersededByAttempt); // closed
      DeadletterView manual = d.appendManual(RUN, null, "newest", T0.plus(DAY.multipliedBy(9)));
      heard.clear();

      PruneResult r = d.prune(T0);

      assertThat(r).isEqualTo(new PruneResult(1, 3, true));
      assertThat(store.deadletterEntries()).containsExactly(open, delivery, manual.entry());
      assertThat(heard).containsExactly("overCapacity 3");
      // The run of the newest open entry beyond the capacity hears of it.
      assertThat(store.eventsOf(RUN))
          .extracting(RunEvent::type)
          .containsExactly("deadletter.appended", "deadletter.over_capacity");
      assertThat(store.eventsOf(RUN).get(1).data())
          .containsEntry("remaining", "3")
          .containsEntry("capacity", "2");
      assertThat(store.eventsOf(OTHER)).isEmpty();
      assertThat(logger.contains("over capacity")).isTrue();

      d.prune(T0); // still over: signalled, not evented again
      assertThat(heard).containsExactly("overCapacity 3", "overCapacity 3");
      assertThat(store.eventsOf(RUN)).hasSize(2);

      d.discard(manual.id(), "handled", T0);
      assertThat(d.prune(T0).overCapacity()).isFalse();
      d.appendManual(RUN, null, "again", T0.plus(DAY.multipliedBy(10)));
      assertThat(d.prune(T0).overCapacity()).isTrue();
      assertThat(store.eventsOf(RUN))
          .extracting(RunEvent::type)
          .containsSubsequence("deadletter.over_capacity", "deadletter.over_capacity");
      assertThat(
              store.eventsOf(RUN).stream()
                  .filter(e -> e.type().equals("deadletter.over_capacity"))
                  .count())
          .isEqualTo(2);
    }

    @Test
    void theOverCapacityEventReachesAtMostAHundredRuns() {
      Deadletters d = deadletters(DeadletterConfig.builder().capacity(1).build());
      for (int i = 0; i < 150; i++) {
        RunId r = RunId.of("many-" + i);
        store.put(
            new RunSnapshot(1, dev.crewrecovery.api.Manifest.created(r, null, T0), List.of()));
        d.appendManual(r, null, "m", T0);
      }
      PruneResult result = d.prune(T0);
      assertThat(result.overCapacity()).isTrue();
      int evented = 0;
      for (int i = 0; i < 150; i++) {
        evented +=
            (int)
                store.eventsOf(RunId.of("many-" + i)).stream()
                    .filter(e -> e.type().equals("deadletter.over_capacity"))
                    .count();
      }
      assertThat(evented).isEqualTo(100);
      // The newest entries' runs are the ones told.
      assertThat(store.eventsOf(RunId.of("many-149")))
          .extracting(RunEvent::type)
          .contains("deadletter.over_capacity");
      assertThat(store.eventsOf(RunId.of("many-0")))
          .extracting(RunEvent::type)
          .doesNotContain("deadletter.over_capacity");
    }
  }
}
