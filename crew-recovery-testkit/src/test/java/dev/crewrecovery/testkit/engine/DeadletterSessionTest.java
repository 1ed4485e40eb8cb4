package dev.crewrecovery.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.Failure;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.spi.PruneResult;
import dev.crewrecovery.core.CrewRecovery;
import dev.crewrecovery.core.DeadletterQuery;
import dev.crewrecovery.core.DeadletterState;
import dev.crewrecovery.core.DeadletterView;
import dev.crewrecovery.core.RecoveryConfig;
import dev.crewrecovery.core.RecoveryListener;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.FakeProcessProbe;
import dev.crewrecovery.testkit.InMemoryRunStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The session's deadletter: {@code crew.recovery().deadletters()} sees what the session's writers
 * wrote, and the session prunes with the configured retention (30 days) and capacity (10 000).
 */
class DeadletterSessionTest {
  private static final RunId RUN = RunId.of("run-1");
  private static final TaskId T1 = TaskId.of("t1");
  private static final TaskId T2 = TaskId.of("t2");

  @Test
  void theSessionsDeadletterListsTheEntriesItsLedgerWrote() {
    try (Harness h = new Harness(RecoveryConfig.builder().maxAttempts(1).build()).started()) {
      h.runs().create(RUN, List.of(T1));
      AttemptId a = h.runs().startAttempt(RUN, T1);
      h.runs().fail(a, Failure.of("BOOM", "it broke", h.clock.now()));

      List<DeadletterView> open =
          h.crew.recovery().deadletters().list(DeadletterQuery.all().withRun(RUN));
      assertThat(open)
          .extracting(v -> v.entry().reason(), DeadletterView::state)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(
                  DeadletterReason.MAX_RETRIES, DeadletterState.OPEN));
      assertThat(h.crew.recovery().deadletters()).isSameAs(h.crew.recovery().deadletters());
    }
  }

  @Test
  void aClosedEntryOlderThanThirtyDaysIsPrunedAndAnOpenOneIsKept() {
    try (Harness h = new Harness(RecoveryConfig.builder().maxAttempts(1).build()).started()) {
      h.runs().create(RUN, List.of(T1, T2));
      var deadletters = h.crew.recovery().deadletters();
      DeadletterView closed = deadletters.appendManual(RUN, null, "closed soon", h.clock.now());
      deadletters.discard(closed.id(), "handled", h.clock.now());
      DeadletterView open = deadletters.appendManual(RUN, T2, "still open", h.clock.now());

      h.clock.advance(Duration.ofDays(30));
      assertThat(h.engine().pruneDeadletters().removed()).as("at 30 days: kept").isZero();
      h.clock.advance(Duration.ofSeconds(1));
      PruneResult r = h.engine().pruneDeadletters();

      assertThat(r.removed()).isEqualTo(1);
      assertThat(deadletters.list(DeadletterQuery.all()))
          .extracting(DeadletterView::id)
          .containsExactly(open.id());
    }
  }

  @Test
  void theScheduledPruneRunsAtStartAndReportsOverCapacityToTheListener() throws Exception {
    FakeClock clock = new FakeClock(Harness.T0);
    InMemoryRunStore store = InMemoryRunStore.open(clock);
    RecoveryConfig config = RecoveryConfig.builder().deadletterCapacity(1).build();
    // Two open entries over a capacity of one, written by a first (manual) session.
    try (Harness writer =
        new Harness(clock, store, new FakeProcessProbe(), config, Harness.SESSION).started()) {
      writer.runs().create(RUN, List.of(T1, T2));
      writer.crew.recovery().deadletters().appendManual(RUN, T1, "one", clock.now());
      writer.crew.recovery().deadletters().appendManual(RUN, T2, "two", clock.now());
    }
    CountDownLatch heard = new CountDownLatch(1);
    int[] capacity = new int[1];
    try (CrewRecovery crew =
        CrewRecovery.builder()
            .store(store)
            .clock(clock)
            .probe(new FakeProcessProbe())
            .hostName(Harness.HOST)
            .sessionId(dev.crewrecovery.api.SessionId.of("scheduled"))
            .config(config)
            .listener(
                new RecoveryListener() {
                  @Override
                  public void onDeadletterOverCapacity(PruneResult result, int cap) {
                    capacity[0] = cap;
                    heard.countDown();
                  }
                })
            .build()) {
      crew.start();
      assertThat(heard.await(30, TimeUnit.SECONDS)).as("the first prune runs at start").isTrue();
      assertThat(capacity[0]).isEqualTo(1);
      assertThat(crew.recovery().deadletters().list(DeadletterQuery.all()))
          .as("open entries are never dropped")
          .hasSize(2);
    }
    assertThat(store.events(RUN, 0, 1000))
        .anyMatch(e -> e.type().equals("deadletter.over_capacity"));
  }
}
