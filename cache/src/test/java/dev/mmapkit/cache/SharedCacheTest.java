package dev.mmapkit.cache;

import static dev.mmapkit.cache.TestValues.key;
import static dev.mmapkit.cache.TestValues.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One process: the table's behaviour, eviction, compaction, invalidation and statistics. */
class SharedCacheTest {
  @TempDir Path dir;

  private SharedCache open(CacheConfig config) throws Exception {
    return SharedCache.open(dir.resolve("c.cache"), config);
  }

  @Test
  void putGetRemoveAndOverwrite() throws Exception {
    try (SharedCache cache = open(CacheConfig.of(1 << 20, 1000))) {
      assertNull(cache.get(key(1)));
      cache.put(key(1), value(1, 0, 100));
      assertArrayEquals(value(1, 0, 100), cache.get(key(1)));
      cache.put(key(1), value(1, 1, 100)); // same size: in place
      assertArrayEquals(value(1, 1, 100), cache.get(key(1)));
      cache.put(key(1), value(1, 2, 300)); // other size: new entry
      assertArrayEquals(value(1, 2, 300), cache.get(key(1)));
      cache.put(key(2), new byte[0]);
      assertArrayEquals(new byte[0], cache.get(key(2)));
      assertTrue(cache.remove(key(1)));
      assertFalse(cache.remove(key(1)));
      assertNull(cache.get(key(1)));
      CacheStats stats = cache.stats();
      assertEquals(1, stats.entries());
      assertTrue(stats.memoryWasted() > 0, stats.toString());
    }
  }

  @Test
  void getIntoCallerBufferReportsLengthAndCopiesOnlyWhenItFits() throws Exception {
    try (SharedCache cache = open(CacheConfig.of(1 << 20, 1000));
        Arena arena = Arena.ofConfined()) {
      cache.put(key(7), value(7, 0, 100));
      MemorySegment small = arena.allocate(50);
      assertEquals(100, cache.get(key(7), small));
      assertEquals(0, small.get(ValueLayout.JAVA_BYTE, 0)); // untouched
      MemorySegment big = arena.allocate(128);
      assertEquals(100, cache.get(key(7), big));
      assertArrayEquals(value(7, 0, 100), big.asSlice(0, 100).toArray(ValueLayout.JAVA_BYTE));
      assertEquals(-1, cache.get(key(8), big));
      CacheStats stats = cache.stats();
      assertEquals(2, stats.hits());
      assertEquals(1, stats.misses());
    }
  }

  @Test
  void lookupsOfEveryThreadAreCountedExactly() throws Exception {
    try (SharedCache cache = open(CacheConfig.of(1 << 20, 1000))) {
      cache.put(key(1), value(1, 0, 40));
      Thread[] threads = new Thread[4];
      for (int t = 0; t < threads.length; t++) {
        threads[t] =
            Thread.ofPlatform()
                .start(
                    () -> {
                      for (int i = 0; i < 10_000; i++) {
                        cache.get(key(1));
                        cache.get(key(2));
                      }
                    });
      }
      for (int i = 0; i < 10_000; i++) cache.get(key(1)); // the opening thread, at the same time
      for (Thread thread : threads) thread.join();
      CacheStats stats = cache.stats();
      assertEquals(50_000, stats.hits());
      assertEquals(40_000, stats.misses());
    }
  }

  @Test
  void manyKeysAgreeWithAHashMap() throws Exception {
    Random random = new Random(42);
    java.util.Map<Integer, byte[]> model = new java.util.HashMap<>();
    try (SharedCache cache = open(CacheConfig.of(8 << 20, 5000).withSegments(4))) {
      for (int step = 0; step < 50_000; step++) {
        int i = random.nextInt(3000);
        switch (random.nextInt(4)) {
          case 0, 1 -> {
            byte[] v = value(i, step, 12 + random.nextInt(300));
            cache.put(key(i), v);
            model.put(i, v);
          }
          case 2 -> assertEquals(model.remove(i) != null, cache.remove(key(i)));
          default -> assertArrayEquals(model.get(i), cache.get(key(i)), "key " + i);
        }
      }
      assertEquals(model.size(), cache.stats().entries());
      assertEquals(0, cache.stats().evictions(), "everything fits: nothing may be evicted");
    }
  }

