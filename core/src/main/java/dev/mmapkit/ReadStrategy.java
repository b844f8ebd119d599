package dev.mmapkit;

/**
 * How a {@link FileReader} reads: through a mapping or with positional {@code read} calls.
 *
 * <p>{@link #choose} encodes what the {@code core} benchmarks measured on the machine recorded in
 * {@code docs/performance.md}: mapping wins for repeated reads of any size (43–76 M random 8-byte
 * reads/s hot against 1.1–1.3 M/s with {@code pread}), while for a file read once the mapping's
 * set-up and tear-down cost more than copying it below {@link #ONE_SHOT_MMAP_THRESHOLD}.
 */
public enum ReadStrategy {
  /** Map the file ({@link MappedFile}); reads are memory loads. */
  MMAP,
  /** Positional reads through a {@link java.nio.channels.FileChannel}; each read is a copy. */
  PREAD;

  /**
   * Files smaller than this, read once, are cheaper to {@code pread} than to map: see {@code
   * SmallFileBenchmark} and {@code docs/performance.md}.
   */
  public static final long ONE_SHOT_MMAP_THRESHOLD = 256 * 1024;

  /**
   * The faster strategy for a file of {@code fileSize} bytes used in {@code pattern}: {@link
   * #PREAD} for empty files and for {@link AccessPattern#ONE_SHOT} reads of files under {@link
   * #ONE_SHOT_MMAP_THRESHOLD}, {@link #MMAP} otherwise.
   */
  public static ReadStrategy choose(long fileSize, AccessPattern pattern) {
    if (fileSize == 0) return PREAD;
    if (pattern == AccessPattern.ONE_SHOT && fileSize < ONE_SHOT_MMAP_THRESHOLD) return PREAD;
    return MMAP;
  }
}
