package dev.crewrecovery.api.spi;

/**
 * The outcome of {@link RunStore#pruneDeadletters}.
 *
 * @param removed how many closed entries were removed
 * @param remaining how many entries remain
 * @param overCapacity whether the remaining entries still exceed the capacity (only open entries
 *     are left to prune, and those are never dropped)
 */
public record PruneResult(int removed, int remaining, boolean overCapacity) {}
