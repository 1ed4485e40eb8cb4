package dev.crewrecovery.testkit.engine;

import dev.crewrecovery.api.RunId;
import dev.crewrecovery.api.RunSnapshot;
import dev.crewrecovery.testkit.FakeClock;
import dev.crewrecovery.testkit.InMemoryRunStore;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A store in which one run's state can vanish (its {@code load} answers empty). */
final class VanishingStore extends ForwardingStore {
  volatile @Nullable RunId hidden;

  VanishingStore(FakeClock clock) {
    super(InMemoryRunStore.open(clock));
  }

  @Override
  public Optional<RunSnapshot> load(RunId runId) {
    return runId.equals(hidden) ? Optional.empty() : super.load(runId);
  }
}
