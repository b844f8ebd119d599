package dev.mmapkit.log;

/**
 * How to open an {@link AppendLog}.
 *
 * @param chunkSize the size of each chunk file, a power of two between {@link
 *     LogChunkDescriptor#MIN_CHUNK_SIZE} and {@link LogChunkDescriptor#MAX_CHUNK_SIZE}; used when
 *     the log is created, and checked against the log's own when it is opened
 * @param durability what an append does about the disk before it returns
 * @param prefault whether chunks are pre-faulted ({@code MADV_POPULATE_WRITE}) in the background
 *     ahead of the appender, so appends do not wait on page faults (default); {@code false} still
 *     creates, reserves and maps chunks ahead, and leaves the page faults to the appends (for
 *     comparison, or to keep the memory of a rarely written log unpopulated)
 */
public record LogConfig(long chunkSize, Durability durability, boolean prefault) {
  /** The default chunk size: 64 MiB. */
  public static final long DEFAULT_CHUNK_SIZE = 64L << 20;

  /**
   * @throws IllegalArgumentException if the chunk size is not a power of two in range
   */
  public LogConfig {
    if (Long.bitCount(chunkSize) != 1
        || chunkSize < LogChunkDescriptor.MIN_CHUNK_SIZE
        || chunkSize > LogChunkDescriptor.MAX_CHUNK_SIZE) {
      throw new IllegalArgumentException(
          "chunk size must be a power of two in ["
              + LogChunkDescriptor.MIN_CHUNK_SIZE
              + ", "
              + LogChunkDescriptor.MAX_CHUNK_SIZE
              + "], was "
              + chunkSize);
    }
    if (durability == null) throw new IllegalArgumentException("durability is null");
  }

  /** A configuration that pre-faults chunks. */
  public LogConfig(long chunkSize, Durability durability) {
    this(chunkSize, durability, true);
  }

  /** 64 MiB chunks, {@link Durability#NONE}, pre-faulted. */
  public static LogConfig defaults() {
    return new LogConfig(DEFAULT_CHUNK_SIZE, Durability.NONE);
  }

  /** This configuration with another chunk size. */
  public LogConfig withChunkSize(long chunkSize) {
    return new LogConfig(chunkSize, durability, prefault);
  }

  /** This configuration with another durability mode. */
  public LogConfig withDurability(Durability durability) {
    return new LogConfig(chunkSize, durability, prefault);
  }

  /** This configuration with pre-faulting on or off. */
  public LogConfig withPrefault(boolean prefault) {
    return new LogConfig(chunkSize, durability, prefault);
  }
}
