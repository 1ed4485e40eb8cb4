/**
 * The crew-recovery engine: the ledger, heartbeat classification and watcher, the decision
 * function, the recovery loop, retry, deadletter, delivery coordination, the {@code CrewRecovery}
 * facade and the embedded defaults (file store, process probe, system clock).
 *
 * <p>Implementation details live in {@code dev.crewrecovery.core.internal}, which is not exported.
 */
module dev.crewrecovery.core {
  requires transitive dev.crewrecovery.api;
  requires com.fasterxml.jackson.databind;
  requires static org.jspecify;

  exports dev.crewrecovery.core;
}
