package dev.mmapkit.cache;

import static dev.mmapkit.cache.TestValues.key;
import static dev.mmapkit.cache.TestValues.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers racing writers that overwrite (in place and resized), remove, evict and compact: every
 * value a reader gets is whole.
 */
class ConcurrentAccessTest {
  @TempDir Path dir;

  @Test
  void readersNeverSeeTornValuesWhileWritersChurn() throws Exception {
    // Small budget so that eviction and compaction run all the time.
    CacheConfig config = CacheConfig.of(1 << 20, 4000).withMaxValueSize(2048).withSegments(2);
    try (SharedCache cache = SharedCache.open(dir.resolve("c.cache"), config)) {
      int keys = 3000;
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong reads = new AtomicLong(), hits = new AtomicLong(), torn = new AtomicLong();
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        threads.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      await(start);
                      ThreadLocalRandom r = ThreadLocalRandom.current();
                      for (int round = 0; !stop.get(); round++) {
                        int i = r.nextInt(keys);
                        if (r.nextInt(10) == 0) cache.remove(key(i));
                        else cache.put(key(i), value(i, round, 12 + r.nextInt(3) * 300));
                      }
                    }));
      }
      for (int t = 0; t < 2; t++) {
        threads.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      await(start);
                      ThreadLocalRandom r = ThreadLocalRandom.current();
                      try (Arena arena = Arena.ofConfined()) {
                        MemorySegment buffer = arena.allocate(2048);
                        while (!stop.get()) {
                          int i = r.nextInt(keys);
                          int n = cache.get(key(i), buffer);
                          reads.incrementAndGet();
                          if (n < 0) continue;
                          hits.incrementAndGet();
                          byte[] v = buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
                          if (!TestValues.isWhole(i, v)) torn.incrementAndGet();
                        }
                      }
                    }));
      }
      start.countDown();
      Thread.sleep(3000);
      stop.set(true);
      for (Thread t : threads) t.join();
      CacheStats stats = cache.stats();
      assertEquals(0, torn.get(), "torn values among " + hits + " hits");
      assertTrue(hits.get() > 1000, "hits " + hits + " of " + reads);
      assertTrue(stats.evictions() > 0, "eviction ran: " + stats);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
