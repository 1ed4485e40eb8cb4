package dev.crewrecovery.testkit;

import dev.crewrecovery.api.CrewRecoveryException;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.spi.DeliverySink;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link DeliverySink} that records what it accepted, in order, and can be told to refuse: {@link
 * #failNext(int)} refuses the next n deliveries, {@link #setActive(boolean) setActive(false)}
 * refuses every delivery until it is active again. A refusal throws {@link CrewRecoveryException}
 * and records nothing in {@link #delivered()}; every call, accepted or refused, is in {@link
 * #attempts()}.
 *
 * <p>Thread-safe.
 */
public final class RecordingDeliverySink implements DeliverySink {

  private final List<Delivery> delivered = new ArrayList<>();
  private final List<Delivery> attempts = new ArrayList<>();
  private int failuresLeft;
  private boolean active = true;

  /** Creates an active sink that accepts everything. */
  public RecordingDeliverySink() {}

  /**
   * Records the delivery, or refuses it when inactive or when a scripted failure is left.
   *
   * @throws CrewRecoveryException to refuse the delivery
   */
  @Override
  public synchronized void deliver(Delivery delivery) {
    Objects.requireNonNull(delivery, "delivery");
    attempts.add(delivery);
    if (!active) {
      throw new CrewRecoveryException(
          "RecordingDeliverySink is inactive; refused delivery " + delivery.id());
    }
    if (failuresLeft > 0) {
      failuresLeft--;
      throw new CrewRecoveryException(
          "RecordingDeliverySink refused delivery "
              + delivery.id()
              + " as scripted by failNext ("
              + failuresLeft
              + " more to refuse)");
    }
    delivered.add(delivery);
  }

  /**
   * Refuses the next {@code n} deliveries (replacing any count left from an earlier call).
   *
   * @param n how many deliveries to refuse, not negative
   * @throws IllegalArgumentException if {@code n} is negative
   */
  public synchronized void failNext(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must not be negative, was " + n);
    }
    failuresLeft = n;
  }

  /**
   * Makes the sink accept (true) or refuse every delivery (false).
   *
   * @param active whether the consumer is there
   */
  public synchronized void setActive(boolean active) {
    this.active = active;
  }

  /** Returns whether the sink accepts deliveries (scripted failures aside). */
  public synchronized boolean isActive() {
    return active;
  }

  /**
   * Returns the accepted deliveries, in the order they were accepted (repeats included).
   *
   * @return a copy
   */
  public synchronized List<Delivery> delivered() {
    return List.copyOf(delivered);
  }

  /**
   * Returns the ids of the accepted deliveries, in order (repeats included).
   *
   * @return a copy
   */
  public synchronized List<DeliveryId> deliveredIds() {
    return delivered.stream().map(Delivery::id).toList();
  }

  /**
   * Returns every delivery handed to the sink, accepted or refused, in call order.
   *
   * @return a copy
   */
  public synchronized List<Delivery> attempts() {
    return List.copyOf(attempts);
  }

  /** Forgets what was recorded; the active flag and scripted failures stay. */
  public synchronized void clear() {
    delivered.clear();
    attempts.clear();
  }
}
