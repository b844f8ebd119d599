package dev.mmapkit.bench.log;

import dev.mmapkit.bench.BenchFiles;
import dev.mmapkit.log.AppendLog;
import dev.mmapkit.log.Durability;
import dev.mmapkit.log.LogConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of {@link AppendLog#positionOfSequence} on an indexed log: 2 M records of 64 bytes in 1
 * MiB chunks (about 170 chunks), a random sequence number per call. Ours only: no anchor offers the
 * operation on the same files.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SeekBenchmark {
  static final int RECORDS = 2_000_000;

  private Path dir;
  private AppendLog log;
  private final SplittableRandom random = new SplittableRandom(7);

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = BenchFiles.directory().resolve("log-seek");
    BenchFiles.deleteTree(dir);
    log = AppendLog.open(dir, new LogConfig(1 << 20, Durability.NONE));
    byte[] record = new byte[64];
    for (int i = 0; i < RECORDS; i++) log.append(record);
    if (log.positionOfSequence(RECORDS - 1).isEmpty()) throw new IllegalStateException("no index");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    log.close();
    BenchFiles.deleteTree(dir);
  }

  /** One seek to a random record. */
  @Benchmark
  public long positionOfSequence() throws IOException {
    return log.positionOfSequence(random.nextInt(RECORDS)).getAsLong();
  }
}
