package dev.crewrecovery.core.internal.store;

import dev.crewrecovery.api.spi.Clock;
import java.time.Duration;

/**
 * The validated settings of a file store, handed over by the public options type.
 *
 * @param lockTimeout the bound on the wait for a lock
 * @param clock the clock whose monotonic time measures that wait (its only use)
 * @param maxFileBytes the size cap of every document read (and of one line of a log)
 * @param allowNetworkFileSystem whether a root on a network file system is accepted
 * @param fsync whether writes are forced to the device (false only for test fixtures)
 * @param persistDeliveries whether pending deliveries live in files (else in memory)
 * @param deliveredRetention how long delivered ids are kept for de-duplication
 */
public record StoreConfig(
    Duration lockTimeout,
    Clock clock,
    long maxFileBytes,
    boolean allowNetworkFileSystem,
    boolean fsync,
    boolean persistDeliveries,
    Duration deliveredRetention) {}
