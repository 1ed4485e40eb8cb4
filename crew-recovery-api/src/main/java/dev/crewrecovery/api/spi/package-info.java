/**
 * The service-provider interfaces an integrator implements: {@link
 * dev.crewrecovery.api.spi.RunStore} (persistence), {@link dev.crewrecovery.api.spi.ProcessProbe}
 * (process liveness), {@link dev.crewrecovery.api.spi.Clock} (all time) and {@link
 * dev.crewrecovery.api.spi.DeliverySink} (hands results to a consumer), with the small value types
 * their methods exchange.
 *
 * <p>The testkit's {@code RunStoreContract} states the store contract as executable tests; an
 * implementation is conforming when it passes them.
 */
@NullMarked
package dev.crewrecovery.api.spi;

import org.jspecify.annotations.NullMarked;
