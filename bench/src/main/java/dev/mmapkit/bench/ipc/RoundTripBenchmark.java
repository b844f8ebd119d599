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
 * Cross-process ping-pong of a 32-byte message: this JVM writes, a peer process echoes, this JVM
 * spins until the echo is read. Sampled, so the report has percentiles.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoundTripBenchmark {

  /** The channel under test. */
  @Param({"mmapkit-o2o", "agrona-o2o", "uds", "mmapkit-bcast", "agrona-bcast"})
  public String transport;

  private Link link;

  /** Starts the peer. */
  @Setup(Level.Trial)
  public void open() throws Exception {
    link = Link.open(transport, 32, true);
  }

  /** Stops the peer. */
  @TearDown(Level.Trial)
  public void close() throws Exception {
    link.close();
  }

  /** One round trip. */
  @Benchmark
  public void roundTrip() {
    link.roundTrip();
  }
}
