/**
 * The crew-recovery engine: the ledger, heartbeat classification and watcher, the decision
 * function, the recovery loop, retry, deadletter, delivery coordination, the {@code CrewRecovery}
 * facade and the embedded defaults (file store, process probe, system clock).
 *
 * <p>Implementation details live in {@code dev.crewrecovery.core.internal}, which is not exported;
 * the testkit alone may reach the engine through {@code internal.engine} to drive it step by step.
 */
module dev.crewrecovery.core {
  requires transitive dev.crewrecovery.api;
  requires com.fasterxml.jackson.databind;
  requires static org.jspecify;

  exports dev.crewrecovery.core;
  exports dev.crewrecovery.core.internal.engine to
      dev.crewrecovery.testkit;
}
