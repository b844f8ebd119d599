package dev.mmapkit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.testkit.ChildJvm;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksumsTest {
  @TempDir Path dir;

  @Test
  void mappedAndUnmappedMemoryGiveTheSameChecksum() throws Exception {
    byte[] bytes = new byte[100_000];
    for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (i * 7);
    Path path = Files.write(dir.resolve("f"), bytes);
    CRC32C expected = new CRC32C();
    expected.update(bytes);
    try (var channel = java.nio.channels.FileChannel.open(path);
        Arena arena = Arena.ofConfined()) {
      MemorySegment mapped =
          channel.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, bytes.length, arena);
      CRC32C crc = new CRC32C();
      Checksums.update(crc, mapped);
      assertEquals(expected.getValue(), crc.getValue());
      CRC32C heap = new CRC32C();
      Checksums.update(heap, MemorySegment.ofArray(bytes));
      assertEquals(expected.getValue(), heap.getValue());
    }
  }

  @Test
  void aTruncatedMappingIsAnExceptionNotACrash() throws Exception {
    Path path = Files.write(dir.resolve("f"), new byte[1 << 20]);
    ChildJvm.Result r =
        ChildJvm.run(ChecksumsTruncationChild.class, ChildJvm.DEFAULT_OPTIONS, 60, path.toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stdout().contains("FAULT AS EXCEPTION"), r.toString());
  }
}
