/**
 * The assembly of one session's engine behind the {@code CrewRecovery} facade: its parts, its
 * scheduler thread and life cycle, and {@link dev.crewrecovery.core.internal.engine.EngineAccess},
 * the door through which the testkit drives the engine one step at a time. Not exported except to
 * the testkit.
 */
@NullMarked
package dev.crewrecovery.core.internal.engine;

import org.jspecify.annotations.NullMarked;
