package dev.mmapkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MappedFileTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "chunk size {0}")
  @ValueSource(longs = {4096, 8192, 65536, 1 << 20, 1L << 30})
  void readsEveryByteAndEveryStraddlingValueAcrossChunkSizes(long chunkSize) throws Exception {
    long size = 3 * 65536 + 1234; // several small chunks and a partial tail
    Path path = TestFiles.withContent(dir.resolve("f"), size);
    try (MappedFile file =
        MappedFile.open(path, MappingOptions.readOnly().withChunkSize(chunkSize))) {
      assertEquals(size, file.size());
      assertEquals((size + chunkSize - 1) / chunkSize, file.chunkCount());
      for (long i = 0; i < size; i++)
        assertEquals(TestFiles.expected(i), file.getByte(i), "byte " + i);
      ByteBuffer reference =
          ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
      for (long boundary = chunkSize; boundary < size; boundary += chunkSize) {
        for (long at = boundary - 8; at <= boundary; at++) {
          assertEquals(reference.getLong((int) at), file.getLong(at), "long at " + at);
          assertEquals(reference.getInt((int) at), file.getInt(at), "int at " + at);
        }
      }
      byte[] all = new byte[(int) size];
      file.get(0, all);
      assertArrayEquals(Files.readAllBytes(path), all);
    }
  }

  @ParameterizedTest(name = "chunk size {0}")
  @ValueSource(longs = {4096, 65536, 1L << 30})
  void writesThroughToTheFileAcrossChunkBoundaries(long chunkSize) throws Exception {
    Path path = TestFiles.sparse(dir.resolve("w"), 3 * 4096 + 100);
    try (MappedFile file =
        MappedFile.open(path, MappingOptions.readWrite().withChunkSize(chunkSize))) {
      file.putLong(4096 - 3, 0x1122334455667788L);
      file.putInt(3 * 4096 - 2, 0xCAFEBABE);
      file.putByte(0, (byte) 42);
      byte[] block = new byte[5000];
      for (int i = 0; i < block.length; i++) block[i] = (byte) i;
      file.put(2 * 4096 - 2500, block);
      assertEquals(0x1122334455667788L, file.getLong(4096 - 3));
      file.force();
    }
    ByteBuffer disk = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(42, disk.get(0));
    assertEquals(0xCAFEBABE, disk.getInt(3 * 4096 - 2));
    for (int i = 0; i < 5000; i++) assertEquals((byte) i, disk.get(2 * 4096 - 2500 + i));
    // the long overlapped by the block keeps only its bytes below the block
    assertEquals((byte) 0x88, disk.get(4096 - 3));
  }

  @Test
  void chunkAndSliceAreZeroCopyViewsOfTheFile() throws Exception {
    Path path = TestFiles.withContent(dir.resolve("f"), 3 * 4096);
    try (MappedFile file = MappedFile.open(path, MappingOptions.readWrite().withChunkSize(8192))) {
      MemorySegment slice = file.slice(8192 + 16, 64);
      slice.set(ValueLayout.JAVA_BYTE, 0, (byte) -1);
      assertEquals(-1, file.getByte(8192 + 16));
      assertEquals(8192, file.chunk(0).byteSize());
      assertEquals(4096, file.chunk(1).byteSize());
      var crossing = assertThrows(IllegalArgumentException.class, () -> file.slice(8190, 4));
      assertTrue(crossing.getMessage().contains("crosses a chunk boundary"), crossing.getMessage());
      assertThrows(IndexOutOfBoundsException.class, () -> file.chunk(2));
    }
  }

  @Test
  void outOfRangeAccessNamesTheRangeAndTheFile() throws Exception {
    Path path = TestFiles.withContent(dir.resolve("f"), 100);
    try (MappedFile file = MappedFile.open(path)) {
      var e = assertThrows(IndexOutOfBoundsException.class, () -> file.getLong(96));
      assertTrue(
          e.getMessage().contains("[96, 104)") && e.getMessage().contains(path.toString()),
          e.getMessage());
      assertThrows(IndexOutOfBoundsException.class, () -> file.getByte(-1));
      assertThrows(IndexOutOfBoundsException.class, () -> file.get(50, new byte[51]));
      assertThrows(IndexOutOfBoundsException.class, () -> file.advise(0, 101, Advice.NORMAL));
    }
  }

  @Test
  void writingToAReadOnlyMappingIsRefused() throws Exception {
    Path path = TestFiles.withContent(dir.resolve("f"), 100);
    try (MappedFile file = MappedFile.open(path)) {
      var e = assertThrows(IllegalStateException.class, () -> file.putLong(0, 1));
      assertTrue(e.getMessage().contains("read-only"), e.getMessage());
      assertThrows(IllegalStateException.class, () -> file.ensureCapacity(200));
      assertThrows(IllegalStateException.class, () -> file.force());
    }
  }

  @Test
  void missingFileIsNoSuchFile() {
    Path missing = dir.resolve("missing");
    var e = assertThrows(java.nio.file.NoSuchFileException.class, () -> MappedFile.open(missing));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }

  @Test
  void directoryIsRefusedByName() {
    var e = assertThrows(java.nio.file.FileSystemException.class, () -> MappedFile.open(dir));
    assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
  }

  @Test
  void emptyFileCannotBeMappedReadOnlyButCanBeGrownReadWrite() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty"));
    var e = assertThrows(MmapkitException.class, () -> MappedFile.open(empty));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
    try (MappedFile file = MappedFile.open(empty, MappingOptions.readWrite())) {
      assertEquals(0, file.size());
      file.ensureCapacity(10);
      file.putLong(2, 7);
      assertEquals(7, file.getLong(2));
    }
    assertEquals(10, Files.size(empty));
  }

  @Test
  void useAfterCloseIsAnIllegalStateNamingTheFile() throws Exception {
    Path path = TestFiles.withContent(dir.resolve("f"), 100);
    MappedFile file = MappedFile.open(path);
    MemorySegment chunk = file.chunk(0);
    file.close();
    file.close(); // idempotent
    var e = assertThrows(IllegalStateException.class, () -> file.getLong(0));
    assertTrue(e.getMessage().contains(path + " is closed"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> chunk.get(ValueLayout.JAVA_BYTE, 0));
  }

  @Test
  void confinedMappingRefusesOtherThreads() throws Exception {
    Path path = TestFiles.withContent(dir.resolve("f"), 100);
    try (MappedFile file =
        MappedFile.open(path, MappingOptions.readOnly().confinedToOpeningThread())) {
      assertEquals(TestFiles.expected(3), file.getByte(3));
      var failure =
          assertThrows(
              ExecutionException.class,
              () -> CompletableFuture.runAsync(() -> file.getLong(0)).get());
      var e = (WrongThreadException) failure.getCause();
      assertTrue(e.getMessage().contains("confined to thread"), e.getMessage());
      var closing =
          assertThrows(
              ExecutionException.class,
              () ->
                  CompletableFuture.runAsync(
                          () -> {
                            try {
                              file.close();
                            } catch (java.io.IOException x) {
                              throw new java.io.UncheckedIOException(x);
                            }
                          })
                      .get());
      assertTrue(closing.getCause() instanceof WrongThreadException, closing.toString());
    }
  }

  @Test
  void sharedMappingIsUsableFromManyThreads() throws Exception {
    Path path = TestFiles.withContent(dir.resolve("f"), 1 << 16);
    try (MappedFile file = MappedFile.open(path, MappingOptions.readOnly().withChunkSize(4096))) {
      var readers = new java.util.ArrayList<CompletableFuture<Long>>();
      for (int t = 0; t < 4; t++) {
        readers.add(
            CompletableFuture.supplyAsync(
                () -> {
                  long sum = 0;
                  for (long i = 0; i < file.size(); i++) sum += file.getByte(i);
                  return sum;
                }));
      }
      long first = readers.get(0).get();
      for (var r : readers) assertEquals(first, r.get());
    }
  }

  @Test
  void copyIntoAndOutOfOffHeapMemory() throws Exception {
    Path path = TestFiles.sparse(dir.resolve("f"), 3 * 4096);
    try (MappedFile file = MappedFile.open(path, MappingOptions.readWrite().withChunkSize(4096));
        Arena arena = Arena.ofConfined()) {
      MemorySegment src = arena.allocate(6000);
      for (int i = 0; i < 6000; i++) src.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7));
      file.put(3000, src);
      MemorySegment dst = arena.allocate(6000);
      file.get(3000, dst);
      assertEquals(-1, src.mismatch(dst));
    }
  }

  @Test
  void invalidChunkSizesAreRejectedWithTheValue() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> MappingOptions.readOnly().withChunkSize(5000));
    assertTrue(e.getMessage().contains("5000"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> MappingOptions.readOnly().withChunkSize(2048));
  }

  @Test
  void createRefusesAnExistingFileAndReadOnlyOptions() throws Exception {
    Path existing = TestFiles.withContent(dir.resolve("f"), 10);
    assertThrows(
        java.nio.file.FileAlreadyExistsException.class,
        () -> MappedFile.create(existing, 100, MappingOptions.readWrite()));
    assertThrows(
        IllegalArgumentException.class,
        () -> MappedFile.create(dir.resolve("g"), 100, MappingOptions.readOnly()));
    assertEquals(10, Files.size(existing));
  }
}