  @Test
  void fullCacheEvictsOneAtATimeInsteadOfWiping() throws Exception {
    try (SharedCache cache = open(CacheConfig.of(1 << 20, 20_000).withSegments(1))) {
      int n = 20_000; // 20k × 212 bytes is far more than 1 MiB
      for (int i = 0; i < n; i++) {
        cache.put(key(i), value(i, 0, 200));
        cache.get(key(0)); // keep one entry hot: CLOCK must keep it
      }
      CacheStats stats = cache.stats();
      assertTrue(stats.evictions() > 10_000, stats.toString());
      assertTrue(stats.entries() > 3000, "evicted one at a time, not wiped: " + stats);
      assertArrayEquals(value(0, 0, 200), cache.get(key(0)), "the hot entry survives");
      int recent = 0;
      for (int i = n - 100; i < n; i++) if (cache.get(key(i)) != null) recent++;
      assertEquals(100, recent, "the newest entries are there");
      assertTrue(stats.memoryFree() + stats.memoryWasted() < 1024, stats.toString());
    }
  }

  @Test
  void maxEntriesIsEnforcedByEviction() throws Exception {
    try (SharedCache cache = open(CacheConfig.of(4 << 20, 64).withSegments(1))) {
      for (int i = 0; i < 1000; i++) cache.put(key(i), value(i, 0, 20));
      CacheStats stats = cache.stats();
      assertEquals(64, stats.entries());
      assertEquals(1000 - 64, stats.evictions());
    }
  }

  @Test
  void replacedEntriesAreCompactedAway() throws Exception {
    try (SharedCache cache = open(CacheConfig.of(1 << 20, 1000).withSegments(1))) {
      // 200 entries of ~1 KiB live at once, overwritten with other sizes 20 times: 4 MiB written
      // through a 1 MiB budget. Compaction must reclaim it without evicting anything.
      for (int round = 0; round < 20; round++) {
        for (int i = 0; i < 200; i++) cache.put(key(i), value(i, round, 900 + (round % 2) * 100));
      }
      CacheStats stats = cache.stats();
      assertEquals(0, stats.evictions(), stats.toString());
      for (int i = 0; i < 200; i++) assertArrayEquals(value(i, 19, 1000), cache.get(key(i)));
    }
  }

  @Test
  void invalidateAllIsImmediateAndMemoryIsReused() throws Exception {
    try (SharedCache cache = open(CacheConfig.of(2 << 20, 1000).withSegments(2))) {
      for (int i = 0; i < 500; i++) cache.put(key(i), value(i, 0, 100));
      cache.invalidateAll();
      for (int i = 0; i < 500; i++) assertNull(cache.get(key(i)));
      assertEquals(0, cache.stats().entries());
      assertEquals(1, cache.stats().invalidations());
      cache.put(key(1), value(1, 1, 100));
      assertArrayEquals(value(1, 1, 100), cache.get(key(1)));
      cache.clear();
      assertNull(cache.get(key(1)));
      CacheStats stats = cache.stats();
      assertEquals(1, stats.resets());
      assertEquals(0, stats.memoryUsed());
      assertEquals(stats.entryCapacity(), stats.memoryFree());
    }
  }

