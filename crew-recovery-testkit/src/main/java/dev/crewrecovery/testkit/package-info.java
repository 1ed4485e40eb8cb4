/**
 * Test support for hosts and store implementers: {@code FakeClock} (wall and monotonic time set
 * apart), {@code FakeProcessProbe}, {@code InMemoryRunStore}, {@code RecordingDeliverySink},
 * snapshot builders, {@code ManualDriver} that runs the real engine on these fakes one step at a
 * time, {@code Simulation} of seeded fault schedules checked against {@code SimulationInvariants}
 * (with shrinking and replay), and the {@code RunStoreContract} suite of abstract JUnit classes
 * that a store's tests extend.
 */
@NullMarked
package dev.crewrecovery.testkit;

import org.jspecify.annotations.NullMarked;
