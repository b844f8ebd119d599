package dev.mmapkit.bench.log;

import dev.mmapkit.bench.BenchFiles;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
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
 * Where an append's time goes: the steps of {@code AppendLog.append} added one at a time, on a
 * pre-faulted 256 MiB file mapping written front to back and round again (larger than the caches,
 * so every record lands in cold lines, as in a log's fresh chunk). Not a contender: run it beside
 * {@link AppendBenchmark} to see which step costs what against the anchor in one run.
 *
 * <ul>
 *   <li>{@code copy}: the record's header stores and the payload copy;
 *   <li>{@code crc}: + CRC32C of the payload;
 *   <li>{@code crcClock}: + a clock read ({@code nanoTime} plus an offset, the log's clock);
 *   <li>{@code crcClockCas}: + a compare-and-set of a shared tail in another mapped page;
 *   <li>{@code crcClockCasFence}: + a full fence after the release store of the state word (the
 *       shape of {@code AppendLog.append}, less its bookkeeping).
 * </ul>
 *
 * <p>Unlike a log's chunks, this file's pages are allocated once, at setup: the steps leave out
 * what a fresh page costs (allocation, zeroing, write-back), which the log and the anchor both pay.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AppendPathBenchmark {
  private static final long SIZE = 256L << 20;
  private static final ValueLayout.OfLong LONG =
      ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG_HANDLE = LONG.varHandle();

  /** Payload size. */
  @Param({"64", "1024"})
  public int recordBytes;

  private Arena arena;
  private MemorySegment data;
  private MemorySegment meta;
  private byte[] record;
  private long cursor;
  private long baseEpoch;
  private long baseNano;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Path file = BenchFiles.directory().resolve("log-append-path.bin");
    Files.createDirectories(file.getParent());
    arena = Arena.ofShared();
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.truncate(SIZE + 8192);
      data = ch.map(FileChannel.MapMode.READ_WRITE, 0, SIZE, arena);
      meta = ch.map(FileChannel.MapMode.READ_WRITE, SIZE, 8192, arena);
    }
    for (long p = 0; p < SIZE; p += 4096) data.set(ValueLayout.JAVA_BYTE, p, (byte) 0);
    record = new byte[recordBytes];
    new Random(1).nextBytes(record);
    baseEpoch = System.currentTimeMillis() * 1_000_000L;
    baseNano = System.nanoTime();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    arena.close();
    Files.deleteIfExists(BenchFiles.directory().resolve("log-append-path.bin"));
  }

  private long next(int aligned) {
    long p = cursor;
    if (p + aligned > SIZE) p = 0;
    cursor = p + aligned;
    return p;
  }

  private int aligned() {
    return (16 + record.length + 7) & -8;
  }

  private long write(long p, long timestamp, int checksum) {
    MemorySegment.copy(record, 0, data, ValueLayout.JAVA_BYTE, p + 16, record.length);
    data.set(LONG, p + 8, timestamp);
    LONG_HANDLE.setRelease(data, p, (16L + record.length) | ((long) checksum << 32));
    return p;
  }

  private int checksum() {
    CRC32C crc = new CRC32C();
    crc.update(record, 0, record.length);
    return (int) crc.getValue();
  }

  private long clock() {
    return baseEpoch + (System.nanoTime() - baseNano);
  }

  private long casTail(int aligned) {
    while (true) {
      long tail = (long) LONG_HANDLE.getVolatile(meta, 0L);
      if (LONG_HANDLE.compareAndSet(meta, 0L, tail, tail + aligned)) return tail;
    }
  }

  @Benchmark
  public long copy() {
    return write(next(aligned()), 0, 0);
  }

  @Benchmark
  public long crc() {
    return write(next(aligned()), 0, checksum());
  }

  @Benchmark
  public long crcClock() {
    return write(next(aligned()), clock(), checksum());
  }

  @Benchmark
  public long crcClockCas() {
    casTail(aligned());
    return write(next(aligned()), clock(), checksum());
  }

  @Benchmark
  public long crcClockCasFence() {
    casTail(aligned());
    long p = write(next(aligned()), clock(), checksum());
    VarHandle.fullFence();
    return p + (long) LONG_HANDLE.getVolatile(meta, 128L);
  }
}
