/**
 * The machinery behind {@code dev.crewrecovery.core.SystemProcessProbe}: parsing of {@code
 * /proc/<pid>/stat}, the liveness rules that compare a {@code ProcessRef} with what the system
 * shows, the exit watcher (event-driven for children of this JVM, one shared poller for every other
 * process) and the TERM-then-KILL sequence. Not exported by the module descriptor; nothing here is
 * API and any of it may change in any release.
 */
@NullMarked
package dev.crewrecovery.core.internal.process;

import org.jspecify.annotations.NullMarked;
