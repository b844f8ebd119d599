package dev.mmapkit.cli;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A sequential pass with {@code FileChannel.read} into a direct buffer: {@code read(2)} at the
 * channel's position, or, when {@code positional}, {@code pread(2)} at an explicit offset, which is
 * how a reader that keeps its own offsets (or shares the channel between threads) reads.
 */
final class ChannelScan implements BenchStrategy {
  private final Path path;
  private final int bufferSize;
  private final boolean positional;
  private final String name;

  ChannelScan(Path path, int bufferSize, boolean positional, String name) {
    this.path = path;
    this.bufferSize = bufferSize;
    this.positional = positional;
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long run() throws IOException {
    ByteBuffer buffer = ByteBuffer.allocateDirect(bufferSize);
    MemorySegment memory = MemorySegment.ofBuffer(buffer);
    long sum = 0;
    long position = 0;
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      while (true) {
        buffer.clear();
        int n = positional ? channel.read(buffer, position) : channel.read(buffer);
        if (n < 0) break;
        sum += LongSum.of(memory, 0, n);
        position += n;
      }
    }
    return sum;
  }
}
