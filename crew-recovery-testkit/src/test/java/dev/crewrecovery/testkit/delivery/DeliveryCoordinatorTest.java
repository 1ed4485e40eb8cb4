package dev.crewrecovery.testkit.delivery;

import static dev.crewrecovery.testkit.delivery.Fixture.A;
import static dev.crewrecovery.testkit.delivery.Fixture.B;
import static dev.crewrecovery.testkit.delivery.Fixture.C;
import static dev.crewrecovery.testkit.delivery.Fixture.R1;
import static dev.crewrecovery.testkit.delivery.Fixture.R2;
import static dev.crewrecovery.testkit.delivery.Fixture.attempt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.DeliveryKind;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.core.DeliveryConfig;
import dev.crewrecovery.core.DeliveryCoordinator;
import dev.crewrecovery.core.DeliveryDropReason;
import dev.crewrecovery.core.DeliveryOutcome;
import dev.crewrecovery.core.DeliveryStats;
import dev.crewrecovery.testkit.InMemoryRunStore;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** DESIGN section 11, sentence by sentence, single-threaded. */
class DeliveryCoordinatorTest {

  private final Fixture f = new Fixture();

  @Nested
  class Ids {
    @Test
    void aResultIsIdentifiedByItsAttempt() {
      DeliveryCoordinator c = f.coordinator();
      c.deliverResult(R1, attempt(R1, 2), "result-2", null);

      Delivery d = c.queued().get(0);
      assertThat(d.id()).isEqualTo(DeliveryId.forResult(attempt(R1, 2)));
      assertThat(d.kind()).isEqualTo(DeliveryKind.RESULT);
      assertThat(d.runId()).isEqualTo(R1);
      assertThat(d.payload()).isEqualTo("result-2");
      assertThat(d.createdAt()).isEqualTo(Fixture.T0);
    }

