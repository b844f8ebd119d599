package dev.mmapkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mmapkit.testkit.SmallFileSystem;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrowthTest {
  @TempDir Path dir;

  @Test
  void createReservesTheWholeFile() throws Exception {
    Path path = dir.resolve("new");
    try (MappedFile file = MappedFile.create(path, 1 << 20, MappingOptions.readWrite())) {
      assertEquals(1 << 20, file.size());
      assertEquals(1 << 20, Files.size(path));
      file.putLong((1 << 20) - 8, 99);
    }
    assertTrue(allocatedBytes(path) >= 1 << 20, "blocks allocated: " + allocatedBytes(path));
  }

  @Test
  void growthMapsOnlyNewChunksAndKeepsOldSegmentsValid() throws Exception {
    Path path = dir.resolve("grow");
    try (MappedFile file =
        MappedFile.create(path, 65536, MappingOptions.readWrite().withChunkSize(65536))) {
      MemorySegment first = file.chunk(0);
      file.putLong(0, 1234);
      file.ensureCapacity(65536 * 3 + 100);
      assertEquals(4, file.chunkCount());
      assertEquals(65536 * 3 + 100, file.size());
      assertEquals(65536 * 3 + 100, Files.size(path));
      assertTrue(first == file.chunk(0), "a full chunk is never remapped");
      assertEquals(1234, first.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
      file.putLong(65536 * 3 + 92, 5678);
      // the partial tail chunk is remapped at its new size; its old view stays readable
      MemorySegment oldTail = file.chunk(3);
      file.ensureCapacity(65536 * 3 + 5000);
      assertEquals(100, oldTail.byteSize());
      assertEquals(5000, file.chunk(3).byteSize());
      assertEquals(5678, file.getLong(65536 * 3 + 92));
      file.ensureCapacity(10); // never shrinks
      assertEquals(65536 * 3 + 5000, file.size());
    }
    assertTrue(allocatedBytes(path) >= 65536 * 3 + 5000, "blocks allocated");
  }

  @Test
  void readersSeeConsistentDataWhileAnotherThreadGrows() throws Exception {
    Path path = dir.resolve("race");
    try (MappedFile file =
        MappedFile.create(path, 4096, MappingOptions.readWrite().withChunkSize(4096))) {
      file.putLong(0, 42);
      var reader =
          java.util.concurrent.CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < 200_000; i++) {
                  if (file.getLong(0) != 42) throw new AssertionError("torn read");
                  long size = file.size();
                  file.getByte(size - 1); // every published size is readable
                }
              });
      for (int step = 2; step <= 200; step++) file.ensureCapacity(step * 4096L);
      reader.get(60, TimeUnit.SECONDS);
      assertEquals(200 * 4096L, file.size());
    }
  }

  @Test
  void fullDiskIsADiskFullExceptionAndNothingIsLost() throws Exception {
    try (SmallFileSystem fs = SmallFileSystem.mount(dir.resolve("small"), "1m")) {
      assumeTrue(fs != null, "mounting a tmpfs needs root");
      Path path = fs.root().resolve("data");
      var tooBig =
          assertThrows(
              DiskFullException.class,
              () -> MappedFile.create(path, 8 << 20, MappingOptions.readWrite()));
      assertTrue(
          tooBig.getMessage().contains("no space left to reserve 8.0 MiB"), tooBig.getMessage());
      assertFalse(Files.exists(path), "a failed create leaves no file behind");

      try (MappedFile file = MappedFile.create(path, 64 << 10, MappingOptions.readWrite())) {
        file.putLong(8, 77);
        var e = assertThrows(DiskFullException.class, () -> file.ensureCapacity(16 << 20));
        assertEquals((16 << 20) - (64 << 10), e.requestedBytes());
        assertTrue(
            e.usableBytes() >= 0 && e.usableBytes() < (1 << 20), "usable " + e.usableBytes());
        assertEquals(64 << 10, file.size(), "the mapping keeps its old size");
        assertEquals(77, file.getLong(8), "what was written is still there");
        file.ensureCapacity(128 << 10); // growth resumes while there is room
        assertEquals(128 << 10, file.size());
      }
      assertEquals(128 << 10, Files.size(path));
    }
  }

  /** Bytes of disk actually allocated to the file ({@code stat %b * %B}). */
  static long allocatedBytes(Path path) throws Exception {
    Process stat = new ProcessBuilder("stat", "-c", "%b %B", path.toString()).start();
    String[] parts = new String(stat.getInputStream().readAllBytes()).trim().split(" ");
    stat.waitFor();
    return Long.parseLong(parts[0]) * Long.parseLong(parts[1]);
  }
}
