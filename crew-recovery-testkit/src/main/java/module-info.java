/**
 * Test support for crew-recovery: fakes for the SPIs, a driver that runs the real engine one step
 * at a time, and the {@code RunStore} contract suite that an integrator extends to test a store.
 */
module dev.crewrecovery.testkit {
  requires transitive dev.crewrecovery.core;
  requires transitive org.junit.jupiter.api;
  requires static org.jspecify;

  exports dev.crewrecovery.testkit;

  // The contract's test methods are package-private, as JUnit recommends; JUnit reaches them
  // reflectively when an integrator's tests run on the module path.
  opens dev.crewrecovery.testkit to
      org.junit.platform.commons;
}
