package dev.mmapkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mmapkit.internal.NativeAccess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Residency, warm, evict, advice, write-back and streaming against the real page cache. The files
 * live in JUnit's temp dir, which must be on a disk file system (tmpfs pages cannot be evicted).
 */
class PageCacheTest {
  private static final long SIZE = 32L << 20;

  @TempDir Path dir;

  @BeforeEach
  void needsNativeAccessAndADisk() throws Exception {
    assumeTrue(NativeAccess.get().isPresent(), "native access");
    String type = Files.getFileStore(dir).type();
    assumeTrue(!type.equals("tmpfs"), "page-cache eviction needs a disk file system, not " + type);
  }

  @Test
  void evictDropsPagesAndWarmBringsThemBack() throws Exception {
    Path path = TestFiles.withContent(dir.resolve("f"), SIZE);
    try (MappedFile file = MappedFile.open(path)) {
      assertTrue(file.evict(0, SIZE));
      Residency cold = file.residency().orElseThrow();
      assertEquals(SIZE / cold.pageSize(), cold.pages());
      assertTrue(cold.fraction() < 0.5, "after evict: " + cold);

      file.warm(0, SIZE);
      Residency hot = file.residency().orElseThrow();
      assertEquals(1.0, hot.fraction(), "after warm: " + hot);
      assertEquals(SIZE, hot.residentBytes());

      Residency half = file.residency(SIZE / 2, SIZE / 2).orElseThrow();
      assertEquals(SIZE / 2 / half.pageSize(), half.pages());
    }
  }

  @Test
  void residencyOfAnUnalignedRangeCountsEveryPageItTouches() throws Exception {
    Path path = TestFiles.withContent(dir.resolve("f"), 3 * 4096);
    try (MappedFile file = MappedFile.open(path, MappingOptions.readOnly().withChunkSize(4096))) {
      file.warm(0, file.size());
      Residency r = file.residency(4000, 200).orElseThrow(); // pages 0 and 1
      assertEquals(2, r.pages());
      assertEquals(2, r.residentPages());
    }
  }

  @Test
  void evictOfAWritableMappingWritesDirtyPagesFirst() throws Exception {
    Path path = TestFiles.sparse(dir.resolve("f"), 1 << 20);
    try (MappedFile file = MappedFile.open(path, MappingOptions.readWrite())) {
      file.putLong(4096, 0xABCDEFL);
      assertTrue(file.startWriteBack(0, file.size()));
      assertTrue(file.evict(0, file.size()));
      assertEquals(0xABCDEFL, file.getLong(4096), "the write survived eviction");
    }
  }

  @Test
  void prefaultForWriteMakesTheRangeResident() throws Exception {
    Path path = dir.resolve("f");
    try (MappedFile file = MappedFile.create(path, 4 << 20, MappingOptions.readWrite())) {
      file.evict(0, file.size());
      file.prefaultForWrite(0, file.size());
      assertEquals(1.0, file.residency().orElseThrow().fraction());
    }
  }

  @Test
  void everyAdviceIsAccepted() throws Exception {
    Path path = TestFiles.withContent(dir.resolve("f"), 1 << 20);
    try (MappedFile file = MappedFile.open(path)) {
      for (Advice advice : Advice.values()) {
        assertTrue(file.advise(100, 5000, advice), advice.name());
      }
    }
  }

  @Test
  void sequentialScanKeepsResidentPagesBoundedWhileReadingEverything() throws Exception {
    long size = 128L << 20;
    long window = 4L << 20;
    Path path = TestFiles.withContent(dir.resolve("f"), size);
    long expected = 0;
    for (long i = 0; i < size; i += 4096) expected += TestFiles.expected(i);
    try (MappedFile file = MappedFile.open(path)) {
      file.evict(0, size);
      long peak = 0;
      long sum = 0;
      try (SequentialScan scan = file.sequentialScan(window)) {
        for (long pos = 0; pos < size; pos += 4096) {
          if (pos % (1 << 20) == 0) {
            scan.advanceTo(pos);
            peak = Math.max(peak, file.residency().orElseThrow().residentBytes());
          }
          sum += file.getByte(pos);
        }
        scan.advanceTo(size);
      }
      assertEquals(expected, sum, "every page was read");
      // three windows ahead and behind, plus kernel read-ahead: far below the file
      assertTrue(peak <= 8 * window, "peak resident " + Bytes.format(peak));
      long after = file.residency().orElseThrow().residentBytes();
      assertTrue(after <= 4 * window, "resident after the scan " + Bytes.format(after));
    }
  }

  @Test
  void closeWaitsForANativeCallInAnotherThreadInsteadOfFailing() throws Exception {
    Path path = TestFiles.sparse(dir.resolve("big"), 1L << 30);
    MappedFile file = MappedFile.open(path);
    var started = new java.util.concurrent.CountDownLatch(1);
    var warming =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> {
              started.countDown();
              try {
                file.warm(0, file.size()); // one long MADV_POPULATE_READ downcall
              } catch (IllegalStateException closedMeanwhile) {
                // fine: the file was closed between two ranges
              }
            });
    started.await();
    Thread.sleep(10);
    file.close(); // used to fail with "Session is acquired by 1 clients"
    warming.get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertThrows(IllegalStateException.class, () -> file.getLong(0));
  }
}
