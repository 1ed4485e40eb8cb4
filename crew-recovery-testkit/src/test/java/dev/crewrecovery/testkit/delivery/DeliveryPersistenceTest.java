package dev.crewrecovery.testkit.delivery;

import static dev.crewrecovery.testkit.delivery.Fixture.A;
import static dev.crewrecovery.testkit.delivery.Fixture.B;
import static dev.crewrecovery.testkit.delivery.Fixture.R1;
import static dev.crewrecovery.testkit.delivery.Fixture.R2;
import static dev.crewrecovery.testkit.delivery.Fixture.attempt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.DeliveryKind;
import dev.crewrecovery.api.RunStatus;
import dev.crewrecovery.api.StoreIoException;
import dev.crewrecovery.core.DeliveryConfig;
import dev.crewrecovery.core.DeliveryCoordinator;
import dev.crewrecovery.core.DeliveryDropReason;
import dev.crewrecovery.core.DeliveryOutcome;
import dev.crewrecovery.testkit.InMemoryRunStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DESIGN section 11: persisted results, restarts and the crash between acceptance and mark. */
class DeliveryPersistenceTest {

  private final Fixture f = new Fixture();

  @Test
  void aResultIsPersistedWhenQueuedRepersistedOnFailureAndMarkedOnSuccess() {
    DeliveryCoordinator c = f.coordinator();
    c.deliverResult(R1, attempt(R1, 1), "r", B);
    Delivery queued = c.queued().get(0);
    assertThat(f.store.pendingDeliveries()).containsExactly(queued);

    f.sink.refuseAll();
    c.activate(B);
    assertThat(f.store.pendingDeliveries())
        .singleElement()
        .extracting(Delivery::failedAttempts)
        .isEqualTo(1);

    f.sink.acceptAll();
    f.clock.advance(Duration.ofSeconds(5));
    c.tick();
    assertThat(f.store.pendingDeliveries()).isEmpty();
    assertThat(f.store.deliveredIds())
        .containsEntry(queued.id(), Fixture.T0.plus(Duration.ofSeconds(5)));
  }

  @Test
  void notificationsAndSteersAreNotPersistedButTheirDeliveryIsRecorded() {
    DeliveryCoordinator c = f.coordinator();
    c.deliverNotification(R1, 1, RunStatus.FAILED, "n", null);
    c.deliverSteer(R1, "s", null, DeliveryId.of("s-1"));
    assertThat(f.store.pendingDeliveries()).isEmpty();
    c.activate(A);
    assertThat(f.store.deliveredIds())
        .containsKeys(DeliveryId.forNotification(R1, 1, RunStatus.FAILED), DeliveryId.of("s-1"));
  }

  @Test
  void withPersistenceOffResultsStayInMemory() {
    f.config = DeliveryConfig.builder().persistResults(false).build();
    DeliveryCoordinator c = f.coordinator();
    c.deliverResult(R1, attempt(R1, 1), "r", null);
    assertThat(f.store.pendingDeliveries()).isEmpty();
    assertThat(f.store.calls("enqueueDelivery")).isZero();
    assertThat(c.stats().persistedQueued()).isZero();
  }

  @Test
  void aNewCoordinatorOnTheSameStoreReloadsPendingResultsInOrderWithTheirFailures() {
    DeliveryCoordinator first = f.coordinator();
    first.deliverResult(R1, attempt(R1, 1), "r1", null);
    first.deliverResult(R2, attempt(R2, 1), "r2", B);
    first.deliverResult(R1, attempt(R1, 2), "r3", null);
    f.sink.refuseAll();
    first.activate(A);
    first.tick(); // r1 has failed twice
    f.sink.acceptAll();

    // The host restarted: a new coordinator on the same data.
    DeliveryCoordinator second = f.coordinator(new ForwardingStore(f.store.inner().reopen()));
    assertThat(second.queued())
        .extracting(Delivery::payload, Delivery::failedAttempts, Delivery::owner)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("r1", 2, null),
            org.assertj.core.groups.Tuple.tuple("r2", 0, B),
            org.assertj.core.groups.Tuple.tuple("r3", 0, null));
    assertThat(second.stats().persistedQueued()).isEqualTo(3);

