/**
 * The embedded file store behind {@code dev.crewrecovery.core.FileRunStore}: the directory layout,
 * the durable write protocol (temp file, force, atomic move, directory sync), the per-run locks (an
 * in-JVM registry in front of {@code FileChannel} locks), the JSON documents and their schema
 * versions, quarantine of corrupt files, the event outbox, and the heartbeat slots written in place
 * on the fast path. Not exported by the module descriptor; nothing here is API.
 */
@NullMarked
package dev.crewrecovery.core.internal.store;

import org.jspecify.annotations.NullMarked;
