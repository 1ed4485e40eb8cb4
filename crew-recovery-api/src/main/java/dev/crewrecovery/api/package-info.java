/**
 * Values of the crew-recovery vocabulary: validated ids, run and task statuses with their
 * transition tables, the immutable records a {@link dev.crewrecovery.api.RunSnapshot} is made of,
 * and the unchecked exception hierarchy under {@link dev.crewrecovery.api.CrewRecoveryException}.
 *
 * <p>Every record validates its components at construction: required components are non-null,
 * collections are copied into unmodifiable ones, and numbers outside their domain are rejected.
 */
@NullMarked
package dev.crewrecovery.api;

import org.jspecify.annotations.NullMarked;
