package dev.mmapkit.cache;

import static dev.mmapkit.cache.TestValues.key;
import static dev.mmapkit.cache.TestValues.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code getValidated}: entries built from files go stale when the file or its symlink changes. */
class SourceRevalidationTest {
  @TempDir Path dir;

  private SharedCache open(Duration interval) throws Exception {
    return SharedCache.open(
        dir.resolve("c.cache"),
        CacheConfig.of(1 << 20, 1000).withSegments(1).withRevalidateInterval(interval));
  }

  @Test
  void editedSourceMakesTheEntryStale() throws Exception {
    Path source = Files.writeString(dir.resolve("page.tmpl"), "version 1");
    try (SharedCache cache = open(Duration.ZERO)) {
      cache.putValidated(key(1), value(1, 1, 50), SourceStamp.of(source));
      assertArrayEquals(value(1, 1, 50), cache.getValidated(key(1), source));
      Files.writeString(source, "version 22");
      assertNull(cache.getValidated(key(1), source));
      assertNull(cache.get(key(1)), "the stale entry is removed");
    }
  }

  @Test
  void aStaleVerdictRemovesOnlyTheEntryItChecked() throws Exception {
    Path source = Files.writeString(dir.resolve("page.tmpl"), "version 1");
    try (SharedCache cache = open(Duration.ZERO)) {
      SourceStamp old = SourceStamp.of(source);
      cache.putValidated(key(1), value(1, 1, 50), old);
      long hash = KeyHash.of(key(1));
      Segment segment = cache.segmentForTest(key(1));
      long[] stored = new long[6];
      segment.getWithSource(key(1), hash, 0, stored); // what getValidated read before judging
      // Meanwhile another process rebuilt the value from the edited file and stored it.
      Files.writeString(source, "version 22");
      SourceStamp fresh = SourceStamp.of(source);
      cache.putValidated(key(1), value(1, 2, 50), fresh);
      assertFalse(segment.removeIfUnchanged(key(1), hash, old, (int) stored[5]));
      assertArrayEquals(value(1, 2, 50), cache.getValidated(key(1), source));
      // The verdict on the entry that is there does remove it.
      segment.getWithSource(key(1), hash, 0, stored);
      assertTrue(segment.removeIfUnchanged(key(1), hash, fresh, (int) stored[5]));
      assertNull(cache.get(key(1)));
    }
  }

  @Test
  void withinTheIntervalTheFileIsNotLookedAt() throws Exception {
    Path source = Files.writeString(dir.resolve("page.tmpl"), "version 1");
    try (SharedCache cache = open(Duration.ofHours(1))) {
      cache.putValidated(key(1), value(1, 1, 50), SourceStamp.of(source));
      Files.writeString(source, "version 22");
      assertArrayEquals(value(1, 1, 50), cache.getValidated(key(1), source));
    }
  }

  @Test
  void switchingASymlinkToAnIdenticalLookingFileIsNoticed() throws Exception {
    Path a = Files.writeString(Files.createDirectories(dir.resolve("release-a")).resolve("t"), "x");
    Path b = Files.writeString(Files.createDirectories(dir.resolve("release-b")).resolve("t"), "y");
    Files.setLastModifiedTime(b, Files.getLastModifiedTime(a));
    Path current = dir.resolve("current");
    Files.createSymbolicLink(current, dir.resolve("release-a"));
    Path source = current.resolve("t");
    try (SharedCache cache = open(Duration.ZERO)) {
      cache.putValidated(key(1), value(1, 1, 50), SourceStamp.of(source));
      assertArrayEquals(value(1, 1, 50), cache.getValidated(key(1), source));
      Files.delete(current);
      Files.createSymbolicLink(current, dir.resolve("release-b"));
      assertNull(cache.getValidated(key(1), source), "same size and mtime, other real path");
    }
  }

  @Test
  void missingSourceOrUnstampedEntryIsAMiss() throws Exception {
    Path source = Files.writeString(dir.resolve("page.tmpl"), "version 1");
    try (SharedCache cache = open(Duration.ZERO)) {
      cache.put(key(2), value(2, 1, 50));
      assertNull(cache.getValidated(key(2), source), "stored without a stamp");
      cache.putValidated(key(1), value(1, 1, 50), SourceStamp.of(source));
      Files.delete(source);
      assertNull(cache.getValidated(key(1), source));
    }
  }

  @Test
  void stampedEntriesSurviveCompactionAndRepair() throws Exception {
    Path source = Files.writeString(dir.resolve("page.tmpl"), "version 1");
    try (SharedCache cache = open(Duration.ZERO)) {
      cache.putValidated(key(0), value(0, 1, 500), SourceStamp.of(source));
      for (int round = 0; round < 20; round++) {
        for (int i = 1; i < 150; i++) cache.put(key(i), value(i, round, 1000 + (round % 2) * 500));
      }
      assertArrayEquals(value(0, 1, 500), cache.getValidated(key(0), source));
      // Fill every empty index slot with a pointer outside the segment: the next lookup that
      // reaches one rebuilds the segment, which re-verifies every entry's checksum.
      CacheLayout layout = CacheLayout.of(cache.config());
      long index = layout.segmentOffset(0) + SharedCacheDescriptor.SEG_HEADER_SIZE;
      try (RandomAccessFile f = new RandomAccessFile(cache.path().toFile(), "rw")) {
        for (int i = 0; i < layout.indexCapacity(); i++) {
          f.seek(index + 8L * i);
          if (f.readLong() == 0) {
            f.seek(index + 8L * i);
            f.writeLong(0x0000_0001_7FFF_FFF0L);
          }
        }
      }
      assertNull(cache.get(key(9999)));
      assertArrayEquals(value(0, 1, 500), cache.getValidated(key(0), source));
      assertArrayEquals(value(149, 19, 1500), cache.get(key(149)));
    }
  }
}
