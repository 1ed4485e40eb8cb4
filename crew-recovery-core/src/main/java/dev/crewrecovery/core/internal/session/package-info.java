/**
 * A session's identity and state: its lease and incarnation, the runs it owns with their epochs
 * (for fencing host writes), lease renewal, time-discontinuity detection and the grace window, the
 * guarded listener, and the self-rescheduling loops on the session's scheduler thread. Not
 * exported.
 */
@NullMarked
package dev.crewrecovery.core.internal.session;

import org.jspecify.annotations.NullMarked;
