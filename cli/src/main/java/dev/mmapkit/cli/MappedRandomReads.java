package dev.mmapkit.cli;

import dev.mmapkit.Advice;
import dev.mmapkit.MappedFile;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads of {@code ioSize} bytes at given offsets of a fresh mapping, in place (no copy: that is
 * what mapping buys), optionally after {@code madvise} on the whole file.
 */
final class MappedRandomReads implements BenchStrategy {
  private final Path path;
  private final Advice advice;
  private final long[] offsets;
  private final int ioSize;

  /**
   * @param advice given for the whole file before the reads, or {@code null} for the default
   */
  MappedRandomReads(Path path, Advice advice, long[] offsets, int ioSize) {
    this.path = path;
    this.advice = advice;
    this.offsets = offsets;
    this.ioSize = ioSize;
  }

  @Override
  public String name() {
    return advice == null ? "mmap" : "mmap+" + BenchCommand.adviceName(advice);
  }

  @Override
  public long run() throws IOException {
    try (MappedFile file = MappedFile.open(path)) {
      if (advice != null && !file.advise(0, file.size(), advice)) {
        throw NativeAccessRequired.exception(path, "madvise");
      }
      long sum = 0;
      for (long offset : offsets) sum += LongSum.of(file, offset, ioSize);
      return sum;
    }
  }
}
