package dev.mmapkit.cli;

import dev.mmapkit.MappedFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs an operation over a whole file in 64 MiB slices: small enough to show progress and to stop
 * promptly on Ctrl-C, large enough that the per-call cost does not matter.
 */
final class SlicedPass {
  /** The slice size. */
  static final long SLICE = 64L << 20;

  private SlicedPass() {}

  /** An operation on {@code [offset, offset + length)} of a mapped file. */
  @FunctionalInterface
  interface SliceAction {
    void apply(MappedFile file, long offset, long length) throws IOException;
  }

  /** What a pass over one file did and how long it took. */
  record Result(Path file, long bytes, long nanos) {
    /** Bytes per second, or 0 when nothing was done. */
    double bytesPerSec() {
      return nanos == 0 ? 0 : bytes * 1e9 / nanos;
    }
  }

  /**
   * Checks every file up front, then runs {@code action} over each in turn with one progress line
   * (labelled {@code label}) for all of them.
   */
  static List<Result> runAll(List<Path> files, String label, PrintWriter err, SliceAction action)
      throws IOException {
    long total = 0;
    for (Path f : files) total += Files.size(InputFile.check(f));
    List<Result> results = new ArrayList<>();
    try (Progress progress = Progress.start(err, label, total)) {
      for (Path f : files) results.add(run(f, progress, action));
    }
    return results;
  }

  /**
   * Maps {@code file} read-only and applies {@code action} to every slice, reporting each to {@code
   * progress}. An empty file cannot be mapped and has nothing to do: it gives a zero result.
   */
  static Result run(Path file, Progress progress, SliceAction action) throws IOException {
    long start = System.nanoTime();
    if (Files.size(file) == 0) return new Result(file, 0, 0);
    try (MappedFile mapped = MappedFile.open(file)) {
      long size = mapped.size();
      for (long offset = 0; offset < size; offset += SLICE) {
        long length = Math.min(SLICE, size - offset);
        action.apply(mapped, offset, length);
        progress.advance(length);
      }
      return new Result(file, size, System.nanoTime() - start);
    }
  }
}
