package dev.mmapkit.cache;

import java.time.Instant;

/**
 * A snapshot of a {@link SharedCache}'s state and counters, read live from the file, so any process
 * (or {@code mmapkit cache stat}) sees the same numbers. Counters add up over all processes that
 * ever attached since the file was created; the fields are read without locking, so a snapshot
 * taken under load may be a few operations inconsistent.
 *
 * @param fileSize the file's size, its memory budget
 * @param entryCapacity bytes available for entries (the budget minus header, index and counters)
 * @param memoryUsed bytes held by live entries
 * @param memoryWasted bytes of removed or replaced entries not yet reclaimed by compaction
 * @param memoryFree bytes never handed out since the last compaction (or invalidated)
 * @param entries live entries of the current generation
 * @param maxEntries the configured maximum
 * @param hits lookups that found their key
 * @param misses lookups that did not
 * @param evictions entries removed to make room (CLOCK), not counting removals and invalidation
 * @param loads values computed by {@code computeIfAbsent}
 * @param loadTimeNanos total time spent in those loaders
 * @param loadWaits times a process waited for another process's load of the same key
 * @param loadWaitTimeouts such waits that gave up and computed the value themselves
 * @param lockRecoveries locks taken over from a process that died holding them
 * @param invalidations {@code invalidateAll} calls
 * @param resets {@code clear} calls
 * @param createdAt when the file was created
 * @param creatorPid the process that created it
 * @param attachedProcesses processes attached now
 */
public record CacheStats(
    long fileSize,
    long entryCapacity,
    long memoryUsed,
    long memoryWasted,
    long memoryFree,
    long entries,
    long maxEntries,
    long hits,
    long misses,
    long evictions,
    long loads,
    long loadTimeNanos,
    long loadWaits,
    long loadWaitTimeouts,
    long lockRecoveries,
    long invalidations,
    long resets,
    Instant createdAt,
    long creatorPid,
    int attachedProcesses) {

  /** hits / (hits + misses), or 0 before the first lookup. */
  public double hitRate() {
    long lookups = hits + misses;
    return lookups == 0 ? 0 : (double) hits / lookups;
  }

  /** Mean time per load in nanoseconds, or 0 before the first. */
  public double meanLoadNanos() {
    return loads == 0 ? 0 : (double) loadTimeNanos / loads;
  }
}
