package dev.mmapkit.bench.core;

import java.util.SplittableRandom;

/**
 * Pre-generated random offsets, so a benchmark measures the read and not the random-number
 * generator. The count is a power of two so the cursor wraps with a mask.
 */
final class RandomOffsets {
  static final int COUNT = 1 << 16;
  private static final int MASK = COUNT - 1;

  private final long[] offsets;
  private int next;

  /** {@link #COUNT} offsets aligned to {@code align}, each leaving {@code length} bytes. */
  RandomOffsets(long fileSize, int length, int align, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    long slots = (fileSize - length) / align + 1;
    offsets = new long[COUNT];
    for (int i = 0; i < COUNT; i++) offsets[i] = random.nextLong(slots) * align;
  }

  long next() {
    return offsets[next++ & MASK];
  }
}
