/**
 * Implementation details of the engine: ledger bookkeeping, heartbeat classification, the decision
 * function, the recovery and watcher loops, retry and deadletter handling. Not exported by the
 * module descriptor; nothing here is API and any of it may change in any release.
 */
@NullMarked
package dev.crewrecovery.core.internal;

import org.jspecify.annotations.NullMarked;