    second.activate(A);
    assertThat(f.sink.acceptedPayloads()).containsExactly("r1", "r3");
    second.activate(B);
    assertThat(f.sink.acceptedPayloads()).containsExactly("r1", "r3", "r2");
    assertThat(f.store.pendingDeliveries()).isEmpty();
  }

  @Test
  void aReloadedItemKeepsCountingTowardsTheDeadletter() {
    DeliveryCoordinator first = f.coordinator();
    first.deliverResult(R1, attempt(R1, 1), "r", null);
    f.sink.refuseAll();
    first.activate(A);
    for (int i = 0; i < 3; i++) {
      first.tick();
    }
    DeliveryCoordinator second = f.coordinator();
    second.activate(A); // the fifth failure
    assertThat(second.queued()).isEmpty();
    assertThat(f.store.deadletterEntries()).hasSize(1);
  }

  @Test
  void aPendingSteerFromBeforeTheRestartIsOfAnOlderGenerationAndDropped() {
    Delivery steer =
        new Delivery(
            DeliveryId.of("old-steer"), DeliveryKind.STEER, R1, null, "s", Fixture.T0, 3, 0);
    Delivery notification =
        new Delivery(
            DeliveryId.forNotification(R1, 1, RunStatus.FAILED),
            DeliveryKind.NOTIFICATION,
            R1,
            null,
            "n",
            Fixture.T0,
            3,
            0);
    f.store.enqueueDelivery(steer);
    f.store.enqueueDelivery(notification);

    DeliveryCoordinator c = f.coordinator();

    assertThat(c.queued()).extracting(Delivery::payload).containsExactly("n");
    assertThat(c.queued().get(0).generation()).isZero();
    assertThat(c.stats().dropped(DeliveryDropReason.STALE_GENERATION)).isEqualTo(1);
    assertThat(f.store.pendingDeliveries()).containsExactly(notification);
    assertThat(f.heard.calls()).containsExactly("dropped s STALE_GENERATION");

    // A stored (reloaded) notification that expires is removed from the store as well.
    f.clock.advance(DeliveryConfig.DEFAULT_TTL.plusNanos(1));
    c.tick();
    assertThat(f.store.pendingDeliveries()).isEmpty();
  }

  @Test
  void aPendingItemWhoseIdIsRecordedDeliveredIsNotRedelivered() {
    DeliveryId id = DeliveryId.forResult(attempt(R1, 1));
    // The store recorded the delivery but kept the pending copy (a crash inside markDelivered).
    f.store.markDelivered(id, Fixture.T0);
    f.store.enqueueDelivery(new Delivery(id, DeliveryKind.RESULT, R1, null, "r", Fixture.T0, 0, 0));

    DeliveryCoordinator c = f.coordinator();
    c.activate(A);

    assertThat(f.sink.attempts()).isEmpty();
    assertThat(f.store.pendingDeliveries()).isEmpty();
    assertThat(c.stats().duplicates()).isEqualTo(1);
  }

  /** A store that "crashes" the host at the first mark: it records nothing and throws. */
  private static final class CrashAtMark extends ForwardingStore {
    private boolean crashed;

    CrashAtMark(InMemoryRunStore inner) {
      super(inner);
    }

    @Override
    public void markDelivered(DeliveryId id, Instant now) {
      if (!crashed) {
        crashed = true;
        throw new StoreIoException("host crashed before the mark (test)", null);
      }
      super.markDelivered(id, now);
    }
  }

  @Test
  void aCrashBetweenAcceptanceAndMarkYieldsOneDuplicateAndNoLoss() {
    CrashAtMark store = new CrashAtMark(InMemoryRunStore.open(f.clock));
    store.put(f.store.load(R1).orElseThrow());
    List<Boolean> pendingWhenAccepted = new ArrayList<>();
    f.sink.onDeliver(
        d ->
            pendingWhenAccepted.add(
                store.pendingDeliveries().stream().anyMatch(p -> p.id().equals(d.id()))));

    DeliveryCoordinator first = f.coordinator(store);
    first.activate(A);
    assertThat(first.deliverResult(R1, attempt(R1, 1), "r", null))
        .isEqualTo(DeliveryOutcome.DELIVERED);
    // The coordinator does not deliver it again itself...
    first.tick();
    first.activate(A);
    assertThat(f.sink.acceptedPayloads()).containsExactly("r");
    assertThat(f.logger.contains("could not be marked delivered")).isTrue();
    // ...and the mark was never made before the sink accepted.
    assertThat(pendingWhenAccepted).containsExactly(true);

    // The host restarts on the same data: the result is delivered exactly once more.
    ForwardingStore restarted = new ForwardingStore(store.inner().reopen());
    DeliveryCoordinator second = f.coordinator(restarted);
    second.activate(A);
    assertThat(f.sink.acceptedPayloads()).containsExactly("r", "r");

    DeliveryCoordinator third = f.coordinator(new ForwardingStore(restarted.inner().reopen()));
    third.activate(A);
    assertThat(f.sink.acceptedPayloads()).containsExactly("r", "r");
    assertThat(restarted.pendingDeliveries()).isEmpty();
  }

  @Test
  void aStoreFailureWhileDeadletteringPropagatesAndLeavesTheItemQueued() {
    ForwardingStore failing =
        new ForwardingStore(InMemoryRunStore.open(f.clock)) {
          private boolean fail = true;

          @Override
          public boolean appendDeadletter(DeadletterEntry entry) {
            if (fail) {
              fail = false;
              throw new StoreIoException("disk full (test)", null);
            }
            return super.appendDeadletter(entry);
          }
        };
    failing.put(f.store.load(R1).orElseThrow());
    f.config = DeliveryConfig.builder().maxFailures(1).build();
    DeliveryCoordinator c = f.coordinator(failing);
    c.activate(A);
    f.sink.refuseAll();

    assertThatThrownBy(() -> c.deliverResult(R1, attempt(R1, 1), "r", null))
        .isInstanceOf(StoreIoException.class);
    assertThat(c.queued()).hasSize(1);
    assertThat(failing.pendingDeliveries()).hasSize(1);

    c.tick(); // the flushing flag was released: the retry deadletters it
    assertThat(c.queued()).isEmpty();
    assertThat(failing.deadletterEntries()).hasSize(1);
    assertThat(failing.pendingDeliveries()).isEmpty();
  }

  @Test
  void aStoreFailureWhenPersistingRefusesTheResultAndQueuesNothing() {
    ForwardingStore failing =
        new ForwardingStore(InMemoryRunStore.open(f.clock)) {
          private boolean fail = true;

          @Override
          public boolean enqueueDelivery(Delivery delivery) {
            if (fail) {
              fail = false;
              throw new StoreIoException("disk full (test)", null);
            }
            return super.enqueueDelivery(delivery);
          }
        };
    DeliveryCoordinator c = f.coordinator(failing);
    assertThatThrownBy(() -> c.deliverResult(R1, attempt(R1, 1), "r", A))
        .isInstanceOf(StoreIoException.class);
    assertThat(c.queued()).isEmpty();
    // Nothing of the refused call remains: the same result is accepted afterwards.
    assertThat(c.deliverResult(R1, attempt(R1, 1), "r", A)).isEqualTo(DeliveryOutcome.QUEUED);
  }
}
