package dev.mmapkit.bench.log;

import dev.mmapkit.bench.BenchFiles;
import dev.mmapkit.log.AppendLog;
import dev.mmapkit.log.LogConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The time of single 64-byte appends (JMH samples individual calls), to see the tail: chunk
 * boundaries are crossed every ~900 k appends with 64 MiB chunks, so a stall there shows up in the
 * high percentiles.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AppendLatencyBenchmark {
  private Path dir;
  private AppendLog log;
  private final byte[] record = new byte[64];

  @Setup(Level.Iteration)
  public void setUp() throws IOException {
    dir = BenchFiles.directory().resolve("log-latency");
    BenchFiles.deleteTree(dir);
    Files.createDirectories(dir);
    log = AppendLog.open(dir.resolve("log"), LogConfig.defaults());
  }

  @TearDown(Level.Iteration)
  public void tearDown() throws IOException {
    log.close();
    BenchFiles.deleteTree(dir);
  }

  /** One 64-byte append. */
  @Benchmark
  public long append64() throws IOException {
    return log.append(record);
  }
}
