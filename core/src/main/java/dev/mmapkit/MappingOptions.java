package dev.mmapkit;

/**
 * How {@link MappedFile} maps a file: read-only or read-write, the chunk size, and which threads
 * may use the mapping.
 *
 * <p>Start from {@link #readOnly()} or {@link #readWrite()} and refine with the {@code with}
 * methods:
 *
 * {@snippet :
 * MappingOptions options = MappingOptions.readWrite().withChunkSize(1L << 26).confinedToOpeningThread();
 * }
 *
 * @param writable whether the file is mapped read-write
 * @param chunkSize the size of each mapping, a power of two between 4 KiB and 2^62; a file is
 *     mapped as {@code ceil(size / chunkSize)} mappings, so a file of any size needs no single
 *     giant mapping, and growth maps only new chunks
 * @param confined whether only the opening thread may access and close the mapping (a confined
 *     arena closes without a handshake with every other thread); other threads get a {@link
 *     WrongThreadException}
 */
public record MappingOptions(boolean writable, long chunkSize, boolean confined) {

  /** The default chunk size: 1 GiB. */
  public static final long DEFAULT_CHUNK_SIZE = 1L << 30;

  /** The smallest chunk size: one 4 KiB page. */
  public static final long MIN_CHUNK_SIZE = 1L << 12;

  /**
   * @throws IllegalArgumentException if {@code chunkSize} is not a power of two in range
   */
  public MappingOptions {
    if (Long.bitCount(chunkSize) != 1 || chunkSize < MIN_CHUNK_SIZE || chunkSize > 1L << 62) {
      throw new IllegalArgumentException(
          "chunkSize must be a power of two between 4096 and 2^62, was " + chunkSize);
    }
  }

  /** Read-only, 1 GiB chunks, usable from any thread. */
  public static MappingOptions readOnly() {
    return new MappingOptions(false, DEFAULT_CHUNK_SIZE, false);
  }

  /** Read-write, 1 GiB chunks, usable from any thread. */
  public static MappingOptions readWrite() {
    return new MappingOptions(true, DEFAULT_CHUNK_SIZE, false);
  }

  /** These options with another chunk size (a power of two, at least 4096). */
  public MappingOptions withChunkSize(long chunkSize) {
    return new MappingOptions(writable, chunkSize, confined);
  }

  /** These options, confined to the thread that opens the file. */
  public MappingOptions confinedToOpeningThread() {
    return new MappingOptions(writable, chunkSize, true);
  }
}
