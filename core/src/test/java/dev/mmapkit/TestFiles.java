package dev.mmapkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Test files with content that can be checked: byte {@code i} is {@link #expected(long)}. */
final class TestFiles {
  private TestFiles() {}

  static byte expected(long offset) {
    return (byte) (offset * 31 + (offset >>> 12) + 7);
  }

  /** Writes {@code size} bytes of checkable content to a new file. */
  static Path withContent(Path file, long size) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
      for (long pos = 0; pos < size; ) {
        buffer.clear();
        int n = (int) Math.min(buffer.capacity(), size - pos);
        for (int i = 0; i < n; i++) buffer.put(expected(pos + i));
        buffer.flip();
        pos += ch.write(buffer, pos);
      }
    }
    return file;
  }

  /** Makes a sparse file: {@code size} bytes long, no blocks allocated. */
  static Path sparse(Path file, long size) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(size);
    }
    return file;
  }
}
