package dev.crewrecovery.core.internal.session;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Makes a host's {@link RandomGenerator} safe to share: the ledger draws jitter from any thread,
 * and most generators are not thread-safe.
 */
public final class LockedRandom implements RandomGenerator {
  private final RandomGenerator delegate;

  /**
   * Wraps a generator.
   *
   * @param delegate the generator
   */
  public LockedRandom(RandomGenerator delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public synchronized long nextLong() {
    return delegate.nextLong();
  }

  @Override
  public synchronized double nextDouble() {
    return delegate.nextDouble();
  }
}
