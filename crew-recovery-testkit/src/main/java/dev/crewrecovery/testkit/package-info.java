/**
 * Test support for hosts and store implementers: {@code FakeClock} (wall and monotonic time set
 * apart), {@code FakeProcessProbe}, {@code InMemoryRunStore}, {@code RecordingDeliverySink},
 * snapshot builders, a manual driver that runs the real engine on these fakes one step at a time,
 * and the {@code RunStoreContract} suite of abstract JUnit classes that a store's tests extend.
 */
@NullMarked
package dev.crewrecovery.testkit;

import org.jspecify.annotations.NullMarked;