  @Test
  void tooLargeValueOrKeyIsRefusedClearly() throws Exception {
    try (SharedCache cache =
        open(CacheConfig.of(1 << 20, 100).withMaxValueSize(1000).withMaxKeySize(32))) {
      var e = assertThrows(IllegalArgumentException.class, () -> cache.put(key(1), new byte[1001]));
      assertTrue(
          e.getMessage().contains("1001 bytes is larger than maxValueSize 1000"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> cache.put(new byte[33], new byte[1]));
      assertTrue(e.getMessage().contains("maxKeySize 32"), e.getMessage());
      cache.put(key(1), new byte[1000]);
      assertEquals(1000, cache.get(key(1)).length);
    }
  }

  @Test
  void budgetTooSmallForTheEntriesIsRefused() {
    var e =
        assertThrows(IllegalArgumentException.class, () -> open(CacheConfig.of(64 << 10, 100_000)));
    assertTrue(e.getMessage().contains("too small"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("c.cache")));
  }

  @Test
  void theFilesConfigWinsOverALaterOpener() throws Exception {
    CacheConfig first = CacheConfig.of(2 << 20, 1000).withMaxValueSize(500);
    try (SharedCache a = open(first);
        SharedCache b = open(CacheConfig.of(8 << 20, 99).withMaxValueSize(10))) {
      assertEquals(first.withSegments(1), b.config());
      b.put(key(1), new byte[400]);
      assertEquals(400, a.get(key(1)).length);
      assertEquals(2, a.stats().attachedProcesses(), "two instances, two slots");
    }
    assertEquals(
        PosixFilePermissions.fromString("rw-------"),
        Files.getPosixFilePermissions(dir.resolve("c.cache")));
  }

  @Test
  void computeIfAbsentLoadsOnceAndCountsLoads() throws Exception {
    try (SharedCache cache = open(CacheConfig.of(1 << 20, 100))) {
      AtomicInteger calls = new AtomicInteger();
      for (int round = 0; round < 3; round++) {
        byte[] v =
            cache.computeIfAbsent(
                key(5),
                k -> {
                  calls.incrementAndGet();
                  return value(5, 0, 50);
                });
        assertArrayEquals(value(5, 0, 50), v);
      }
      assertEquals(1, calls.get());
      assertThrows(
          IllegalStateException.class,
          () ->
              cache.computeIfAbsent(
                  key(6),
                  k -> {
                    throw new IllegalStateException("loader failed");
                  }));
      assertNull(cache.get(key(6)));
      CacheStats stats = cache.stats();
      assertEquals(1, stats.loads());
      assertTrue(stats.loadTimeNanos() > 0);
    }
  }

  @Test
  void aLiveHolderMakesOthersTimeOutWithTheOwnerNamed() throws Exception {
    CacheConfig config =
        CacheConfig.of(1 << 20, 100).withLockTimeout(java.time.Duration.ofMillis(200));
    try (SharedCache cache = open(config)) {
      Segment segment = cache.segmentForTest(key(1));
      segment.lock(); // held by this (live) process: never taken over
      try {
        long start = System.nanoTime();
        var e =
            assertThrows(CacheLockTimeoutException.class, () -> cache.put(key(1), value(1, 0, 20)));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 200 && millis < 2000, millis + " ms");
        assertTrue(
            e.getMessage()
                .contains("still locked by running process " + ProcessHandle.current().pid()),
            e.getMessage());
        assertEquals(0, cache.stats().lockRecoveries());
      } finally {
        segment.unlock();
      }
      cache.put(key(1), value(1, 0, 20));
      assertArrayEquals(value(1, 0, 20), cache.get(key(1)));
    }
  }

  @Test
  void readStatsCountsAttachedProcessesBySlotLocks() throws Exception {
    SharedCache cache = open(CacheConfig.of(1 << 20, 100));
    Path path = cache.path();
    try (SharedCache second = SharedCache.open(path, CacheConfig.of(1 << 20, 100))) {
      assertEquals(2, SharedCache.readStats(path).attachedProcesses());
      assertEquals(2, cache.stats().attachedProcesses());
    }
    assertEquals(1, SharedCache.readStats(path).attachedProcesses());
    cache.close();
    assertEquals(0, SharedCache.readStats(path).attachedProcesses());
    try (SharedCache next = SharedCache.open(path, CacheConfig.of(1 << 20, 100))) {
      cache.close(); // a second close of the first must not free the slot the next one claimed
      assertEquals(1, SharedCache.readStats(path).attachedProcesses());
    }
  }

  @Test
  void anOddVersionWithNoLockHolderIsRebuiltNotSpunOn() throws Exception {
    CacheConfig config = CacheConfig.of(1 << 20, 100).withSegments(1);
    try (SharedCache cache = open(config);
        dev.mmapkit.MappedFile raw =
            dev.mmapkit.MappedFile.open(
                cache.path(), dev.mmapkit.MappingOptions.readWrite().withChunkSize(1 << 20))) {
      cache.put(key(1), value(1, 0, 20));
      // A segment left odd with a free lock word (a damaged file, or a writer that lost its lock).
      long version = SharedCacheDescriptor.SEGMENTS_OFFSET + SharedCacheDescriptor.SEG_VERSION;
      raw.chunk(0).set(java.lang.foreign.ValueLayout.JAVA_LONG, version, 7L);
      byte[] value =
          assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> cache.get(key(1)));
      assertArrayEquals(value(1, 0, 20), value, "the intact entry survives the rebuild");
      assertEquals(1, cache.stats().lockRecoveries());
    }
  }

  @Test
  void aValueLoadedAcrossAnInvalidationIsReturnedButNotStored() throws Exception {
    try (SharedCache cache = open(CacheConfig.of(1 << 20, 1000))) {
      byte[] key = "k".getBytes();
      byte[] loaded =
          cache.computeIfAbsent(
              key,
              k -> {
                cache.invalidateAll(); // e.g. a deploy while the value was being built
                return "stale".getBytes();
              });
      assertEquals("stale", new String(loaded));
      assertNull(cache.get(key), "a value computed before invalidateAll must not outlive it");
      assertEquals("fresh", new String(cache.computeIfAbsent(key, k -> "fresh".getBytes())));
      assertEquals("fresh", new String(cache.get(key)));
    }
  }
}
