package dev.mmapkit.cli;

import dev.mmapkit.Advice;
import dev.mmapkit.MappedFile;
import java.io.IOException;
import java.nio.file.Path;

/** A sequential pass over a fresh mapping of the file, optionally with {@code madvise} first. */
final class MappedScan implements BenchStrategy {
  private final Path path;
  private final Advice advice;

  /**
   * @param advice given for the whole file before the pass, or {@code null} for the kernel default
   */
  MappedScan(Path path, Advice advice) {
    this.path = path;
    this.advice = advice;
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
      for (int i = 0; i < file.chunkCount(); i++) {
        sum += LongSum.of(file.chunk(i), 0, file.chunk(i).byteSize());
      }
      return sum;
    }
  }
}
