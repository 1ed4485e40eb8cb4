package dev.crewrecovery.api.spi;

/**
 * Counters a store keeps since it was opened.
 *
 * @param droppedHeartbeats beats and activity marks dropped (non-current attempt, terminal task,
 *     unknown run)
 * @param malformedEventLines event-log lines skipped because they could not be parsed
 * @param quarantinedFiles files moved to quarantine
 */
public record StoreStats(long droppedHeartbeats, long malformedEventLines, long quarantinedFiles) {}
