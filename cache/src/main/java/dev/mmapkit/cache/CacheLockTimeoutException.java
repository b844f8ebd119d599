package dev.mmapkit.cache;

import java.nio.file.Path;

/**
 * A segment of a {@link SharedCache} stayed locked by another running process for longer than the
 * configured {@link CacheConfig#lockTimeout()}. A lock held by a process that has died is recovered
 * instead, without this exception. Unchecked, because every cache operation can meet it and the
 * usual answer (treat it as a miss, or retry) is the caller's.
 */
public final class CacheLockTimeoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param file the cache file
   * @param segment the segment that stayed locked
   * @param ownerPid the pid holding it, or -1 if unknown
   * @param waitedMillis how long this process waited
   */
  public CacheLockTimeoutException(Path file, int segment, long ownerPid, long waitedMillis) {
    super(
        file
            + ": segment "
            + segment
            + " is still locked by running process "
            + (ownerPid > 0 ? ownerPid : "(unknown)")
            + " after "
            + waitedMillis
            + " ms (lockTimeout); retry, or raise lockTimeout if that process holds it"
            + " legitimately");
  }
}
