package dev.crewrecovery.testkit.delivery;

import static dev.crewrecovery.testkit.delivery.Fixture.A;
import static dev.crewrecovery.testkit.delivery.Fixture.B;
import static dev.crewrecovery.testkit.delivery.Fixture.R1;
import static dev.crewrecovery.testkit.delivery.Fixture.R2;
import static dev.crewrecovery.testkit.delivery.Fixture.attempt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.DeadletterReason;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.DeliveryQueueFullException;
import dev.crewrecovery.api.RunEvent;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.core.DeliveryConfig;
import dev.crewrecovery.core.DeliveryCoordinator;
import dev.crewrecovery.core.DeliveryDropReason;
import dev.crewrecovery.core.DeliveryOutcome;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** DESIGN section 11: the TTL and the bound. */
class DeliveryLimitsTest {

  private static final Duration TTL = DeliveryConfig.DEFAULT_TTL;
  private static final Duration JUST_OVER = TTL.plusNanos(1);

  private final Fixture f = new Fixture();

  @Nested
  class Ttl {
    @Test
    void anExpiredNotificationOrSteerIsDroppedCountedAndEventedStrictlyAfterTheTtl() {
      DeliveryCoordinator c = f.coordinator();
      c.deliverNotification(R1, 1, RunStatus.COMPLETED, "n", null);
      c.deliverSteer(R2, "s", null, DeliveryId.of("steer-1"));

      f.clock.advance(TTL);
      c.tick(); // exactly the TTL old: not older than it
      assertThat(c.queued()).hasSize(2);

      f.clock.advance(Duration.ofNanos(1));
      c.tick();

      assertThat(c.queued()).isEmpty();
      assertThat(c.stats().dropped(DeliveryDropReason.EXPIRED)).isEqualTo(2);
      assertThat(f.heard.calls()).containsExactly("dropped n EXPIRED", "dropped s EXPIRED");
      assertThat(f.store.eventsOf(R1))
          .extracting(RunEvent::type, e -> e.data().get("reason"))
          .containsExactly(org.assertj.core.groups.Tuple.tuple("delivery.dropped", "EXPIRED"));
      assertThat(f.store.eventsOf(R2)).hasSize(1);
      assertThat(f.store.deadletterEntries()).isEmpty();
      c.activate(A);
      assertThat(f.sink.attempts()).isEmpty();
    }

