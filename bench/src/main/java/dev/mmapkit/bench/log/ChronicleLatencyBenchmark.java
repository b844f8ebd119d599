package dev.mmapkit.bench.log;

import dev.mmapkit.bench.BenchFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** Single 64-byte Chronicle Queue appends, sampled, beside {@link AppendLatencyBenchmark}. */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChronicleLatencyBenchmark {
  private Path dir;
  private SingleChronicleQueue queue;
  private ExcerptAppender appender;
  private final Bytes<byte[]> record = Bytes.wrapForRead(new byte[64]);

  @Setup(Level.Iteration)
  public void setUp() throws IOException {
    dir = BenchFiles.directory().resolve("log-chronicle-latency");
    BenchFiles.deleteTree(dir);
    Files.createDirectories(dir);
    queue = SingleChronicleQueueBuilder.single(dir.toString()).build();
    appender = queue.createAppender();
  }

  @TearDown(Level.Iteration)
  public void tearDown() throws IOException {
    appender.close();
    queue.close();
    BenchFiles.deleteTree(dir);
  }

  /** One 64-byte excerpt. */
  @Benchmark
  public void append64() {
    appender.writeBytes(record);
  }
}
