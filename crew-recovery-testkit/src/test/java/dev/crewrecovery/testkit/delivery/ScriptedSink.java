package dev.crewrecovery.testkit.delivery;

import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.DeliveryId;
import dev.crewrecovery.api.spi.DeliverySink;
import dev.crewrecovery.testkit.RecordingDeliverySink;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The testkit's {@link RecordingDeliverySink} with two hooks the coordinator tests need: {@link
 * #onDeliver} runs first (latches live there), and {@link #refuseIf} scripts a refusal of chosen
 * items (through the recorder's {@code failNext}, so refusals are recorded as attempts).
 */
public final class ScriptedSink implements DeliverySink {
  private final RecordingDeliverySink recorder = new RecordingDeliverySink();
  private final List<Thread> threads = new ArrayList<>();
  private volatile Predicate<Delivery> refuseIf = d -> false;
  private volatile Consumer<Delivery> onDeliver = d -> {};

  @Override
  public void deliver(Delivery delivery) {
    synchronized (threads) {
      threads.add(Thread.currentThread());
    }
    onDeliver.accept(delivery);
    synchronized (recorder) {
      if (refuseIf.test(delivery)) {
        recorder.failNext(1);
      }
      recorder.deliver(delivery);
    }
  }

  public void refuseIf(Predicate<Delivery> p) {
    this.refuseIf = p;
  }

  public void refuseAll() {
    recorder.setActive(false);
  }

  public void acceptAll() {
    refuseIf = d -> false;
    recorder.setActive(true);
  }

  public void onDeliver(Consumer<Delivery> c) {
    this.onDeliver = c;
  }

  public List<Delivery> attempts() {
    return recorder.attempts();
  }

  public List<Delivery> accepted() {
    return recorder.delivered();
  }

  public List<DeliveryId> acceptedIds() {
    return recorder.deliveredIds();
  }

  public List<String> acceptedPayloads() {
    return recorder.delivered().stream().map(Delivery::payload).toList();
  }

  public List<Thread> threads() {
    synchronized (threads) {
      return List.copyOf(threads);
    }
  }
}
