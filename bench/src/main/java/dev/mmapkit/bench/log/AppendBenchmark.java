package dev.mmapkit.bench.log;

import dev.mmapkit.bench.BenchFiles;
import dev.mmapkit.log.AppendLog;
import dev.mmapkit.log.Durability;
import dev.mmapkit.log.LogConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
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
 * Appending records from one thread, {@link Durability#NONE}: {@link AppendLog#append(byte[])}
 * against {@code FileChannel.write} of the same records (length, CRC32C, timestamp, payload, 8-byte
 * aligned: the log's record format; the timestamp from {@code System.currentTimeMillis()}, an
 * intrinsic that costs what the log's clock read costs) gathered into 64 KiB batches. Each
 * iteration starts from an empty log and an empty file, so the log's appends include crossing into
 * new 64 MiB chunks.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AppendBenchmark {
  static final int BATCH = 64 * 1024;

  /** Payload size. */
  @Param({"64", "1024"})
  public int recordBytes;

  private Path dir;
  private AppendLog log;
  private FileChannel channel;
  private ByteBuffer batch;
  private byte[] record;

  @Setup(Level.Iteration)
  public void setUp() throws IOException {
    dir = BenchFiles.directory().resolve("log-append");
    BenchFiles.deleteTree(dir);
    Files.createDirectories(dir);
    log = AppendLog.open(dir.resolve("log"), LogConfig.defaults());
    channel =
        FileChannel.open(
            dir.resolve("channel.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    batch = ByteBuffer.allocateDirect(BATCH).order(ByteOrder.LITTLE_ENDIAN);
    record = new byte[recordBytes];
    new Random(1).nextBytes(record);
  }

  @TearDown(Level.Iteration)
  public void tearDown() throws IOException {
    log.close();
    channel.close();
    BenchFiles.deleteTree(dir);
  }

  /** Ours: one append, payload copied into the pre-faulted mapped chunk. */
  @Benchmark
  public long appendLog() throws IOException {
    return log.append(record);
  }

  /** Anchor: the same record framed into a 64 KiB buffer, written with one write per batch. */
  @Benchmark
  public int fileChannel() throws IOException {
    int frame = (16 + record.length + 7) & -8;
    if (batch.remaining() < frame) {
      batch.flip();
      while (batch.hasRemaining()) channel.write(batch);
      batch.clear();
    }
    CRC32C crc = new CRC32C();
    crc.update(record);
    int start = batch.position();
    batch
        .putInt(16 + record.length)
        .putInt((int) crc.getValue())
        .putLong(System.currentTimeMillis() * 1_000_000L)
        .put(record);
    batch.position(start + frame);
    return start;
  }
}
