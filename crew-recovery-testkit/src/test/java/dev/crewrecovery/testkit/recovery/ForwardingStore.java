package dev.crewrecovery.testkit.recovery;

import dev.crewrecovery.api.spi.RunStore;
import dev.crewrecovery.testkit.ForwardingRunStore;

/** A forwarding store whose delegate the tests of this package reach directly. */
class ForwardingStore extends ForwardingRunStore {
  final RunStore delegate;

  ForwardingStore(RunStore delegate) {
    super(delegate);
    this.delegate = delegate;
  }
}
