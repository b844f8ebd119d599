package dev.mmapkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files past 2 and 4 GiB: long offsets, several chunks, values straddling chunk edges. */
class LargeFileTest {
  private static final long GIB = 1L << 30;

  @TempDir Path dir;

  @Test
  void readsAndWritesPastFourGibInASparseFiveGibFile() throws Exception {
    Path path = TestFiles.sparse(dir.resolve("big"), 5 * GIB);
    long[] offsets = {0, 2 * GIB - 4, 4 * GIB - 3, 4 * GIB + 12345, 5 * GIB - 8};
    try (MappedFile file = MappedFile.open(path, MappingOptions.readWrite())) {
      assertEquals(5, file.chunkCount());
      for (long offset : offsets) file.putLong(offset, offset ^ 0x5DEECE66DL);
      for (long offset : offsets) assertEquals(offset ^ 0x5DEECE66DL, file.getLong(offset));
      assertEquals(0, file.getLong(3 * GIB)); // untouched sparse pages read as zero
      file.force(4 * GIB - 3, 8);
    }
    // what the mapping wrote is what the file holds, read the ordinary way
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      for (long offset : offsets) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        channel.read(b, offset);
        assertEquals(offset ^ 0x5DEECE66DL, b.flip().getLong(), "at " + offset);
      }
    }
  }

  @Test
  void aSingleChunkCanBeLargerThanTwoGib() throws Exception {
    Path path = TestFiles.sparse(dir.resolve("big"), 3 * GIB);
    try (MappedFile file =
        MappedFile.open(path, MappingOptions.readOnly().withChunkSize(4 * GIB))) {
      assertEquals(1, file.chunkCount());
      assertEquals(3 * GIB, file.chunk(0).byteSize());
      assertEquals(0, file.getLong(3 * GIB - 8));
    }
  }
}
