package dev.mmapkit.cache;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The 64-bit key hash, computed the same way from a {@code byte[]} (lookups) and from key bytes in
 * the file (repair). The low bits choose the segment, the high 32 bits the index slot and the tag.
 * The hash is part of the file format: changing it needs a new format version.
 */
final class KeyHash {
  private KeyHash() {}

  private static final long M = 0x9E3779B97F4A7C15L;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong SEGMENT_LONG =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  static long of(byte[] key) {
    int n = key.length;
    long h = M ^ n;
    int i = 0;
    for (; i + 8 <= n; i += 8) h = step(h, (long) LONGS.get(key, i));
    if (i < n) {
      long tail = 0;
      for (int s = 0; i < n; i++, s += 8) tail |= (key[i] & 0xFFL) << s;
      h = step(h, tail);
    }
    return finish(h);
  }

  static long of(MemorySegment file, long offset, int n) {
    long h = M ^ n;
    int i = 0;
    for (; i + 8 <= n; i += 8) h = step(h, file.get(SEGMENT_LONG, offset + i));
    if (i < n) {
      long tail = 0;
      for (int s = 0; i < n; i++, s += 8)
        tail |= (file.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFFL) << s;
      h = step(h, tail);
    }
    return finish(h);
  }

  /** Whether {@code key} equals the {@code key.length} bytes at {@code offset} in the file. */
  static boolean equals(byte[] key, MemorySegment file, long offset) {
    int n = key.length;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      if ((long) LONGS.get(key, i) != file.get(SEGMENT_LONG, offset + i)) return false;
    }
    for (; i < n; i++) {
      if (key[i] != file.get(ValueLayout.JAVA_BYTE, offset + i)) return false;
    }
    return true;
  }

  private static long step(long h, long word) {
    return Long.rotateLeft(h ^ (word * M), 29) * 0xBF58476D1CE4E5B9L;
  }

  private static long finish(long h) {
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    return h ^ (h >>> 33);
  }
}
