/**
 * The recovery loop of a session and the single repair path (DESIGN sections 7 and 8): which runs a
 * session may act on, the decision on listed and fresh evidence, the repair, finalization and
 * adoption made inside {@code RunStore.update}, and the orphan workers terminated after the commit.
 */
@org.jspecify.annotations.NullMarked
package dev.crewrecovery.core.internal.recovery;
