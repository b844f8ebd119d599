package dev.mmapkit.bench.core;

import dev.mmapkit.MappedFile;
import dev.mmapkit.MappingOptions;
import dev.mmapkit.bench.BenchFiles;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * Random reads of 8 bytes and of 4 KiB from a page-cache-hot file: through {@link MappedFile}'s
 * accessors, through the raw mapped segment, and with positional {@code FileChannel.read} (pread).
 * One operation is one read.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RandomReadBenchmark {
  private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
  private static final int PAGE = 4096;

  /** Size of the file read; set by {@link CoreGroup}. */
  @Param("1073741824")
  public long fileBytes;

  private MappedFile file;
  private MappedFile whole;
  private MemorySegment segment;
  private FileChannel channel;
  private Arena arena;
  private MemorySegment page;
  private ByteBuffer longBuffer;
  private ByteBuffer pageBuffer;
  private RandomOffsets longOffsets;
  private RandomOffsets pageOffsets;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Path path = BenchFiles.ensure("data", fileBytes);
    BenchFiles.makeHot(path);
    file = MappedFile.open(path);
    // One chunk spanning the file, so the raw variant is a single segment with no chunk lookup.
    whole = MappedFile.open(path, MappingOptions.readOnly().withChunkSize(roundUpToPowerOfTwo()));
    segment = whole.chunk(0);
    channel = FileChannel.open(path, StandardOpenOption.READ);
    arena = Arena.ofConfined();
    page = arena.allocate(PAGE, PAGE);
    longBuffer = ByteBuffer.allocateDirect(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    pageBuffer = ByteBuffer.allocateDirect(PAGE);
    longOffsets = new RandomOffsets(fileBytes, Long.BYTES, Long.BYTES, 1);
    pageOffsets = new RandomOffsets(fileBytes, PAGE, PAGE, 2);
    // Put the whole file in both page tables, so no variant pays first-touch faults.
    file.warm(0, file.size());
    whole.warm(0, whole.size());
  }

  private long roundUpToPowerOfTwo() {
    long p = Long.highestOneBit(fileBytes);
    return Math.max(MappingOptions.MIN_CHUNK_SIZE, p == fileBytes ? p : p << 1);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    channel.close();
    whole.close();
    file.close();
    arena.close();
  }

  @Benchmark
  public long long8Mapped() {
    return file.getLong(longOffsets.next());
  }

  @Benchmark
  public long long8Segment() {
    return segment.get(LONG, longOffsets.next());
  }

  @Benchmark
  public long long8Pread() throws IOException {
    longBuffer.clear();
    channel.read(longBuffer, longOffsets.next());
    return longBuffer.getLong(0);
  }

  @Benchmark
  public long page4kMapped() {
    file.get(pageOffsets.next(), page);
    return page.get(LONG, 0);
  }

  @Benchmark
  public long page4kSegment() {
    MemorySegment.copy(segment, pageOffsets.next(), page, 0, PAGE);
    return page.get(LONG, 0);
  }

  @Benchmark
  public long page4kPread() throws IOException {
    pageBuffer.clear();
    long pos = pageOffsets.next();
    while (pageBuffer.hasRemaining()) {
      if (channel.read(pageBuffer, pos + pageBuffer.position()) < 0) break;
    }
    return pageBuffer.getLong(0);
  }
}
