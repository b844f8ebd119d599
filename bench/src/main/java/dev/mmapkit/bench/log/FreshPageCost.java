package dev.mmapkit.bench.log;

import dev.mmapkit.MappedFile;
import dev.mmapkit.MappingOptions;
import dev.mmapkit.bench.BenchFiles;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a fresh page-cache page costs here, which a log appending to new chunks and {@code
 * FileChannel.write} to a new file both pay for every byte: per 64 MiB, the time to make a new,
 * fully reserved chunk writable ({@code MappedFile.create} then {@code prefaultForWrite}, i.e.
 * {@code posix_fallocate} and {@code MADV_POPULATE_WRITE}: what a log's background thread does), to
 * fill those ready pages through the mapping (what the appends then do, less checksums and
 * headers), and to {@code write} 64 MiB to a new file in 64 KiB batches (what the anchor does, less
 * framing).
 *
 * <p>{@code java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * dev.mmapkit.bench.log.FreshPageCost ROUNDS}; prints the median of each, in ms and GB/s.
 */
public final class FreshPageCost {
  private FreshPageCost() {}

  private static final long SIZE = 64L << 20;
  private static final int BATCH = 64 * 1024;

  /** Runs the rounds and prints one line per step. */
  public static void main(String[] args) throws IOException {
    int rounds = Integer.parseInt(args[0]);
    Path dir = BenchFiles.directory().resolve("log-fresh-pages");
    Files.createDirectories(dir);
    Path file = dir.resolve("chunk");
    long[] prepare = new long[rounds];
    long[] fill = new long[rounds];
    long[] write = new long[rounds];
    MemorySegment source = MemorySegment.ofArray(new byte[BATCH]).fill((byte) 7);
    ByteBuffer batch = ByteBuffer.allocateDirect(BATCH);
    for (int r = 0; r < rounds; r++) {
      Files.deleteIfExists(file);
      long start = System.nanoTime();
      try (MappedFile mapped =
          MappedFile.create(file, SIZE, MappingOptions.readWrite().withChunkSize(SIZE))) {
        mapped.prefaultForWrite(0, SIZE);
        long prepared = System.nanoTime();
        MemorySegment chunk = mapped.chunk(0);
        for (long p = 0; p < SIZE; p += BATCH) {
          MemorySegment.copy(source, 0, chunk, p, BATCH);
        }
        long filled = System.nanoTime();
        prepare[r] = prepared - start;
        fill[r] = filled - prepared;
        if (chunk.get(ValueLayout.JAVA_BYTE, SIZE - 1) != 7) throw new AssertionError();
      }
      Files.delete(file);
      start = System.nanoTime();
      try (FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        for (long p = 0; p < SIZE; p += BATCH) {
          batch.clear();
          while (batch.hasRemaining()) channel.write(batch);
        }
      }
      write[r] = System.nanoTime() - start;
    }
    Files.deleteIfExists(file);
    print("fallocate + MADV_POPULATE_WRITE of a new 64 MiB chunk", prepare);
    print("fill those ready pages through the mapping", fill);
    print("FileChannel.write of 64 MiB to a new file, 64 KiB a call", write);
  }

  private static void print(String what, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    long median = sorted[sorted.length / 2];
    System.out.printf(
        Locale.ROOT,
        "%-58s median %6.1f ms  %5.2f GB/s  (%.1f us per 4 KiB page; min %.1f, max %.1f ms)%n",
        what,
        median / 1e6,
        SIZE / (double) median,
        median / 1e3 / (SIZE / 4096.0),
        sorted[0] / 1e6,
        sorted[sorted.length - 1] / 1e6);
  }
}
