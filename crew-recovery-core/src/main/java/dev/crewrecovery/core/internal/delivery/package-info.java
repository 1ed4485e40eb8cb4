/**
 * The sources of deliveries (DESIGN section 11): the ledger reports every recorded result and every
 * terminal transition of a run here after its commit. The delivery coordinator will implement
 * {@link dev.crewrecovery.core.internal.delivery.DeliverySource}; until then {@link
 * dev.crewrecovery.core.internal.delivery.RecordingDeliverySource} keeps the items in memory. Not
 * exported.
 */
@NullMarked
package dev.crewrecovery.core.internal.delivery;

import org.jspecify.annotations.NullMarked;
