package dev.crewrecovery.testkit.delivery;

import dev.crewrecovery.api.AttemptId;
import dev.crewrecovery.api.DeadletterEntry;
import dev.crewrecovery.api.Delivery;
import dev.crewrecovery.api.Manifest;
import dev.crewrecovery.api.Owner;
import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.api.SessionId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.TaskState;
import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.core.DeliveryConfig;
import dev.crewrecovery.core.DeliveryCoordinator;
import dev.crewrecovery.core.DeliveryDropReason;
import dev.crewrecovery.core.DeliveryListener;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.InMemoryRunStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Shared set-up of the coordinator tests: the testkit's fake clock, in-memory store (seen through a
 * {@link ForwardingStore}) and recording sink (behind a {@link ScriptedSink}).
 */
final class Fixture {
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  static final SessionId A = SessionId.of("session-a");
  static final SessionId B = SessionId.of("session-b");
  static final SessionId C = SessionId.of("session-c");
  static final RunId R1 = RunId.of("run-1");
  static final RunId R2 = RunId.of("run-2");
  static final TaskId T = TaskId.of("t");

  final FakeClock clock = new FakeClock(T0);
  final ForwardingStore store = new ForwardingStore(InMemoryRunStore.open(clock));
  final ScriptedSink sink = new ScriptedSink();
  final RecordingLogger logger = new RecordingLogger();
  final Heard heard = new Heard();
  DeliveryConfig config = DeliveryConfig.defaults();

  Fixture() {
    putRun(R1, null);
    putRun(R2, null);
  }

  DeliveryCoordinator coordinator() {
    return coordinator(store);
  }

  DeliveryCoordinator coordinator(RunStore on) {
    return DeliveryCoordinator.create(on, sink, clock, config, heard, logger);
  }

  void putRun(RunId runId, @Nullable Owner owner) {
    store.put(
        RunSnapshot.initial(Manifest.created(runId, owner, T0), List.of(TaskState.queued(T))));
  }

  static AttemptId attempt(RunId runId, int n) {
    return AttemptId.of(runId, T, n);
  }

  /** Records every listener call. */
  static final class Heard implements DeliveryListener {
    final List<String> calls = new ArrayList<>();
    final List<DeadletterEntry> deadletters = new ArrayList<>();

    @Override
    public void dropped(Delivery delivery, DeliveryDropReason reason) {
      calls.add("dropped " + delivery.payload() + " " + reason);
    }

    @Override
    public void failed(Delivery delivery, Exception error) {
      calls.add("failed " + delivery.payload() + " " + delivery.failedAttempts());
    }

    @Override
    public void deadlettered(Delivery delivery, DeadletterEntry entry) {
      calls.add("deadlettered " + delivery.payload());
      deadletters.add(entry);
    }

    synchronized List<String> calls() {
      return List.copyOf(calls);
    }
  }
}
