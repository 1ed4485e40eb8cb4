/**
 * JMH benchmarks and measurement harnesses of crew-recovery (docs/performance.md). They run on the
 * class path, so they may reach the engine's internal packages where a measurement needs to (the
 * pure decision function, the watcher's bookkeeping); everything else goes through the public API.
 */
@NullMarked
package dev.crewrecovery.benchmarks;

import org.jspecify.annotations.NullMarked;
