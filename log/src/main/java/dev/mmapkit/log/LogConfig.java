package dev.mmapkit.log;

/**
 * How to open an {@link AppendLog}.
 *
 * @param chunkSize the size of each chunk file, a power of two between {@link
 *     LogChunkDescriptor#MIN_CHUNK_SIZE} and {@link LogChunkDescriptor#MAX_CHUNK_SIZE}; used when
 *     the log is created, and checked against the log's own when it is opened
 * @param durability what an append does about the disk before it returns
 * @param exclusiveAppender whether this handle is the log's only appender: it takes a writer lock
 *     on open (failing if any other handle, in this process or another, appends, and making their
 *     appends fail while it is open) and moves the shared tail with plain stores instead of a
 *     compare-and-set; its appends must then come from one thread (the first that appends)
 */
public record LogConfig(long chunkSize, Durability durability, boolean exclusiveAppender) {
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

  /** A configuration for a shared (not exclusive) appender. */
  public LogConfig(long chunkSize, Durability durability) {
    this(chunkSize, durability, false);
  }

  /** 64 MiB chunks, {@link Durability#NONE}, shared appending. */
  public static LogConfig defaults() {
    return new LogConfig(DEFAULT_CHUNK_SIZE, Durability.NONE);
  }

  /** This configuration with another chunk size. */
  public LogConfig withChunkSize(long chunkSize) {
    return new LogConfig(chunkSize, durability, exclusiveAppender);
  }

  /** This configuration with another durability mode. */
  public LogConfig withDurability(Durability durability) {
    return new LogConfig(chunkSize, durability, exclusiveAppender);
  }

  /** This configuration as the log's exclusive appender, or not; see {@link #exclusiveAppender}. */
  public LogConfig withExclusiveAppender(boolean exclusiveAppender) {
    return new LogConfig(chunkSize, durability, exclusiveAppender);
  }
}
