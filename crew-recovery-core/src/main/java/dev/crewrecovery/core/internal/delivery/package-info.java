/**
 * The delivery coordinator's implementation: one FIFO queue indexed by owner, a flushing flag that
 * keeps the sink single-threaded and outside the lock, persistence of results through the store,
 * and the TTL, bound and failure rules of DESIGN section 11. Not exported.
 */
@NullMarked
package dev.crewrecovery.core.internal.delivery;

import org.jspecify.annotations.NullMarked;
