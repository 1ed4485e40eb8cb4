/**
 * Test support for crew-recovery: fakes for the SPIs, a driver that runs the real engine one step
 * at a time, and the {@code RunStore} contract suite that an integrator extends to test a store.
 */
module dev.crewrecovery.testkit {
  requires transitive dev.crewrecovery.core;
  requires transitive org.junit.jupiter.api;
  requires static org.jspecify;

  exports dev.crewrecovery.testkit;
}
