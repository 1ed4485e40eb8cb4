/**
 * The crew-recovery engine: the ledger, heartbeat classification and watcher, the decision
 * function, the recovery loop, retry, deadletter, delivery coordination, the {@code CrewRecovery}
 * facade and the embedded defaults (file store, process probe, system clock).
 *
 * <p>Implementation details live in {@code dev.crewrecovery.core.internal}, which is not exported;
 * the testkit alone may reach the engine's internal packages, to drive it one step at a time.
 */
@SuppressWarnings("module") // the qualified exports name the testkit, which is built after core
module dev.crewrecovery.core {
  requires transitive dev.crewrecovery.api;
  requires com.fasterxml.jackson.databind;
  requires static org.jspecify;

  exports dev.crewrecovery.core;
  // The testkit's driver runs the engine one step at a time; nobody else may reach inside.
  exports dev.crewrecovery.core.internal.engine to
      dev.crewrecovery.testkit;
  exports dev.crewrecovery.core.internal.session to
      dev.crewrecovery.testkit;
  exports dev.crewrecovery.core.internal.heartbeat to
      dev.crewrecovery.testkit;
  exports dev.crewrecovery.core.internal.ledger to
      dev.crewrecovery.testkit;
  exports dev.crewrecovery.core.internal.delivery to
      dev.crewrecovery.testkit;
  exports dev.crewrecovery.core.internal.decide to
      dev.crewrecovery.testkit;
  exports dev.crewrecovery.core.internal.recovery to
      dev.crewrecovery.testkit;
  exports dev.crewrecovery.core.internal.waiting to
      dev.crewrecovery.testkit;
}
