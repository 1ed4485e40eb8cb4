/**
 * The deadletter read side: the rule that computes an entry's state from its marks and its run
 * (shared with redrive), listing, discard, manual entries and pruning. Not exported.
 */
@NullMarked
package dev.crewrecovery.core.internal.deadletter;

import org.jspecify.annotations.NullMarked;
