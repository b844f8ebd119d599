package dev.mmapkit.cli;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads of {@code ioSize} bytes at given offsets with positional {@code FileChannel.read}, that is
 * {@code pread(2)}, into one direct buffer.
 */
final class ChannelRandomReads implements BenchStrategy {
  private final Path path;
  private final long[] offsets;
  private final int ioSize;

  ChannelRandomReads(Path path, long[] offsets, int ioSize) {
    this.path = path;
    this.offsets = offsets;
    this.ioSize = ioSize;
  }

  @Override
  public String name() {
    return "pread";
  }

  @Override
  public long run() throws IOException {
    ByteBuffer buffer = ByteBuffer.allocateDirect(ioSize);
    MemorySegment memory = MemorySegment.ofBuffer(buffer);
    long sum = 0;
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      for (long offset : offsets) {
        buffer.clear();
        // A regular file returns short reads only at the end, which the offsets never pass.
        while (buffer.hasRemaining()) {
          if (channel.read(buffer, offset + buffer.position()) < 0) break;
        }
        sum += LongSum.of(memory, 0, buffer.position());
      }
    }
    return sum;
  }
}
