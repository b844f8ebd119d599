package dev.mmapkit.bench.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * The work every scan benchmark does with the bytes: sum them as longs. The same loop for every
 * reader, so differences come from how the bytes arrive, not from how they are consumed.
 */
final class Sums {
  private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

  private Sums() {}

  /** The sum of the first {@code length} bytes of {@code segment} as native-order longs. */
  static long sumLongs(MemorySegment segment, long length) {
    // Four independent accumulators so the loop is bound by loads, not by one add chain.
    long a = 0, b = 0, c = 0, d = 0;
    long i = 0;
    long end4 = length - 31;
    for (; i < end4; i += 32) {
      a += segment.get(LONG, i);
      b += segment.get(LONG, i + 8);
      c += segment.get(LONG, i + 16);
      d += segment.get(LONG, i + 24);
    }
    for (; i + 7 < length; i += 8) a += segment.get(LONG, i);
    return a + b + c + d;
  }

  /** The same sum through the old {@link ByteBuffer} API (the buffer must be in native order). */
  static long sumLongs(ByteBuffer buffer, int length) {
    long a = 0, b = 0, c = 0, d = 0;
    int i = 0;
    int end4 = length - 31;
    for (; i < end4; i += 32) {
      a += buffer.getLong(i);
      b += buffer.getLong(i + 8);
      c += buffer.getLong(i + 16);
      d += buffer.getLong(i + 24);
    }
    for (; i + 7 < length; i += 8) a += buffer.getLong(i);
    return a + b + c + d;
  }
}
