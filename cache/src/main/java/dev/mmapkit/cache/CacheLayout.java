package dev.mmapkit.cache;

import static dev.mmapkit.cache.SharedCacheDescriptor.*;

import dev.mmapkit.FileFormatException;
import dev.mmapkit.internal.FileHeader;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The sizes and offsets of one cache file, computed from a {@link CacheConfig} when the file is
 * created and checked against the header when it is opened.
 *
 * @param config the config (the file's own when opened)
 * @param segments the number of segments
 * @param maxEntriesPerSegment entries one segment holds at most: its share of {@code maxEntries}
 *     plus 1/16 (and 16), as keys do not spread evenly
 * @param indexCapacity index slots per segment (more than {@code maxEntriesPerSegment}, so a probe
 *     always reaches an empty slot)
 * @param dataCapacity bytes of the entry area per segment
 * @param segmentStride bytes from one segment to the next
 */
record CacheLayout(
    CacheConfig config,
    int segments,
    int maxEntriesPerSegment,
    int indexCapacity,
    long dataCapacity,
    long segmentStride) {

  /** Offset of segment {@code i}. */
  long segmentOffset(int i) {
    return SEGMENTS_OFFSET + i * segmentStride;
  }

  /** Offset of the entry area relative to a segment: after the index, on a cache line. */
  long dataOffset() {
    return align(SEG_HEADER_SIZE + 8L * indexCapacity, CACHE_LINE);
  }

  /** The largest entry this layout accepts. */
  long maxEntrySize() {
    return entrySize(config.maxKeySize(), config.maxValueSize()) + SOURCE_SIZE;
  }

  /**
   * Lays out a new file.
   *
   * @throws IllegalArgumentException if the budget cannot hold the index for {@code maxEntries}
   *     plus one largest entry per segment; the message says the smallest budget that would
   */
  static CacheLayout of(CacheConfig config) {
    int segments = config.effectiveSegments();
    long fair = (config.maxEntries() + segments - 1) / segments;
    // Keys do not spread evenly: with 1M keys in 64 segments the fullest holds about 1.03 times the
    // mean. A segment may hold 1/16 more than its share, so the cache evicts only when really full.
    int perSegment =
        (int) Math.min(Integer.MAX_VALUE / 2, segments == 1 ? fair : fair + fair / 16 + 16);
    // Load factor 0.8: short probes, and 10 bytes of index per entry.
    int capacity = (int) Math.min(Integer.MAX_VALUE - 64, perSegment + perSegment / 4L + 1);
    long fixed = align(SEG_HEADER_SIZE + 8L * capacity, CACHE_LINE);
    long maxEntry = entrySize(config.maxKeySize(), config.maxValueSize()) + SOURCE_SIZE;
    long available = config.memoryBudget() - SEGMENTS_OFFSET - segments * fixed;
    long data = Math.min(MAX_DATA_CAPACITY & -CACHE_LINE, (available / segments) & -CACHE_LINE);
    if (data < maxEntry) {
      long needed = SEGMENTS_OFFSET + segments * (fixed + align(maxEntry, CACHE_LINE));
      throw new IllegalArgumentException(
          "memoryBudget "
              + config.memoryBudget()
              + " is too small for "
              + config.maxEntries()
              + " entries in "
              + segments
              + " segments with values up to "
              + config.maxValueSize()
              + " bytes; it needs at least "
              + needed
              + " bytes (plus the entries themselves: see docs/cache.md, sizing)");
    }
    return new CacheLayout(
        config.withSegments(segments), segments, perSegment, capacity, data, fixed + data);
  }

  /** The header that describes this layout. */
  FileHeader header() {
    long[] p = new long[PARAM_COUNT];
    p[PARAM_FILE_SIZE] = config.memoryBudget();
    p[PARAM_MAX_ENTRIES] = config.maxEntries();
    p[PARAM_SEGMENTS] = segments;
    p[PARAM_MAX_KEY_SIZE] = config.maxKeySize();
    p[PARAM_MAX_VALUE_SIZE] = config.maxValueSize();
    p[PARAM_LOCK_TIMEOUT_MILLIS] = config.lockTimeout().toMillis();
    p[PARAM_LOAD_WAIT_MILLIS] = config.loadWaitTimeout().toMillis();
    p[PARAM_INDEX_CAPACITY] = indexCapacity;
    p[PARAM_DATA_CAPACITY] = dataCapacity;
    p[PARAM_SEGMENT_STRIDE] = segmentStride;
    p[PARAM_REVALIDATE_MILLIS] = config.revalidateInterval().toMillis();
    p[PARAM_FILE_MODE] = config.fileModeBits();
    return FileHeader.createdNow(KIND, VERSION, p);
  }

  /**
   * The layout a header describes, recomputed from its config and compared field by field, so that
   * no offset derived from a damaged header is ever used.
   *
   * @throws FileFormatException if the parameters are missing, out of range, inconsistent, or the
   *     file is shorter than they say
   */
  static CacheLayout from(FileHeader header, long fileSize, Path path) throws FileFormatException {
    long[] p = header.parameters();
    if (p.length < PARAM_COUNT) {
      throw new FileFormatException(
          path, "corrupted header: " + p.length + " layout parameters, expected " + PARAM_COUNT);
    }
    CacheLayout layout;
    try {
      CacheConfig config =
          new CacheConfig(
              p[PARAM_FILE_SIZE],
              p[PARAM_MAX_ENTRIES],
              Math.toIntExact(p[PARAM_MAX_KEY_SIZE]),
              Math.toIntExact(p[PARAM_MAX_VALUE_SIZE]),
              Duration.ofMillis(p[PARAM_LOCK_TIMEOUT_MILLIS]),
              Duration.ofMillis(p[PARAM_LOAD_WAIT_MILLIS]),
              Math.toIntExact(p[PARAM_SEGMENTS]),
              Duration.ofMillis(p[PARAM_REVALIDATE_MILLIS]),
              CacheConfig.fileModeOf(p[PARAM_FILE_MODE]));
      layout = of(config);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new FileFormatException(path, "corrupted header: " + e.getMessage());
    }
    if (layout.config.memoryBudget() != p[PARAM_FILE_SIZE]
        || layout.indexCapacity != p[PARAM_INDEX_CAPACITY]
        || layout.dataCapacity != p[PARAM_DATA_CAPACITY]
        || layout.segmentStride != p[PARAM_SEGMENT_STRIDE]) {
      throw new FileFormatException(
          path, "corrupted header: layout parameters do not agree with each other");
    }
    if (fileSize < layout.config.memoryBudget()) {
      throw new FileFormatException(
          path,
          "file is "
              + fileSize
              + " bytes but its header says "
              + layout.config.memoryBudget()
              + ": truncated; delete it and let the cache be created again");
    }
    return layout;
  }

  static long align(long value, long alignment) {
    return (value + alignment - 1) & -alignment;
  }
}
