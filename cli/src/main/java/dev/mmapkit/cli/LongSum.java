package dev.mmapkit.cli;

import dev.mmapkit.MappedFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Sums memory as little-endian longs (trailing bytes one by one): cheap enough to keep up with the
 * page cache, and it depends on every byte, so a benchmark that returns it really reads them. All
 * strategies share this code, so the JIT treats them alike.
 */
final class LongSum {
  private static final ValueLayout.OfLong LONG =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private LongSum() {}

  /** The sum of {@code [offset, offset + length)} of {@code segment}. */
  static long of(MemorySegment segment, long offset, long length) {
    long sum = 0;
    long end = offset + length;
    long i = offset;
    for (; i <= end - Long.BYTES; i += Long.BYTES) sum += segment.get(LONG, i);
    for (; i < end; i++) sum += segment.get(ValueLayout.JAVA_BYTE, i);
    return sum;
  }

  /** The sum of {@code [offset, offset + length)} of a mapped file, across chunk boundaries. */
  static long of(MappedFile file, long offset, long length) {
    long chunkSize = file.options().chunkSize();
    long sum = 0;
    while (length > 0) {
      MemorySegment chunk = file.chunk((int) (offset / chunkSize));
      long position = offset % chunkSize;
      long n = Math.min(length, chunk.byteSize() - position);
      sum += of(chunk, position, n);
      offset += n;
      length -= n;
    }
    return sum;
  }
}
