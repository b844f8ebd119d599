package dev.mmapkit.cache;

import java.nio.file.Path;

/**
 * A segment of a {@link SharedCache} stayed locked for longer than the configured {@link
 * CacheConfig#lockTimeout()} by another process that is running, or whose liveness this process
 * cannot know (without native access: a process of another PID namespace, or hidden by {@code
 * hidepid}). A lock held by a process known to have died is recovered instead, without this
 * exception; a lock is never taken from a process that may be running. Unchecked, because every
 * cache operation can meet it and the usual answer (treat it as a miss, or retry) is the caller's.
 */
public final class CacheLockTimeoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * For an owner known to be running.
   *
   * @param file the cache file
   * @param segment the segment that stayed locked
   * @param ownerPid the pid holding it, or -1 if unknown
   * @param waitedMillis how long this process waited
   */
  public CacheLockTimeoutException(Path file, int segment, long ownerPid, long waitedMillis) {
    this(file, segment, ownerPid, waitedMillis, true);
  }

  /**
   * @param file the cache file
   * @param segment the segment that stayed locked
   * @param ownerPid the pid holding it, or -1 if unknown
   * @param waitedMillis how long this process waited
   * @param ownerKnownRunning false if the owner's liveness could not be checked from here
   */
  public CacheLockTimeoutException(
      Path file, int segment, long ownerPid, long waitedMillis, boolean ownerKnownRunning) {
    super(
        file
            + ": segment "
            + segment
            + " is still locked by "
            + (ownerKnownRunning ? "running process " : "process ")
            + (ownerPid > 0 ? ownerPid : "(unknown)")
            + (ownerKnownRunning
                ? ""
                : ", whose liveness cannot be checked from here (another PID namespace or hidepid,"
                    + " and no native access for slot locks: start every process with "
                    + dev.mmapkit.internal.NativeAccess.ENABLE_FLAG
                    + ")")
            + " after "
            + waitedMillis
            + " ms (lockTimeout); retry, or raise lockTimeout if that process holds it"
            + " legitimately");
  }
}
