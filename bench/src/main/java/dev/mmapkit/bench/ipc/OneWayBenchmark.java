package dev.mmapkit.bench.ipc;

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
 * One-way throughput: this JVM writes messages as fast as the ring takes them (spinning when full),
 * a peer process reads and drops them. In steady state the score is the slower side's rate.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class OneWayBenchmark {

  /** The ring under test. */
  @Param({"mmapkit-o2o", "agrona-o2o", "mmapkit-m2o", "agrona-m2o"})
  public String transport;

  /** Payload bytes. */
  @Param({"32", "256"})
  public int size;

  private Link link;

  /** Starts the peer. */
  @Setup(Level.Trial)
  public void open() throws Exception {
    link = Link.open(transport, size, false);
  }

  /** Stops the peer. */
  @TearDown(Level.Trial)
  public void close() throws Exception {
    link.close();
  }

  /** One message. */
  @Benchmark
  public void send() {
    link.send();
  }
}
