package dev.mmapkit.bench.log;

import dev.mmapkit.bench.BenchFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The Chronicle Queue anchor: one appender writing the same raw bytes per excerpt ({@code
 * writeBytes}), the way its own throughput benchmarks do, in the same benchmark directory as {@link
 * AppendBenchmark}. Runs in forks with the {@code --add-opens}/{@code --add-exports} it needs on
 * JDK 25 (see {@link LogGroup}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ChronicleAppendBenchmark {
  /** Payload size. */
  @Param({"64", "1024"})
  public int recordBytes;

  private Path dir;
  private SingleChronicleQueue queue;
  private ExcerptAppender appender;
  private Bytes<byte[]> record;

  @Setup(Level.Iteration)
  public void setUp() throws IOException {
    dir = BenchFiles.directory().resolve("log-chronicle");
    BenchFiles.deleteTree(dir);
    Files.createDirectories(dir);
    queue = SingleChronicleQueueBuilder.single(dir.toString()).build();
    appender = queue.createAppender();
    byte[] b = new byte[recordBytes];
    new Random(1).nextBytes(b);
    record = Bytes.wrapForRead(b);
  }

  @TearDown(Level.Iteration)
  public void tearDown() throws IOException {
    appender.close();
    queue.close();
    BenchFiles.deleteTree(dir);
  }

  /** One excerpt of {@code recordBytes} raw bytes. */
  @Benchmark
  public void append() {
    appender.writeBytes(record);
  }
}
