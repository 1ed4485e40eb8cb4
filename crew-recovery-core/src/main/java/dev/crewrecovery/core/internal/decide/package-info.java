/**
 * The decision function of DESIGN section 7: a pure {@link
 * dev.crewrecovery.core.internal.decide.Decider#decide} from {@link
 * dev.crewrecovery.core.internal.decide.Evidence} (snapshot, heartbeat observations, keyed probe
 * results, leases, log activity), the wall time, the {@link
 * dev.crewrecovery.core.internal.decide.TimeState} and a {@link
 * dev.crewrecovery.core.internal.decide.DecisionPolicy} to a {@link
 * dev.crewrecovery.core.internal.decide.Verdict} that names the rule that fired, the evidence it
 * used and the repair it calls for.
 *
 * <p>Nothing here reads a clock, a store or a process: callers gather the evidence and pass {@code
 * now}, so the recovery loop can decide once outside a run's exclusion and decide again inside it
 * on fresh evidence. Every type is immutable and safe to share between threads. Not exported.
 */
@NullMarked
package dev.crewrecovery.core.internal.decide;

import org.jspecify.annotations.NullMarked;
