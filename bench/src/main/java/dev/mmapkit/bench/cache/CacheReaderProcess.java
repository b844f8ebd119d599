package dev.mmapkit.bench.cache;

import dev.mmapkit.cache.CacheConfig;
import dev.mmapkit.cache.SharedCache;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A reader process for the two-process scaling measurement: attaches to a filled cache, reads
 * random keys for a warm-up and then a measured period, and prints its hits per second.
 *
 * <pre>CacheReaderProcess FILE ENTRIES WARMUP_MILLIS MEASURE_MILLIS SEED</pre>
 */
public final class CacheReaderProcess {
  private CacheReaderProcess() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int entries = Integer.parseInt(args[1]);
    long warmup = Long.parseLong(args[2]) * 1_000_000;
    long measure = Long.parseLong(args[3]) * 1_000_000;
    byte[][] keys = CacheData.keys(entries);
    int[] order = CacheData.order(entries, Long.parseLong(args[4]));
    try (SharedCache cache = SharedCache.open(path, CacheConfig.of(1 << 20, 1));
        Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(CacheData.VALUE_BYTES);
      run(cache, keys, order, buffer, warmup);
      long start = System.nanoTime();
      long hits = run(cache, keys, order, buffer, measure);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.println("RATE " + (long) (hits / seconds));
    }
  }

  private static long run(
      SharedCache cache, byte[][] keys, int[] order, MemorySegment buffer, long nanos) {
    long end = System.nanoTime() + nanos;
    long hits = 0;
    int next = 0;
    while (System.nanoTime() < end) {
      for (int n = 0; n < 1024; n++) {
        if (cache.get(keys[order[next]], buffer) >= 0) hits++;
        if (++next == order.length) next = 0;
      }
    }
    return hits;
  }
}
