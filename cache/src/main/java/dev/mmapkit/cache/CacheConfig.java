package dev.mmapkit.cache;

import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * The shape of a {@link SharedCache}: how much memory it may use, how many entries it holds, the
 * largest key and value, and how long to wait for another process.
 *
 * <p>The first process creates the file with its config; the config is stored in the file header,
 * and a process that attaches later gets the file's config whatever it asked for ({@link
 * SharedCache#config()} reports it). To change the shape, delete the file (all processes detach)
 * and create it again.
 *
 * @param memoryBudget the size of the file in bytes, all of it reserved up front; everything
 *     (header, index, statistics, entries) fits inside it. Rounded up to 4 KiB.
 * @param maxEntries the most entries the cache holds; beyond it the least recently used (CLOCK)
 *     entries of a segment are evicted. Enforced per segment: each may hold its share plus 1/16
 *     (keys do not spread evenly), so with several segments the total may exceed this by up to that
 *     much
 * @param maxKeySize the longest key in bytes
 * @param maxValueSize the longest value in bytes; longer values are refused with {@link
 *     IllegalArgumentException}
 * @param lockTimeout how long an operation waits for a segment held by another live process before
 *     it throws {@link CacheLockTimeoutException}; a dead holder is recovered well before this
 * @param loadWaitTimeout how long {@link SharedCache#computeIfAbsent} waits for another process
 *     loading the same key before it computes the value itself
 * @param segments the number of independently locked segments, a power of two; 0 chooses one from
 *     {@code maxEntries} (1 per 1024 entries, at most 64)
 * @param revalidateInterval how long {@link SharedCache#getValidated} trusts an entry's source file
 *     without looking at it again (like opcache's {@code revalidate_freq}); shared by all processes
 * @param fileMode the permissions a new cache file gets (default {@code rw-------}), and the most
 *     an existing one may have: {@link SharedCache#open} refuses a file that grants write access
 *     beyond this, or that belongs to another user while this mode grants neither group nor others
 *     write access; read or execute permission beyond it is only logged as a warning
 */
public record CacheConfig(
    long memoryBudget,
    long maxEntries,
    int maxKeySize,
    int maxValueSize,
    Duration lockTimeout,
    Duration loadWaitTimeout,
    int segments,
    Duration revalidateInterval,
    Set<PosixFilePermission> fileMode) {

  /** Default {@link #maxKeySize}: 1 KiB. */
  public static final int DEFAULT_MAX_KEY_SIZE = 1024;

  /** Default {@link #maxValueSize}: 64 KiB. */
  public static final int DEFAULT_MAX_VALUE_SIZE = 64 * 1024;

  /** Default {@link #lockTimeout}: 1 s. */
  public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(1);

  /** Default {@link #loadWaitTimeout}: 10 s. */
  public static final Duration DEFAULT_LOAD_WAIT_TIMEOUT = Duration.ofSeconds(10);

  /** Default {@link #revalidateInterval}: 2 s. */
  public static final Duration DEFAULT_REVALIDATE_INTERVAL = Duration.ofSeconds(2);

  /** Default {@link #fileMode}: read and write for the owner only ({@code rw-------}). */
  public static final Set<PosixFilePermission> DEFAULT_FILE_MODE =
      Set.copyOf(PosixFilePermissions.fromString("rw-------"));

  /** The most segments a cache may have. */
  public static final int MAX_SEGMENTS = 1 << 16;

  /**
   * @throws IllegalArgumentException if a size is not positive, a timeout is negative or too long
   *     (more than a day), or {@code segments} is not 0 or a power of two up to {@value
   *     #MAX_SEGMENTS}
   */
  public CacheConfig {
    if (memoryBudget <= 0) {
      throw new IllegalArgumentException("memoryBudget must be > 0, was " + memoryBudget);
    }
    if (maxEntries <= 0 || maxEntries > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "maxEntries must be between 1 and " + Integer.MAX_VALUE + ", was " + maxEntries);
    }
    if (maxKeySize <= 0) {
      throw new IllegalArgumentException("maxKeySize must be > 0, was " + maxKeySize);
    }
    if (maxValueSize < 0) {
      throw new IllegalArgumentException("maxValueSize must be >= 0, was " + maxValueSize);
    }
    checkTimeout("lockTimeout", lockTimeout);
    checkTimeout("loadWaitTimeout", loadWaitTimeout);
    checkTimeout("revalidateInterval", revalidateInterval);
    if (segments != 0 && (Integer.bitCount(segments) != 1 || segments > MAX_SEGMENTS)) {
      throw new IllegalArgumentException(
          "segments must be 0 (automatic) or a power of two up to "
              + MAX_SEGMENTS
              + ", was "
              + segments);
    }
    if (!fileMode.contains(PosixFilePermission.OWNER_READ)
        || !fileMode.contains(PosixFilePermission.OWNER_WRITE)) {
      throw new IllegalArgumentException(
          "fileMode must let the owner read and write, was "
              + PosixFilePermissions.toString(Set.copyOf(fileMode)));
    }
    fileMode = Set.copyOf(fileMode);
    memoryBudget = (memoryBudget + 4095) & -4096L;
  }

  private static void checkTimeout(String name, Duration timeout) {
    if (timeout.isNegative() || timeout.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException(name + " must be between 0 and 1 day, was " + timeout);
    }
  }

  /** A config with the default key and value limits, timeouts and automatic segments. */
  public static CacheConfig of(long memoryBudget, long maxEntries) {
    return new CacheConfig(
        memoryBudget,
        maxEntries,
        DEFAULT_MAX_KEY_SIZE,
        DEFAULT_MAX_VALUE_SIZE,
        DEFAULT_LOCK_TIMEOUT,
        DEFAULT_LOAD_WAIT_TIMEOUT,
        0,
        DEFAULT_REVALIDATE_INTERVAL,
        DEFAULT_FILE_MODE);
  }

  /** This config with another {@link #maxKeySize}. */
  public CacheConfig withMaxKeySize(int maxKeySize) {
    return new CacheConfig(
        memoryBudget,
        maxEntries,
        maxKeySize,
        maxValueSize,
        lockTimeout,
        loadWaitTimeout,
        segments,
        revalidateInterval,
        fileMode);
  }

  /** This config with another {@link #maxValueSize}. */
  public CacheConfig withMaxValueSize(int maxValueSize) {
    return new CacheConfig(
        memoryBudget,
        maxEntries,
        maxKeySize,
        maxValueSize,
        lockTimeout,
        loadWaitTimeout,
        segments,
        revalidateInterval,
        fileMode);
  }

  /** This config with another {@link #lockTimeout}. */
  public CacheConfig withLockTimeout(Duration lockTimeout) {
    return new CacheConfig(
        memoryBudget,
        maxEntries,
        maxKeySize,
        maxValueSize,
        lockTimeout,
        loadWaitTimeout,
        segments,
        revalidateInterval,
        fileMode);
  }

  /** This config with another {@link #loadWaitTimeout}. */
  public CacheConfig withLoadWaitTimeout(Duration loadWaitTimeout) {
    return new CacheConfig(
        memoryBudget,
        maxEntries,
        maxKeySize,
        maxValueSize,
        lockTimeout,
        loadWaitTimeout,
        segments,
        revalidateInterval,
        fileMode);
  }

  /** This config with another {@link #segments} count (0: automatic). */
  public CacheConfig withSegments(int segments) {
    return new CacheConfig(
        memoryBudget,
        maxEntries,
        maxKeySize,
        maxValueSize,
        lockTimeout,
        loadWaitTimeout,
        segments,
        revalidateInterval,
        fileMode);
  }

  /** This config with another {@link #revalidateInterval}. */
  public CacheConfig withRevalidateInterval(Duration revalidateInterval) {
    return new CacheConfig(
        memoryBudget,
        maxEntries,
        maxKeySize,
        maxValueSize,
        lockTimeout,
        loadWaitTimeout,
        segments,
        revalidateInterval,
        fileMode);
  }

  /**
   * This config with another {@link #fileMode}, e.g. {@code
   * PosixFilePermissions.fromString("rw-rw----")} for processes of several users in one group.
   */
  public CacheConfig withFileMode(Set<PosixFilePermission> fileMode) {
    return new CacheConfig(
        memoryBudget,
        maxEntries,
        maxKeySize,
        maxValueSize,
        lockTimeout,
        loadWaitTimeout,
        segments,
        revalidateInterval,
        fileMode);
  }

  /** {@link #fileMode} as the nine permission bits of {@code chmod}, e.g. 0600. */
  int fileModeBits() {
    int bits = 0;
    for (PosixFilePermission p : fileMode) bits |= 0400 >>> p.ordinal();
    return bits;
  }

  /** The permissions of {@code chmod} bits, e.g. 0600. */
  static Set<PosixFilePermission> fileModeOf(long bits) {
    Set<PosixFilePermission> mode = EnumSet.noneOf(PosixFilePermission.class);
    for (PosixFilePermission p : PosixFilePermission.values()) {
      if ((bits & (0400 >>> p.ordinal())) != 0) mode.add(p);
    }
    return mode;
  }

  /** The segment count used: {@link #segments} or the automatic choice. */
  int effectiveSegments() {
    if (segments != 0) return segments;
    long perKilo = Math.max(1, Math.min(64, maxEntries / 1024));
    return Integer.highestOneBit((int) perKilo);
  }
}
