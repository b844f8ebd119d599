package dev.mmapkit.bench.cache;

import dev.mmapkit.cache.CacheConfig;
import dev.mmapkit.cache.SharedCache;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** The benchmark's data set: N entries of a 16-byte key and a 100-byte value, in random order. */
final class CacheData {
  private CacheData() {}

  static final int KEY_BYTES = 16;
  static final int VALUE_BYTES = 100;

  /** The raw size of {@code entries} keys and values. */
  static long rawBytes(int entries) {
    return (long) entries * (KEY_BYTES + VALUE_BYTES);
  }

  /** 1.25 × the raw size (rounded down to 4 KiB): the bound on the file size. */
  static long budget(int entries) {
    return (rawBytes(entries) * 5 / 4) & -4096L;
  }

  static byte[] key(int i) {
    return String.format("k%015d", i).getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] value(int i, int round) {
    byte[] v = new byte[VALUE_BYTES];
    for (int b = 0; b < v.length; b++) v[b] = (byte) (i + round + b);
    return v;
  }

  static byte[][] keys(int entries) {
    byte[][] keys = new byte[entries][];
    for (int i = 0; i < entries; i++) keys[i] = key(i);
    return keys;
  }

  /** A random permutation-like sequence of key indexes, so lookups miss the CPU caches. */
  static int[] order(int entries, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] order = new int[entries];
    for (int i = 0; i < entries; i++) order[i] = random.nextInt(entries);
    return order;
  }

  /** A fresh cache file in /dev/shm holding all entries, within {@link #budget}. */
  static SharedCache filledCache(Path path, int entries) throws IOException {
    return filledCache(path, entries, budget(entries));
  }

  /** A fresh cache file of {@code budget} bytes after putting all entries (some may be evicted). */
  static SharedCache filledCache(Path path, int entries, long budget) throws IOException {
    Files.deleteIfExists(path);
    SharedCache cache =
        SharedCache.open(
            path,
            CacheConfig.of(budget, entries)
                .withMaxKeySize(KEY_BYTES)
                .withMaxValueSize(VALUE_BYTES));
    for (int i = 0; i < entries; i++) cache.put(key(i), value(i, 0));
    return cache;
  }
}
