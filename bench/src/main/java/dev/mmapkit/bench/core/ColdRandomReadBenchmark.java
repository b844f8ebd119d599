package dev.mmapkit.bench.core;

import dev.mmapkit.Advice;
import dev.mmapkit.MappedFile;
import dev.mmapkit.bench.BenchFiles;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
 * Random 4 KiB reads of a file evicted from the page cache before every iteration: pread, a plain
 * mapping, and a mapping advised {@link Advice#RANDOM}. Each iteration is a fixed batch of reads
 * timed as one shot ({@link CoreGroup} sets the batch size), because a time-bound iteration would
 * warm the file as it goes and stop measuring cold reads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ColdRandomReadBenchmark {
  private static final int PAGE = 4096;

  /** Size of the file read; set by {@link CoreGroup}. */
  @Param("1073741824")
  public long fileBytes;

  private MappedFile plain;
  private MappedFile advised;
  private FileChannel channel;
  private Arena arena;
  private MemorySegment page;
  private ByteBuffer pageBuffer;
  private RandomOffsets offsets;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Path path = BenchFiles.ensure("data", fileBytes);
    plain = MappedFile.open(path);
    advised = MappedFile.open(path);
    advised.advise(0, advised.size(), Advice.RANDOM);
    channel = FileChannel.open(path, StandardOpenOption.READ);
    arena = Arena.ofConfined();
    page = arena.allocate(PAGE, PAGE);
    pageBuffer = ByteBuffer.allocateDirect(PAGE);
    offsets = new RandomOffsets(fileBytes, PAGE, PAGE, 3);
  }

  @Setup(Level.Iteration)
  public void evict() throws IOException {
    // Each mapping drops its own page-table entries; the file's pages leave the cache only once
    // no mapping holds them, so evict through both.
    BenchFiles.makeCold(plain);
    BenchFiles.makeCold(advised);
  }

  @TearDown(Level.Iteration)
  public void reportResidency() {
    // How much the reads pulled in: with plain mmap, read-ahead brings far more than 4 KiB per
    // fault; that is the cost MADV_RANDOM removes.
    plain
        .residency()
        .ifPresent(
            r ->
                System.err.printf(
                    "  [cold] resident after iteration: %.2f%% (%d MiB)%n",
                    100 * r.fraction(), r.residentBytes() >> 20));
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    channel.close();
    advised.close();
    plain.close();
    arena.close();
  }

  @Benchmark
  public long pread() throws IOException {
    pageBuffer.clear();
    long pos = offsets.next();
    while (pageBuffer.hasRemaining()) {
      if (channel.read(pageBuffer, pos + pageBuffer.position()) < 0) break;
    }
    return pageBuffer.getLong(0);
  }

  @Benchmark
  public long mmapPlain() {
    plain.get(offsets.next(), page);
    return page.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
  }

  @Benchmark
  public long mmapRandomAdvice() {
    advised.get(offsets.next(), page);
    return page.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
  }
}
