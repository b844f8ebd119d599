package dev.mmapkit.bench.ipc;

import dev.mmapkit.ipc.MessageHandler;
import dev.mmapkit.ipc.RingBuffer;
import dev.mmapkit.ipc.RingBuffers;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The instruction cost of a message, with no other core involved: one thread writes a message and
 * reads it back, on mmapkit's and Agrona's rings in /dev/shm. Cross-process latency and throughput
 * add cache-line transfers on top of this; a gap here is code, not memory traffic.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RingPathBenchmark {
  /** Payload size. */
  @Param({"32"})
  public int size;

  /** {@code o2o} or {@code m2o}. */
  @Param({"o2o", "m2o"})
  public String kind;

  private Path directory;
  private RingBuffer ours;
  private org.agrona.concurrent.ringbuffer.RingBuffer theirs;
  private MappedByteBuffer theirMapping;
  private MemorySegment message;
  private UnsafeBuffer theirMessage;
  private MessageHandler ourHandler;
  private org.agrona.concurrent.MessageHandler theirHandler;

  @Setup(Level.Trial)
  public void setUp(Blackhole blackhole) throws Exception {
    directory = Peer.newDirectory();
    Path ourPath = directory.resolve("ours");
    ours =
        kind.equals("m2o")
            ? RingBuffers.createManyToOne(ourPath, MmapkitLink.ECHO_CAPACITY)
            : RingBuffers.createOneToOne(ourPath, MmapkitLink.ECHO_CAPACITY);
    theirMapping =
        IoUtil.mapNewFile(
            directory.resolve("theirs").toFile(),
            MmapkitLink.ECHO_CAPACITY + RingBufferDescriptor.TRAILER_LENGTH);
    theirs = AgronaLink.ring(theirMapping, kind.equals("m2o"));
    message = Arena.global().allocate(size, 8);
    theirMessage = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
    ourHandler = (type, buffer, offset, length) -> blackhole.consume(length);
    theirHandler = (type, buffer, index, length) -> blackhole.consume(length);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    ours.close();
    IoUtil.unmap(theirMapping);
    Files.deleteIfExists(directory.resolve("ours"));
    Files.deleteIfExists(directory.resolve("theirs"));
    Files.deleteIfExists(directory);
  }

  @Benchmark
  public int mmapkit() {
    ours.write(1, message);
    return readOne();
  }

  /** The zero-copy path: claim, copy into the ring's buffer, commit. */
  @Benchmark
  public int mmapkitClaim() {
    long index = ours.tryClaim(1, size);
    MemorySegment.copy(message, 0, ours.buffer(), index, size);
    ours.commit(index);
    return readOne();
  }

  @Benchmark
  public int agrona() {
    theirs.write(1, theirMessage, 0, size);
    // Agrona's read returns 0 when it only consumed the padding at the end of the ring: read again,
    // or every lap would leave a message behind until the ring is full.
    int read;
    while ((read = theirs.read(theirHandler, 1)) == 0) {}
    return read;
  }

  /** Messages a batch benchmark writes before it reads them all, as a drained ring's consumer. */
  static final int BATCH = 64;

  /**
   * A consumer's batch: {@value #BATCH} writes, then reads with a limit of 256 until all are read.
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int mmapkitBatch() {
    for (int i = 0; i < BATCH; i++) ours.write(1, message);
    int read = 0;
    while (read < BATCH) read += ours.read(ourHandler, 256);
    return read;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int agronaBatch() {
    for (int i = 0; i < BATCH; i++) theirs.write(1, theirMessage, 0, size);
    int read = 0;
    while (read < BATCH) read += theirs.read(theirHandler, 256);
    return read;
  }

  private int readOne() {
    int read;
    while ((read = ours.read(ourHandler, 1)) == 0) {}
    return read;
  }
}
