package dev.mmapkit.bench.core;

import dev.mmapkit.AccessPattern;
import dev.mmapkit.FileReader;
import dev.mmapkit.MappedFile;
import dev.mmapkit.MappingOptions;
import dev.mmapkit.ReadStrategy;
import dev.mmapkit.bench.BenchFiles;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
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
 * One-shot reads of a whole small hot file: open, read every byte (summed as longs), close. Finds
 * the size below which {@code pread} beats mapping, which is what {@link
 * ReadStrategy#SEQUENTIAL_MMAP_THRESHOLD} is set from.
 *
 * <p>Two pairs: the raw pair ({@link MappedFile} zero-copy vs {@code FileChannel.read} into a
 * reused buffer) and the pair {@link FileReader} actually chooses between (both copy into the
 * caller's buffer). The pread side reuses its buffer, which favours pread slightly, so a measured
 * crossover errs on the high side.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SmallFileBenchmark {

  /** File size; {@link CoreGroup} passes the list to sweep. */
  @Param({"4096", "65536", "262144", "1048576", "4194304"})
  public long smallFileBytes;

  private Path path;
  private Arena arena;
  private MemorySegment dst;
  private ByteBuffer buffer;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    path = BenchFiles.ensure("small", smallFileBytes);
    BenchFiles.makeHot(path);
    arena = Arena.ofConfined();
    dst = arena.allocate(smallFileBytes, 4096);
    buffer = dst.asByteBuffer();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    arena.close();
  }

  /** Ours: map (default options: shared arena), sum in place, unmap. */
  @Benchmark
  public long mmap() throws IOException {
    try (MappedFile file = MappedFile.open(path)) {
      MemorySegment s = file.chunk(0);
      return Sums.sumLongs(s, s.byteSize());
    }
  }

  /**
   * Ours with a confined arena: closing a shared arena needs a handshake with every thread, which a
   * confined one skips; shows what that costs on small files.
   */
  @Benchmark
  public long mmapConfined() throws IOException {
    try (MappedFile file =
        MappedFile.open(path, MappingOptions.readOnly().confinedToOpeningThread())) {
      MemorySegment s = file.chunk(0);
      return Sums.sumLongs(s, s.byteSize());
    }
  }

  /** Anchor: open, {@code FileChannel.read} the whole file into a buffer, sum, close. */
  @Benchmark
  public long pread() throws IOException {
    buffer.clear();
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      while (buffer.hasRemaining()) {
        if (ch.read(buffer, buffer.position()) < 0) break;
      }
    }
    return Sums.sumLongs(dst, smallFileBytes);
  }

  /** {@link FileReader} forced to map: what {@code choose} picks above the threshold. */
  @Benchmark
  public long readerMmap() throws IOException {
    return readWith(ReadStrategy.MMAP);
  }

  /** {@link FileReader} forced to pread: what {@code choose} picks below the threshold. */
  @Benchmark
  public long readerPread() throws IOException {
    return readWith(ReadStrategy.PREAD);
  }

  private long readWith(ReadStrategy strategy) throws IOException {
    try (FileReader reader = FileReader.open(path, AccessPattern.ONE_SHOT, strategy)) {
      reader.read(0, dst);
    }
    return Sums.sumLongs(dst, smallFileBytes);
  }
}
