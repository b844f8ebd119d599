package dev.mmapkit.internal;

import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Child JVM for {@link ChecksumsTest}: checksums a mapping until the code is compiled, truncates
 * the file, checksums again. With the CRC32C stub on mapped memory this was a SIGBUS crash.
 */
public final class ChecksumsTruncationChild {
  private ChecksumsTruncationChild() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        Arena arena = Arena.ofShared()) {
      MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, 1 << 20, arena);
      long sum = 0;
      for (int i = 0; i < 2000; i++) sum += crc(mapped);
      try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
        raf.setLength(4096);
      }
      try {
        System.out.println("NO FAULT " + (sum + crc(mapped)));
      } catch (InternalError e) {
        System.out.println("FAULT AS EXCEPTION " + e.getMessage());
      }
    }
  }

  private static long crc(MemorySegment memory) {
    CRC32C crc = new CRC32C();
    Checksums.update(crc, memory);
    return crc.getValue();
  }
}
