package dev.mmapkit.bench.core;

import dev.mmapkit.MappedFile;
import dev.mmapkit.bench.BenchFiles;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A whole-file sequential scan of a page-cache-hot file, summed as longs, four ways. One operation
 * is one pass over the file; {@link CoreGroup} converts operations per second into bytes per second
 * with {@link #fileBytes}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ScanBenchmark {
  private static final int READ_BUFFER = 1 << 20;
  private static final long WINDOW = 1L << 30;

  /** Size of the scanned file; set by {@link CoreGroup} (1 GiB quick, 4 GiB full). */
  @Param("1073741824")
  public long fileBytes;

  private Path path;
  private MappedFile faulted;
  private ByteBuffer readBuffer;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    path = BenchFiles.ensure("data", fileBytes);
    BenchFiles.makeHot(path);
    faulted = MappedFile.open(path);
    // Fault every page in once, so this mapping's passes measure memory bandwidth alone.
    faulted.warm(0, faulted.size());
    sumAll(faulted);
    readBuffer = ByteBuffer.allocateDirect(READ_BUFFER).order(ByteOrder.nativeOrder());
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    faulted.close();
  }

  /** Ours: map, sum, unmap, every pass; page faults and unmapping included. */
  @Benchmark
  public long freshMapping() throws IOException {
    try (MappedFile file = MappedFile.open(path)) {
      return sumAll(file);
    }
  }

  /** The in-memory bound: a pass over a mapping whose pages are all already in the page table. */
  @Benchmark
  public long faultedMapping() {
    return sumAll(faulted);
  }

  /** Anchor: {@code FileChannel.read} into a 1 MiB direct buffer, then sum the buffer. */
  @Benchmark
  public long fileChannelRead() throws IOException {
    long sum = 0;
    MemorySegment view = MemorySegment.ofBuffer(readBuffer);
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      while (true) {
        readBuffer.clear();
        int n = ch.read(readBuffer);
        if (n < 0) break;
        sum += Sums.sumLongs(view, n);
      }
    }
    return sum;
  }

  /** Anchor: the old API, {@code MappedByteBuffer} windows of 1 GiB (its int index caps them). */
  @Benchmark
  public long mappedByteBuffer() throws IOException {
    long sum = 0;
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      for (long pos = 0; pos < size; pos += WINDOW) {
        int len = (int) Math.min(WINDOW, size - pos);
        MappedByteBuffer window = ch.map(FileChannel.MapMode.READ_ONLY, pos, len);
        window.order(ByteOrder.nativeOrder());
        sum += Sums.sumLongs(window, len);
        // No unmap exists for MappedByteBuffer (JDK-4724038): the window lives until a GC.
      }
    }
    return sum;
  }

  private static long sumAll(MappedFile file) {
    long sum = 0;
    for (int i = 0; i < file.chunkCount(); i++) {
      MemorySegment chunk = file.chunk(i);
      sum += Sums.sumLongs(chunk, chunk.byteSize());
    }
    return sum;
  }
}
