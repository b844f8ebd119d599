package dev.mmapkit.cache;

import static dev.mmapkit.cache.TestValues.isWhole;
import static dev.mmapkit.cache.TestValues.key;
import static dev.mmapkit.cache.TestValues.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An exception between the odd and even seqlock stores (injected half-way through an entry) must
 * not publish a half-changed segment: the lock is poisoned, and the next reader or writer rebuilds
 * the segment as after a {@code kill -9}.
 */
class WriteFailureTest {
  @TempDir Path dir;

  private static final CacheConfig CONFIG = CacheConfig.of(1 << 20, 1000).withSegments(1);

  @Test
  void aWriterThatThrowsHalfWayLeavesNoTornEntryAndIsRecovered() throws Exception {
    Path path = dir.resolve("c.cache");
    try (SharedCache writer = SharedCache.open(path, CONFIG);
        SharedCache reader = SharedCache.open(path, CONFIG)) {
      for (int i = 0; i < 20; i++) writer.put(key(i), value(i, 0, 100));
      Segment segment = writer.segmentForTest(key(3));
      RuntimeException injected = new IllegalStateException("injected");
      segment.failOnceForTest("writeEntry", injected);
      // Same size: overwritten in place; the new header is written over the old key and value.
      assertSame(
          injected,
          assertThrows(RuntimeException.class, () -> writer.put(key(3), value(3, 1, 100))));

      // Another process's reader: never the torn value, and it recovers the segment.
      byte[] seen = reader.get(key(3));
      assertTrue(seen == null || isWhole(3, seen), "torn value returned");
      for (int i = 0; i < 20; i++) {
        if (i != 3) assertArrayEquals(value(i, 0, 100), reader.get(key(i)), "key " + i);
      }
      assertEquals(1, reader.stats().lockRecoveries());
      writer.put(key(3), value(3, 2, 100));
      assertArrayEquals(value(3, 2, 100), reader.get(key(3)));
    }
  }

  @Test
  void aRebuildThatThrowsIsRetriedByTheNextProcess() throws Exception {
    Path path = dir.resolve("c.cache");
    try (SharedCache first = SharedCache.open(path, CONFIG);
        SharedCache second = SharedCache.open(path, CONFIG)) {
      for (int i = 0; i < 10; i++) first.put(key(i), value(i, 0, 60));
      Segment segment = first.segmentForTest(key(1));
      segment.failOnceForTest("writeEntry", new IllegalStateException("write"));
      assertThrows(IllegalStateException.class, () -> first.put(key(1), value(1, 1, 60)));
      segment.failOnceForTest("rebuild", new OutOfMemoryError("rebuild"));
      assertThrows(OutOfMemoryError.class, () -> first.put(key(2), value(2, 1, 60)));
      // Still poisoned: the next writer (another process) recovers it.
      second.put(key(2), value(2, 1, 60));
      assertArrayEquals(value(2, 1, 60), second.get(key(2)));
      assertArrayEquals(value(5, 0, 60), first.get(key(5)));
      assertEquals(2, second.stats().lockRecoveries());
    }
  }
}
