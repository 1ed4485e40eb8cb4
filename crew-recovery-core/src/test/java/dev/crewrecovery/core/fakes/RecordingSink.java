package dev.crewrecovery.core.fakes;

import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.spi.DeliverySink;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A sink that records every attempt and every accepted item. It refuses an item while {@link
 * #refuseIf} says so, and runs {@link #onDeliver} (for latches) before deciding.
 */
public final class RecordingSink implements DeliverySink {
  private final List<Delivery> attempts = new ArrayList<>();
  private final List<Delivery> accepted = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile Predicate<Delivery> refuseIf = d -> false;
  private volatile Consumer<Delivery> onDeliver = d -> {};

  @Override
  public void deliver(Delivery delivery) {
    synchronized (this) {
      attempts.add(delivery);
      threads.add(Thread.currentThread());
    }
    onDeliver.accept(delivery);
    if (refuseIf.test(delivery)) {
      throw new IllegalStateException("refused " + delivery.id());
    }
    synchronized (this) {
      accepted.add(delivery);
    }
  }

  public void refuseIf(Predicate<Delivery> p) {
    this.refuseIf = p;
  }

  public void refuseAll() {
    this.refuseIf = d -> true;
  }

  public void acceptAll() {
    this.refuseIf = d -> false;
  }

  public void onDeliver(Consumer<Delivery> c) {
    this.onDeliver = c;
  }

  public synchronized List<Delivery> attempts() {
    return List.copyOf(attempts);
  }

  public synchronized List<Delivery> accepted() {
    return List.copyOf(accepted);
  }

  public synchronized List<Thread> threads() {
    return List.copyOf(threads);
  }

  public synchronized List<DeliveryId> acceptedIds() {
    return accepted.stream().map(Delivery::id).toList();
  }

  public synchronized List<String> acceptedPayloads() {
    return accepted.stream().map(Delivery::payload).toList();
  }
}