    @Test
    void aResultOfAnotherRunsAttemptIsAProgrammingError() {
      DeliveryCoordinator c = f.coordinator();
      assertThatThrownBy(() -> c.deliverResult(R2, attempt(R1, 1), "x", null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("run-1:t:1")
          .hasMessageContaining("run-2");
    }

    @Test
    void aNotificationIsIdentifiedByRunEpochAndStatus() {
      DeliveryCoordinator c = f.coordinator();
      c.deliverNotification(R1, 3, RunStatus.FAILED, "failed", null);

      Delivery d = c.queued().get(0);
      assertThat(d.id()).isEqualTo(DeliveryId.forNotification(R1, 3, RunStatus.FAILED));
      assertThat(d.kind()).isEqualTo(DeliveryKind.NOTIFICATION);
    }

    @Test
    void aNotificationAnnouncesATerminalStatusOnly() {
      DeliveryCoordinator c = f.coordinator();
      for (RunStatus s : RunStatus.values()) {
        if (s.isTerminal()) {
          assertThat(c.deliverNotification(R1, 1, s, "n", null)).isEqualTo(DeliveryOutcome.QUEUED);
        } else {
          assertThatThrownBy(() -> c.deliverNotification(R1, 1, s, "n", null))
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessageContaining(s.name());
        }
      }
      assertThatThrownBy(() -> c.deliverNotification(R1, 0, RunStatus.FAILED, "n", null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("epoch");
    }

    @Test
    void aSteerTakesTheCallersIdElseARandomValidOne() {
      DeliveryCoordinator c = f.coordinator();
      c.deliverSteer(R1, "given", null, DeliveryId.of("my-steer"));
      c.deliverSteer(R1, "random-1", null, null);
      c.deliverSteer(R1, "random-2", null, null);

      List<Delivery> q = c.queued();
      assertThat(q.get(0).id()).isEqualTo(DeliveryId.of("my-steer"));
      assertThat(q.get(1).id().value()).matches("s-[0-9a-f-]{36}");
      assertThat(q.get(2).id().value()).matches("s-[0-9a-f-]{36}");
      assertThat(q.get(1).id()).isNotEqualTo(q.get(2).id());
      assertThat(q).allMatch(d -> d.kind() == DeliveryKind.STEER);
    }
  }

  @Nested
  class Ownership {
    @Test
    void theOwnerArgumentWinsOverTheRunsOwner() {
      f.putRun(R1, new Owner(B, 1));
      DeliveryCoordinator c = f.coordinator();
      c.deliverResult(R1, attempt(R1, 1), "r", C);

      assertThat(c.queued().get(0).owner()).isEqualTo(C);
    }

    @Test
    void withoutAnOwnerArgumentTheRunsOwnerSessionAtCreationIsTaken() {
      f.putRun(R1, new Owner(B, 7));
      DeliveryCoordinator c = f.coordinator();
      c.deliverResult(R1, attempt(R1, 1), "r1", null);
      // The run changes owner afterwards: the queued item keeps the owner it was created with.
      f.putRun(R1, new Owner(C, 1));
      c.deliverResult(R1, attempt(R1, 2), "r2", null);

      assertThat(c.queued()).extracting(Delivery::owner).containsExactly(B, C);
    }

    @Test
    void incarnationsAreIgnoredSoARestartedHostOwnsItsEarlierItems() {
      f.putRun(R1, new Owner(B, 1));
      DeliveryCoordinator c = f.coordinator();
      c.deliverResult(R1, attempt(R1, 1), "from-incarnation-1", null);

      c.activate(B); // incarnation 2 of B activates with the SessionId alone
      assertThat(f.sink.acceptedPayloads()).containsExactly("from-incarnation-1");
    }

    @Test
    void anOwnerlessRunOrAnUnknownRunGivesAnOwnerlessItem() {
      DeliveryCoordinator c = f.coordinator();
      c.deliverResult(R1, attempt(R1, 1), "ownerless-run", null);
      RunId unknown = RunId.of("unknown");
      c.deliverSteer(unknown, "unknown-run", null, null);

      assertThat(c.queued()).extracting(Delivery::owner).containsExactly(null, null);
    }

    @Test
    void anOwnerlessItemGoesToWhicheverSessionIsActive() {
      DeliveryCoordinator c = f.coordinator();
      c.deliverNotification(R1, 1, RunStatus.COMPLETED, "to-b", null);
      c.activate(B);
      c.activate(C);
      assertThat(c.deliverNotification(R2, 1, RunStatus.COMPLETED, "to-c", null))
          .isEqualTo(DeliveryOutcome.DELIVERED);

      assertThat(f.sink.acceptedPayloads()).containsExactly("to-b", "to-c");
    }

    @Test
    void reownMovesARunsItemsOfThePreviousOwnerToTheAdopterInOrder() {
      DeliveryCoordinator c = f.coordinator();
      c.deliverResult(R1, attempt(R1, 1), "r1-b-1", B);
      c.deliverResult(R2, attempt(R2, 1), "r2-b", B);
      c.deliverNotification(R1, 1, RunStatus.FAILED, "r1-b-2", B);
      c.deliverSteer(R1, "r1-ownerless", null, null);
      c.deliverSteer(R1, "r1-a", A, null);

      assertThat(c.reown(R1, B, C)).isEqualTo(2);

      assertThat(c.queued())
          .extracting(Delivery::payload, Delivery::owner)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("r1-b-1", C),
              org.assertj.core.groups.Tuple.tuple("r2-b", B),
              org.assertj.core.groups.Tuple.tuple("r1-b-2", C),
              org.assertj.core.groups.Tuple.tuple("r1-ownerless", null),
              org.assertj.core.groups.Tuple.tuple("r1-a", A));
      // The persisted result now records the adopter.
      assertThat(f.store.pendingDeliveries())
          .filteredOn(d -> d.runId().equals(R1))
          .extracting(Delivery::owner)
          .containsExactly(C);

      c.activate(C);
      assertThat(f.sink.acceptedPayloads()).containsExactly("r1-b-1", "r1-b-2", "r1-ownerless");
      assertThat(c.reown(R1, B, C)).isZero();
      assertThat(c.reown(R1, C, C)).isZero();
    }

    @Test
    void reownAloneDeliversNothingTheNextTickDoes() {
      DeliveryCoordinator c = f.coordinator();
      c.activate(C);
      c.deliverResult(R1, attempt(R1, 1), "r", B);
      c.reown(R1, B, C);
      assertThat(f.sink.attempts()).isEmpty();

      c.tick();
      assertThat(f.sink.acceptedPayloads()).containsExactly("r");
    }
  }

  @Nested
  class Activation {
    @Test
    void whileInactiveEverythingIsQueuedAndActivateFlushesInFifoOrder() {
      DeliveryCoordinator c = f.coordinator();
      assertThat(c.activeSession()).isNull();
      assertThat(c.deliverResult(R1, attempt(R1, 1), "1", null)).isEqualTo(DeliveryOutcome.QUEUED);
      c.deliverNotification(R2, 1, RunStatus.COMPLETED, "2", null);
      c.deliverSteer(R1, "3", null, null);
      c.deliverResult(R1, attempt(R1, 2), "4", null);
      assertThat(f.sink.attempts()).isEmpty();

      c.activate(A);

      assertThat(c.activeSession()).isEqualTo(A);
      assertThat(f.sink.acceptedPayloads()).containsExactly("1", "2", "3", "4");
      assertThat(c.queued()).isEmpty();
    }

    @Test
    void activatingWhileAnotherSessionIsActiveDeactivatesFirst() {
      DeliveryCoordinator c = f.coordinator();
      c.activate(A);
      assertThat(c.generation()).isZero();

      c.activate(B);
      assertThat(c.generation()).isEqualTo(1);
      assertThat(c.activeSession()).isEqualTo(B);
      // A's items now wait for A.
      assertThat(c.deliverResult(R1, attempt(R1, 1), "for-a", A)).isEqualTo(DeliveryOutcome.QUEUED);
      assertThat(f.sink.attempts()).isEmpty();

      c.activate(B); // the same session again: no deactivation
      assertThat(c.generation()).isEqualTo(1);
    }

    @Test
    void deactivateBumpsTheGenerationEveryTime() {
      DeliveryCoordinator c = f.coordinator();
      c.activate(A);
      c.deactivate();
      assertThat(c.activeSession()).isNull();
      assertThat(c.generation()).isEqualTo(1);
      c.deactivate();
      assertThat(c.generation()).isEqualTo(2);
      assertThat(c.deliverNotification(R1, 1, RunStatus.FAILED, "n", null))
          .isEqualTo(DeliveryOutcome.QUEUED);
      assertThat(c.queued().get(0).generation()).isEqualTo(2);
    }

    @Test
    void aFlushStopsAtTheFirstFailureWhichStaysAtTheHead() {
      DeliveryCoordinator c = f.coordinator();
      c.deliverResult(R1, attempt(R1, 1), "1", null);
      c.deliverResult(R1, attempt(R1, 2), "2", null);
      c.deliverResult(R1, attempt(R1, 3), "3", null);
      f.sink.refuseIf(d -> d.payload().equals("2"));

      c.activate(A);

      assertThat(f.sink.acceptedPayloads()).containsExactly("1");
      assertThat(f.sink.attempts()).extracting(Delivery::payload).containsExactly("1", "2");
      assertThat(c.queued()).extracting(Delivery::payload).containsExactly("2", "3");
      assertThat(c.queued().get(0).failedAttempts()).isEqualTo(1);

      f.sink.acceptAll();
      c.tick();
      // Per-run order held: 3 never overtook 2.
      assertThat(f.sink.acceptedPayloads()).containsExactly("1", "2", "3");
    }

    @Test
    void whileActiveAnItemIsDeliveredDirectlyByTheCallingThreadWhenNothingOfTheSessionIsQueued() {
      DeliveryCoordinator c = f.coordinator();
      c.activate(A);

      assertThat(c.deliverResult(R1, attempt(R1, 1), "direct", null))
          .isEqualTo(DeliveryOutcome.DELIVERED);
      assertThat(c.deliverSteer(R1, "direct-owned", A, null)).isEqualTo(DeliveryOutcome.DELIVERED);

      assertThat(f.sink.acceptedPayloads()).containsExactly("direct", "direct-owned");
      assertThat(f.sink.threads()).containsOnly(Thread.currentThread());
      assertThat(c.queued()).isEmpty();
    }

    @Test
    void whileActiveAnItemIsQueuedWhenAnItemOfTheSessionIsQueuedAndTheHeadIsNotRetried() {
      DeliveryCoordinator c = f.coordinator();
      c.activate(A);
      f.sink.refuseAll();
      assertThat(c.deliverResult(R1, attempt(R1, 1), "head", null))
          .isEqualTo(DeliveryOutcome.QUEUED);
      f.sink.acceptAll();

      assertThat(c.deliverResult(R1, attempt(R1, 2), "behind", A))
          .isEqualTo(DeliveryOutcome.QUEUED);

      assertThat(f.sink.attempts()).extracting(Delivery::payload).containsExactly("head");
      assertThat(c.queued()).extracting(Delivery::payload).containsExactly("head", "behind");
    }

    @Test
    void itemsOfAnotherSessionDoNotKeepTheActiveSessionFromDirectDelivery() {
      DeliveryCoordinator c = f.coordinator();
      c.activate(A);
      c.deliverResult(R1, attempt(R1, 1), "for-b", B);

      assertThat(c.deliverResult(R2, attempt(R2, 1), "for-a", A))
          .isEqualTo(DeliveryOutcome.DELIVERED);
      assertThat(f.sink.acceptedPayloads()).containsExactly("for-a");
    }

    @Test
    void itemsOwnedByAnotherSessionWaitInOrderForIt() {
      DeliveryCoordinator c = f.coordinator();
      c.activate(A);
      c.deliverResult(R1, attempt(R1, 1), "b-1", B);
      c.deliverSteer(R2, "a-1", A, null);
      c.deliverNotification(R1, 1, RunStatus.COMPLETED, "b-2", B);
      c.tick();
      assertThat(f.sink.acceptedPayloads()).containsExactly("a-1");

      c.activate(B);
      assertThat(f.sink.acceptedPayloads()).containsExactly("a-1", "b-1", "b-2");
    }

    @Test
    void theHeadIsRetriedAtActivateAndOnEachTickWhileActive() {
      DeliveryCoordinator c = f.coordinator();
      f.sink.refuseAll();
      c.deliverResult(R1, attempt(R1, 1), "head", null);

      c.tick(); // inactive: no retry
      assertThat(f.sink.attempts()).isEmpty();

      c.activate(A);
      assertThat(f.sink.attempts()).hasSize(1);
      c.activate(A); // activating again retries
      assertThat(f.sink.attempts()).hasSize(2);
      c.tick();
      assertThat(f.sink.attempts()).hasSize(3);
      c.deactivate();
      c.tick(); // inactive again: no retry
      assertThat(f.sink.attempts()).hasSize(3);
      assertThat(c.queued().get(0).failedAttempts()).isEqualTo(3);

      f.sink.acceptAll();
      c.activate(A);
      assertThat(f.sink.acceptedPayloads()).containsExactly("head");
      c.tick(); // empty queue: nothing to do
      assertThat(f.sink.attempts()).hasSize(4);
    }

    @Test
    void aTickDoesNotRetryItemsOfOtherSessions() {
      DeliveryCoordinator c = f.coordinator();
      c.activate(A);
      c.deliverResult(R1, attempt(R1, 1), "for-b", B);
      c.tick();
      assertThat(f.sink.attempts()).isEmpty();
    }
  }

  @Nested
  class Generations {
    @Test
    void aSteerOfAnOlderGenerationIsDroppedCountedLoggedAndEvented() {
      DeliveryCoordinator c = f.coordinator();
      c.activate(A);
      c.deliverSteer(R1, "steer-for-b", B, DeliveryId.of("steer-1"));

      c.deactivate();
      c.activate(B);

      assertThat(f.sink.attempts()).isEmpty();
      assertThat(c.queued()).isEmpty();
      assertThat(c.stats().dropped(DeliveryDropReason.STALE_GENERATION)).isEqualTo(1);
      assertThat(f.logger.contains("steer-1")).isTrue();
      assertThat(f.heard.calls()).containsExactly("dropped steer-for-b STALE_GENERATION");
      assertThat(f.store.eventsOf(R1))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.type()).isEqualTo("delivery.dropped");
                assertThat(e.data())
                    .containsEntry("delivery", "steer-1")
                    .containsEntry("reason", "STALE_GENERATION");
              });
    }