    @Test
    void anExpiredResultBecomesADeliveryFailedEntry() {
      DeliveryCoordinator c = f.coordinator();
      c.deliverResult(R1, attempt(R1, 1), "r", null);
      f.clock.advance(JUST_OVER);

      c.tick();

      DeliveryId id = DeliveryId.forResult(attempt(R1, 1));
      assertThat(c.queued()).isEmpty();
      assertThat(f.store.pendingDeliveries()).isEmpty();
      assertThat(f.store.deadletterEntries())
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.reason()).isEqualTo(DeadletterReason.DELIVERY_FAILED);
                assertThat(e.deliveryId()).isEqualTo(id);
                assertThat(e.lastError()).contains("expired");
                assertThat(e.at()).isEqualTo(Fixture.T0.plus(JUST_OVER));
              });
      assertThat(c.stats().deadlettered()).isEqualTo(1);
      assertThat(c.stats().droppedTotal()).isZero();
      assertThat(f.heard.calls()).containsExactly("deadlettered r");
    }

    @Test
    void expiryIsAlsoJudgedAtTheHeadOfAFlush() {
      DeliveryCoordinator c = f.coordinator();
      c.deliverNotification(R1, 1, RunStatus.COMPLETED, "old-n", null);
      c.deliverResult(R1, attempt(R1, 1), "old-r", null);
      f.clock.advance(Duration.ofHours(1));
      c.deliverResult(R1, attempt(R1, 2), "fresh", null);
      f.clock.advance(Duration.ofHours(23).plusNanos(1));

      c.activate(A);

      assertThat(f.sink.acceptedPayloads()).containsExactly("fresh");
      assertThat(c.stats().dropped(DeliveryDropReason.EXPIRED)).isEqualTo(1);
      assertThat(c.stats().deadlettered()).isEqualTo(1);
    }

    @Test
    void itemsParkedForAnotherSessionExpireOnATick() {
      DeliveryCoordinator c = f.coordinator();
      c.activate(A);
      c.deliverSteer(R1, "for-b", B, null);
      f.clock.advance(JUST_OVER);
      c.tick();
      assertThat(c.queued()).isEmpty();
      assertThat(c.stats().dropped(DeliveryDropReason.EXPIRED)).isEqualTo(1);
    }

    @Test
    void whileExpiryIsDeferredNothingExpires() {
      DeliveryCoordinator c = f.coordinator();
      c.deliverNotification(R1, 1, RunStatus.COMPLETED, "n1", null);
      c.deliverResult(R1, attempt(R1, 1), "r1", null);
      c.deferExpiry(true);
      f.clock.advance(TTL.multipliedBy(2));

      c.tick();
      assertThat(c.queued()).hasSize(2);
      c.activate(A);
      assertThat(f.sink.acceptedPayloads()).containsExactly("n1", "r1");

      c.deactivate();
      c.deliverNotification(R1, 2, RunStatus.COMPLETED, "n2", null);
      f.clock.advance(JUST_OVER);
      c.deferExpiry(false);
      c.tick();
      assertThat(c.queued()).isEmpty();
      assertThat(c.stats().dropped(DeliveryDropReason.EXPIRED)).isEqualTo(1);
    }

    @Test
    void aShorterConfiguredTtlApplies() {
      f.config = DeliveryConfig.builder().ttl(Duration.ofMinutes(5)).build();
      DeliveryCoordinator c = f.coordinator();
      c.deliverNotification(R1, 1, RunStatus.COMPLETED, "n", null);
      f.clock.advance(Duration.ofMinutes(5).plusNanos(1));
      c.tick();
      assertThat(c.queued()).isEmpty();
    }
  }

  @Nested
  class Bound {
    private DeliveryCoordinator unpersisted(int bound) {
      f.config = DeliveryConfig.builder().bound(bound).persistResults(false).build();
      return f.coordinator();
    }

    @Test
    void onOverflowTheOldestNotificationOrSteerIsDroppedAndCounted() {
      DeliveryCoordinator c = unpersisted(3);
      c.deliverNotification(R1, 1, RunStatus.COMPLETED, "n1", null);
      c.deliverSteer(R1, "s2", null, null);
      c.deliverNotification(R1, 2, RunStatus.COMPLETED, "n3", null);

      assertThat(c.deliverSteer(R1, "s4", null, null)).isEqualTo(DeliveryOutcome.QUEUED);

      assertThat(c.queued()).extracting(Delivery::payload).containsExactly("s2", "n3", "s4");
      assertThat(c.stats().dropped(DeliveryDropReason.OVERFLOW)).isEqualTo(1);
      assertThat(f.heard.calls()).containsExactly("dropped n1 OVERFLOW");
      assertThat(f.store.eventsOf(R1))
          .extracting(e -> e.data().get("reason"))
          .containsExactly("OVERFLOW");
    }

    @Test
    void resultsAreSkippedWhenChoosingTheOldestToDrop() {
      DeliveryCoordinator c = unpersisted(3);
      c.deliverResult(R1, attempt(R1, 1), "r1", null);
      c.deliverSteer(R1, "s", null, null);
      c.deliverResult(R1, attempt(R1, 2), "r2", null);

      c.deliverNotification(R1, 1, RunStatus.COMPLETED, "n", null);

      assertThat(c.queued()).extracting(Delivery::payload).containsExactly("r1", "r2", "n");
    }

    @Test
    void whenOnlyResultsRemainANewNotificationOrSteerIsItselfDroppedAndAResultIsRefused() {
      DeliveryCoordinator c = unpersisted(2);
      c.deliverResult(R1, attempt(R1, 1), "r1", null);
      c.deliverResult(R1, attempt(R1, 2), "r2", null);

      assertThat(c.deliverNotification(R1, 1, RunStatus.COMPLETED, "n", null))
          .isEqualTo(DeliveryOutcome.DROPPED);
      assertThat(c.deliverSteer(R1, "s", null, null)).isEqualTo(DeliveryOutcome.DROPPED);
      assertThatThrownBy(() -> c.deliverResult(R1, attempt(R1, 3), "r3", null))
          .isInstanceOfSatisfying(
              DeliveryQueueFullException.class, e -> assertThat(e.bound()).isEqualTo(2));

      assertThat(c.queued()).extracting(Delivery::payload).containsExactly("r1", "r2");
      assertThat(c.stats().dropped(DeliveryDropReason.OVERFLOW)).isEqualTo(2);
      assertThat(f.heard.calls()).containsExactly("dropped n OVERFLOW", "dropped s OVERFLOW");
      // The refused result left no trace: a retry after room is made succeeds.
      c.activate(A);
      assertThat(c.deliverResult(R1, attempt(R1, 3), "r3", null))
          .isEqualTo(DeliveryOutcome.DELIVERED);
    }

    @Test
    void persistedResultsDoNotCountAgainstTheBoundAndNeverRaiseQueueFull() {
      f.config = DeliveryConfig.builder().bound(2).build(); // results persisted by default
      DeliveryCoordinator c = f.coordinator();
      for (int i = 1; i <= 5; i++) {
        assertThat(c.deliverResult(R1, attempt(R1, i), "r" + i, null))
            .isEqualTo(DeliveryOutcome.QUEUED);
      }
      c.deliverNotification(R1, 1, RunStatus.COMPLETED, "n1", null);
      c.deliverNotification(R1, 2, RunStatus.COMPLETED, "n2", null);
      assertThat(c.queued()).hasSize(7);
      assertThat(c.stats().droppedTotal()).isZero();

      c.deliverNotification(R1, 3, RunStatus.COMPLETED, "n3", null);

      assertThat(c.queued())
          .extracting(Delivery::payload)
          .containsExactly("r1", "r2", "r3", "r4", "r5", "n2", "n3");
      assertThat(c.stats().dropped(DeliveryDropReason.OVERFLOW)).isEqualTo(1);
      assertThat(f.store.pendingDeliveries()).hasSize(5);
    }
  }

  @Test
  void expiredAndDeadletteredResultsNameTheRunsEpoch() {
    DeliveryCoordinator c = f.coordinator();
    c.deliverResult(R1, attempt(R1, 1), "r", null);
    dev.crewrecovery.api.RunSnapshot run = f.store.load(R1).orElseThrow();
    f.store.put(run.withManifest(run.manifest().toBuilder().epoch(4).build()));
    f.clock.advance(JUST_OVER);
    c.tick();
    assertThat(f.store.deadletterEntries()).extracting(DeadletterEntry::epoch).containsExactly(4L);
  }
}
