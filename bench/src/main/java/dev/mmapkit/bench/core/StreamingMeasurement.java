package dev.mmapkit.bench.core;

import dev.mmapkit.MappedFile;
import dev.mmapkit.SequentialScan;
import dev.mmapkit.bench.BenchFiles;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * Streams a file larger than a residency bound, from a cold page cache, once with a plain mapping
 * and once through {@link SequentialScan}, sampling the file's resident pages ({@code mincore})
 * from the scanning thread as it goes.
 *
 * <p>Measured directly rather than through JMH: each pass is long, must start cold, and the peak
 * residency is a by-product of the pass that JMH has no place for.
 */
final class StreamingMeasurement {
  private static final long STEP = 1 << 20;

  /** Result of one pass. */
  record Pass(String how, long bytes, long nanos, long peakResidentBytes, long checksum) {
    double bytesPerSecond() {
      return bytes * 1e9 / nanos;
    }
  }

  private final Path path;
  private final long window;
  private final long sampleEvery;

  /**
   * @param fileBytes size of the streamed file
   * @param window the {@link SequentialScan} window
   * @param sampleEvery how many bytes between two residency samples
   */
  StreamingMeasurement(long fileBytes, long window, long sampleEvery) {
    this.path = BenchFiles.ensure("data", fileBytes);
    this.window = window;
    this.sampleEvery = sampleEvery;
  }

  /** A plain sequential pass over a mapping: the kernel's default read-ahead, nothing dropped. */
  Pass plain() throws IOException {
    return pass(false);
  }

  /** A pass through {@link MappedFile#sequentialScan}: read-ahead plus drop-behind. */
  Pass streaming() throws IOException {
    return pass(true);
  }

  private Pass pass(boolean stream) throws IOException {
    try (MappedFile file = MappedFile.open(path)) {
      BenchFiles.makeCold(file);
      long size = file.size();
      long chunkSize = file.options().chunkSize();
      long sum = 0;
      long peak = 0;
      long samplingNanos = 0;
      long nextSample = 0;
      long start = System.nanoTime();
      SequentialScan scan = stream ? file.sequentialScan(window) : null;
      try {
        for (long pos = 0; pos < size; pos += STEP) {
          if (scan != null) scan.advanceTo(pos);
          if (pos >= nextSample) {
            // Sampling costs the same in both passes; take it out of the timing anyway.
            long t = System.nanoTime();
            peak = Math.max(peak, resident(file));
            samplingNanos += System.nanoTime() - t;
            nextSample += sampleEvery;
          }
          long len = Math.min(STEP, size - pos);
          MemorySegment chunk = file.chunk((int) (pos / chunkSize));
          sum += Sums.sumLongs(chunk.asSlice(pos % chunkSize, len), len);
        }
        // The last sample before close(), which drops what the scan left behind.
        peak = Math.max(peak, resident(file));
      } finally {
        if (scan != null) scan.close();
      }
      long elapsed = System.nanoTime() - start - samplingNanos;
      return new Pass(stream ? "sequentialScan" : "plain", size, elapsed, peak, sum);
    }
  }

  private static long resident(MappedFile file) {
    return file.residency()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "residency needs native access: run with --enable-native-access=ALL-UNNAMED"))
        .residentBytes();
  }
}
