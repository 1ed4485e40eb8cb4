/**
 * Heartbeat observation, classification and the per-session heartbeat watcher (DESIGN section 6).
 *
 * <p>{@link dev.crewrecovery.core.internal.heartbeat.ObservationTracker} turns raw heartbeat slots
 * into observations that do not trust the worker's clock after the first sight; {@link
 * dev.crewrecovery.core.internal.heartbeat.HeartbeatClassifier} is the pure function from an
 * observation to a level; {@link dev.crewrecovery.core.internal.heartbeat.HeartbeatWatcher} is the
 * loop that watches the running tasks of the runs a session owns. Not exported.
 */
@NullMarked
package dev.crewrecovery.core.internal.heartbeat;

import org.jspecify.annotations.NullMarked;