    @Test
    void resultsAndNotificationsAreNeverDroppedForGenerationReasons() {
      DeliveryCoordinator c = f.coordinator();
      c.activate(A);
      c.deliverResult(R1, attempt(R1, 1), "result", B);
      c.deliverNotification(R1, 1, RunStatus.COMPLETED, "notification", B);

      c.deactivate();
      c.activate(C);
      c.activate(B);

      assertThat(c.generation()).isEqualTo(2);
      assertThat(f.sink.acceptedPayloads()).containsExactly("result", "notification");
      assertThat(c.stats().droppedTotal()).isZero();
    }

    @Test
    void aSteerQueuedWhileInactiveIsOfTheCurrentGenerationAndIsDelivered() {
      DeliveryCoordinator c = f.coordinator();
      c.activate(A);
      c.deactivate();
      c.deliverSteer(R1, "steer", null, null);

      c.activate(B);

      assertThat(f.sink.acceptedPayloads()).containsExactly("steer");
    }
  }

  @Nested
  class Failures {
    @Test
    void everyFailedAttemptCountsAndTheFifthMovesTheItemToTheDeadletter() {
      DeliveryCoordinator c = f.coordinator();
      f.sink.refuseAll();
      c.activate(A);
      assertThat(c.deliverResult(R1, attempt(R1, 1), "r", null))
          .isEqualTo(DeliveryOutcome.QUEUED); // direct attempt: failure 1
      c.tick(); // 2
      c.activate(A); // 3
      c.tick(); // 4
      assertThat(c.queued()).singleElement().extracting(Delivery::failedAttempts).isEqualTo(4);
      assertThat(f.store.pendingDeliveries())
          .singleElement()
          .extracting(Delivery::failedAttempts)
          .isEqualTo(4);
      assertThat(f.store.deadletterEntries()).isEmpty();

      c.tick(); // 5

      DeliveryId id = DeliveryId.forResult(attempt(R1, 1));
      assertThat(c.queued()).isEmpty();
      assertThat(f.store.pendingDeliveries()).isEmpty();
      DeadletterEntry entry = f.store.deadletterEntries().get(0);
      assertThat(entry)
          .isEqualTo(DeadletterEntry.forDelivery(R1, id, entry.lastError(), Fixture.T0, 1));
      assertThat(entry.reason()).isEqualTo(DeadletterReason.DELIVERY_FAILED);
      assertThat(entry.lastError()).contains("5 times").contains("refused delivery " + id);
      DeliveryStats s = c.stats();
      assertThat(s.failedAttempts()).isEqualTo(5);
      assertThat(s.deadlettered()).isEqualTo(1);
      assertThat(f.heard.calls())
          .containsExactly(
              "failed r 1",
              "failed r 2",
              "failed r 3",
              "failed r 4",
              "failed r 5",
              "deadlettered r");
      assertThat(f.store.eventsOf(R1))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.type()).isEqualTo("delivery.failed");
                assertThat(e.data())
                    .containsEntry("delivery", id.value())
                    .containsEntry("deadletter", entry.id().value())
                    .containsEntry("failedAttempts", "5");
              });
      c.tick();
      assertThat(f.sink.attempts()).hasSize(5);
    }

    @Test
    void aFlushStopsAtTheFailureThatDeadlettersItsHeadAndTheNextRetryGoesOn() {
      f.config = DeliveryConfig.builder().maxFailures(2).build();
      DeliveryCoordinator c = f.coordinator();
      c.deliverResult(R1, attempt(R1, 1), "bad", null);
      c.deliverResult(R1, attempt(R1, 2), "good", null);
      f.sink.refuseIf(d -> d.payload().equals("bad"));

      c.activate(A);
      c.tick(); // second failure: deadlettered; the flush stops there
      assertThat(f.sink.acceptedPayloads()).isEmpty();
      assertThat(c.queued()).extracting(Delivery::payload).containsExactly("good");

      c.tick();
      assertThat(f.sink.acceptedPayloads()).containsExactly("good");
    }

    @Test
    void aRefusedDirectAttemptWithOneAllowedFailureIsDeadletteredAtOnce() {
      f.config = DeliveryConfig.builder().maxFailures(1).build();
      DeliveryCoordinator c = f.coordinator();
      c.activate(A);
      f.sink.refuseAll();

      assertThat(c.deliverNotification(R1, 1, RunStatus.FAILED, "n", null))
          .isEqualTo(DeliveryOutcome.DEADLETTERED);
      assertThat(f.store.deadletterEntries()).hasSize(1);
    }

    @Test
    void aSteerThatFailsFiveTimesIsDeadletteredToo() {
      DeliveryCoordinator c = f.coordinator();
      f.sink.refuseAll();
      c.activate(A);
      c.deliverSteer(R1, "s", null, DeliveryId.of("steer-x"));
      for (int i = 0; i < 4; i++) {
        c.tick();
      }
      assertThat(f.store.deadletterEntries())
          .singleElement()
          .extracting(DeadletterEntry::deliveryId)
          .isEqualTo(DeliveryId.of("steer-x"));
    }

    @Test
    void aThrowingListenerBreaksNothing() {
      DeliveryCoordinator c =
          DeliveryCoordinator.create(
              f.store,
              f.sink,
              f.clock,
              DeliveryConfig.builder().maxFailures(1).build(),
              new dev.crewrecovery.core.DeliveryListener() {
                @Override
                public void failed(Delivery delivery, Exception error) {
                  throw new IllegalStateException("listener bug");
                }

                @Override
                public void deadlettered(Delivery delivery, DeadletterEntry entry) {
                  throw new IllegalStateException("listener bug");
                }
              },
              f.logger);
      c.activate(A);
      f.sink.refuseAll();
      assertThat(c.deliverResult(R1, attempt(R1, 1), "r", null))
          .isEqualTo(DeliveryOutcome.DEADLETTERED);
      f.sink.acceptAll();
      assertThat(c.deliverResult(R1, attempt(R1, 2), "r2", null))
          .isEqualTo(DeliveryOutcome.DELIVERED);
      assertThat(f.logger.contains("listener bug")).isTrue();
    }

    @Test
    void anErrorFromTheSinkPropagatesAndLeavesTheItemQueuedUncounted() {
      DeliveryCoordinator c = f.coordinator();
      c.activate(A);
      f.sink.onDeliver(
          d -> {
            throw new AssertionError("sink bug");
          });
      assertThatThrownBy(() -> c.deliverResult(R1, attempt(R1, 1), "r", null))
          .isInstanceOf(AssertionError.class);
      assertThat(c.queued()).singleElement().extracting(Delivery::failedAttempts).isEqualTo(0);

      f.sink.onDeliver(d -> {});
      c.tick(); // the flushing flag was released
      assertThat(f.sink.acceptedPayloads()).containsExactly("r");
    }
  }

  @Nested
  class Duplicates {
    @Test
    void anItemWithThePendingItemsIdIsIgnored() {
      DeliveryCoordinator c = f.coordinator();
      assertThat(c.deliverResult(R1, attempt(R1, 1), "first", null))
          .isEqualTo(DeliveryOutcome.QUEUED);
      assertThat(c.deliverResult(R1, attempt(R1, 1), "second", null))
          .isEqualTo(DeliveryOutcome.DUPLICATE);
      assertThat(c.deliverSteer(R1, "s1", null, DeliveryId.of("s")))
          .isEqualTo(DeliveryOutcome.QUEUED);
      assertThat(c.deliverSteer(R1, "s2", B, DeliveryId.of("s")))
          .isEqualTo(DeliveryOutcome.DUPLICATE);

      assertThat(c.queued()).extracting(Delivery::payload).containsExactly("first", "s1");
      assertThat(c.stats().duplicates()).isEqualTo(2);
    }

    @Test
    void anIdDeliveredWithinTheTtlIsIgnoredAndOneDeliveredEarlierIsNot() {
      DeliveryCoordinator c = f.coordinator();
      c.activate(A);
      c.deliverNotification(R1, 1, RunStatus.COMPLETED, "n", null);
      assertThat(f.store.deliveredIds())
          .containsKey(DeliveryId.forNotification(R1, 1, RunStatus.COMPLETED));

      f.clock.advance(DeliveryConfig.DEFAULT_TTL); // exactly the TTL ago: within
      assertThat(c.deliverNotification(R1, 1, RunStatus.COMPLETED, "again", null))
          .isEqualTo(DeliveryOutcome.DUPLICATE);

      f.clock.advance(java.time.Duration.ofNanos(1));
      assertThat(c.deliverNotification(R1, 1, RunStatus.COMPLETED, "later", null))
          .isEqualTo(DeliveryOutcome.DELIVERED);
      assertThat(f.sink.acceptedPayloads()).containsExactly("n", "later");
    }

    @Test
    void deDuplicationByDeliveredIdHoldsAcrossCoordinators() {
      DeliveryCoordinator c = f.coordinator();
      c.activate(A);
      c.deliverSteer(R1, "s", null, DeliveryId.of("steer-once"));

      DeliveryCoordinator next = f.coordinator();
      next.activate(A);
      assertThat(next.deliverSteer(R1, "s", null, DeliveryId.of("steer-once")))
          .isEqualTo(DeliveryOutcome.DUPLICATE);
      assertThat(f.sink.acceptedPayloads()).containsExactly("s");
    }
  }

  @Nested
  class Stats {
    @Test
    void countersAreReadAsOneRecord() {
      f.config = DeliveryConfig.builder().bound(1).build();
      DeliveryCoordinator c = f.coordinator();
      c.deliverResult(R1, attempt(R1, 1), "persisted", null);
      c.deliverSteer(R1, "old", null, null);
      c.deliverSteer(R1, "new", null, null); // overflow drops "old"
      c.deliverResult(R1, attempt(R1, 1), "dup", null);

      DeliveryStats s = c.stats();
      assertThat(s.queued()).isEqualTo(2);
      assertThat(s.persistedQueued()).isEqualTo(1);
      assertThat(s.duplicates()).isEqualTo(1);
      assertThat(s.dropped(DeliveryDropReason.OVERFLOW)).isEqualTo(1);
      assertThat(s.dropped()).containsOnlyKeys(DeliveryDropReason.values());

      c.activate(A);
      assertThat(c.stats().delivered()).isEqualTo(2);
      assertThat(c.stats().queued()).isZero();
    }

    @Test
    void statsAreACopy() {
      DeliveryCoordinator c = f.coordinator();
      DeliveryStats before = c.stats();
      c.activate(A);
      c.deliverSteer(R1, "s", null, null);
      assertThat(before.delivered()).isZero();
      assertThat(c.stats().delivered()).isEqualTo(1);
    }
  }

  @Nested
  class Robustness {
    @Test
    void anEventForARunTheStoreDoesNotHoldIsSkippedAndLogged() {
      DeliveryCoordinator c = f.coordinator();
      c.deliverSteer(RunId.of("unknown"), "s", null, null);
      c.deactivate();
      assertThat(c.stats().dropped(DeliveryDropReason.STALE_GENERATION)).isEqualTo(1);
      assertThat(f.logger.contains("no run unknown to record delivery.dropped")).isTrue();
    }

    @Test
    void aFailingEventAppendIsLoggedAndChangesNothingElse() {
      ForwardingStore failing =
          new ForwardingStore(InMemoryRunStore.open(f.clock)) {
            @Override
            public List<dev.crewrecovery.api.RunEvent> appendEvents(
                RunId runId, List<dev.crewrecovery.api.NewEvent> events) {
              throw new dev.crewrecovery.api.StoreIoException("event log unwritable (test)", null);
            }
          };
      failing.put(f.store.load(R1).orElseThrow());
      DeliveryCoordinator c = f.coordinator(failing);
      c.deliverSteer(R1, "s", null, null);
      c.deactivate();
      assertThat(c.queued()).isEmpty();
      assertThat(f.heard.calls()).containsExactly("dropped s STALE_GENERATION");
      assertThat(f.logger.contains("could not append delivery.dropped to run run-1")).isTrue();
    }

    @Test
    void anUnreadableRunGivesItsDeliveryFailedEntryEpochZero() {
      f.config = DeliveryConfig.builder().maxFailures(1).build();
      DeliveryCoordinator c = f.coordinator();
      c.deliverResult(R1, attempt(R1, 1), "r", A);
      f.store.markCorrupt(R1);
      f.sink.refuseAll();
      c.activate(A);
      assertThat(f.store.deadletterEntries())
          .singleElement()
          .extracting(DeadletterEntry::epoch)
          .isEqualTo(0L);
    }

    @Test
    void reownOfASessionWithNothingQueuedIsANoOp() {
      DeliveryCoordinator c = f.coordinator();
      c.deliverResult(R1, attempt(R1, 1), "r", B);
      assertThat(c.reown(R1, C, A)).isZero();
      assertThat(c.reown(R2, B, A)).isZero();
      assertThat(c.queued()).extracting(Delivery::owner).containsExactly(B);
    }

    @Test
    void aStoredNotificationIsNeverTheOverflowVictimBecauseItTakesNoRoom() {
      f.store.enqueueDelivery(
          new Delivery(
              DeliveryId.forNotification(R1, 1, RunStatus.FAILED),
              DeliveryKind.NOTIFICATION,
              R1,
              null,
              "stored",
              Fixture.T0,
              0,
              0));
      f.config = DeliveryConfig.builder().bound(1).build();
      DeliveryCoordinator c = f.coordinator();
      c.deliverSteer(R1, "s1", null, null);
      c.deliverSteer(R1, "s2", null, null);
      assertThat(c.queued()).extracting(Delivery::payload).containsExactly("stored", "s2");
    }
  }

  @Test
  void asTheLedgersDeliverySourceItTurnsResultsAndTerminalTransitionsIntoItems() {
    DeliveryCoordinator c = f.coordinator();
    dev.crewrecovery.core.internal.delivery.DeliverySource source =
        (dev.crewrecovery.core.internal.delivery.DeliverySource) c;
    source.resultRecorded(
        attempt(R1, 1),
        new dev.crewrecovery.api.TaskResult("out/result.json", Fixture.T0),
        new Owner(B, 2),
        1);
    source.runTerminated(R1, RunStatus.COMPLETED, new Owner(B, 2), 1, Fixture.T0);
    source.runTerminated(R2, RunStatus.FAILED, null, 3, Fixture.T0);

    assertThat(c.queued())
        .extracting(Delivery::id, Delivery::payload, Delivery::owner)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                DeliveryId.forResult(attempt(R1, 1)), "out/result.json", B),
            org.assertj.core.groups.Tuple.tuple(
                DeliveryId.forNotification(R1, 1, RunStatus.COMPLETED), "COMPLETED", B),
            org.assertj.core.groups.Tuple.tuple(
                DeliveryId.forNotification(R2, 3, RunStatus.FAILED), "FAILED", null));
  }

  @Test
  void sessionsOfManyItemsKeepPerRunOrderAcrossOwners() {
    DeliveryCoordinator c = f.coordinator();
    Set<SessionId> owners = new HashSet<>(List.of(A, B));
    int n = 0;
    for (int i = 1; i <= 20; i++) {
      for (SessionId o : owners) {
        c.deliverResult(R1, attempt(R1, ++n), o.value() + "-" + i, o);
      }
    }
    c.activate(A);
    c.activate(B);
    List<String> delivered = f.sink.acceptedPayloads();
    assertThat(delivered.subList(0, 20))
        .containsExactlyElementsOf(
            java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(i -> "session-a-" + i).toList());
    assertThat(delivered.subList(20, 40))
        .containsExactlyElementsOf(
            java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(i -> "session-b-" + i).toList());
  }
}
