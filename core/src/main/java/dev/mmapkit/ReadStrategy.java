package dev.mmapkit;

/**
 * How a {@link FileReader} reads: through a mapping or with positional {@code read} calls.
 *
 * <p>{@link #choose} encodes what the {@code core} benchmarks measured (see {@code
 * docs/performance.md}): mapping wins for repeated reads (44–63 M random 8-byte reads/s hot against
 * 1.0–1.9 M/s with {@code pread}); mapping a file to read it once costs ~34 µs of set-up and
 * tear-down, so a single pass over a file smaller than {@link #SEQUENTIAL_MMAP_THRESHOLD} is
 * cheaper with {@code pread}; and a read that copies the bytes out ({@link AccessPattern#ONE_SHOT})
 * never won through a mapping at any size measured (4 KiB – 4 MiB), since the kernel's copy in
 * {@code read} beats page faults plus a copy from the mapping.
 */
public enum ReadStrategy {
  /** Map the file ({@link MappedFile}); reads are memory loads. */
  MMAP,
  /** Positional reads through a {@link java.nio.channels.FileChannel}; each read is a copy. */
  PREAD;

  /**
   * Files smaller than this are read with {@code pread} for {@link AccessPattern#SEQUENTIAL}: the
   * measured crossover of one zero-copy pass, mapped vs read, was between 1 and 2 MiB.
   */
  public static final long SEQUENTIAL_MMAP_THRESHOLD = 2L << 20;

  /**
   * The faster strategy for a file of {@code fileSize} bytes used in {@code pattern}: {@link
   * #PREAD} for empty files, for {@link AccessPattern#ONE_SHOT}, and for {@link
   * AccessPattern#SEQUENTIAL} below {@link #SEQUENTIAL_MMAP_THRESHOLD}; {@link #MMAP} otherwise.
   */
  public static ReadStrategy choose(long fileSize, AccessPattern pattern) {
    if (fileSize == 0) return PREAD;
    return switch (pattern) {
      case ONE_SHOT -> PREAD;
      case SEQUENTIAL -> fileSize < SEQUENTIAL_MMAP_THRESHOLD ? PREAD : MMAP;
      case RANDOM -> MMAP;
    };
  }
}
