package dev.crewrecovery.testkit;

import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.TaskId;
import dev.crewrecovery.api.spi.Clock;
import dev.crewrecovery.api.spi.RunStore;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Runs the whole contract, hooks included, against {@link InMemoryRunStore}: its reopen and
 * corruption simulations stand in for a store that persists.
 */
class InMemoryRunStoreContractTest extends RunStoreContract {

  private @Nullable InMemoryRunStore last;

  @Override
  protected RunStore openStore(Clock clock, Duration lockTimeout) {
    InMemoryRunStore store = InMemoryRunStore.builder(clock).lockTimeout(lockTimeout).build();
    last = store;
    return store;
  }

  @Override
  protected RunStore reopen(Clock clock, Duration lockTimeout) {
    InMemoryRunStore store = current().reopen(clock, lockTimeout);
    last = store;
    return store;
  }

  @Override
  protected void writeSnapshotWithSchemaVersion(RunId runId, long schemaVersion) {
    current().simulateNewerSchema(runId, schemaVersion);
  }

  @Override
  protected void corruptSnapshot(RunId runId) {
    current().simulateCorruptSnapshot(runId);
  }

  @Override
  protected void corruptHeartbeatSlot(RunId runId, TaskId taskId) {
    current().corruptSlot(runId, taskId);
  }

  private InMemoryRunStore current() {
    InMemoryRunStore store = last;
    if (store == null) {
      throw new IllegalStateException("no store was opened");
    }
    return store;
  }
}
