/**
 * Deliveries (DESIGN section 11): the sources the ledger reports every recorded result and every
 * terminal transition of a run to after its commit ({@link
 * dev.crewrecovery.core.internal.delivery.DeliverySource}), and the delivery coordinator's
 * implementation, which is such a source: one FIFO queue indexed by owner, a flushing flag that
 * keeps the sink single-threaded and outside the lock, persistence of results through the store,
 * and the TTL, bound and failure rules. {@link
 * dev.crewrecovery.core.internal.delivery.RecordingDeliverySource} keeps items in memory where no
 * coordinator is wired. Not exported.
 */
@NullMarked
package dev.crewrecovery.core.internal.delivery;

import org.jspecify.annotations.NullMarked;
