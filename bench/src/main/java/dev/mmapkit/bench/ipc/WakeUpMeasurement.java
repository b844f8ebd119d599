package dev.mmapkit.bench.ipc;

import dev.mmapkit.bench.Comparison;
import dev.mmapkit.ipc.RingBuffer;
import dev.mmapkit.ipc.RingBuffers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The blocking strategy's two goals, measured directly (JMH has no mode for "idle"): a consumer
 * process with {@link dev.mmapkit.ipc.BlockingIdleStrategy} first idles for an unmeasured warm-up
 * second, then idles while its thread's CPU time is read from {@code /proc/thread-self/schedstat}
 * (2 s quick, 10 s full), then this process writes messages 5 ms apart (long enough for the
 * consumer to go back to sleep each time) carrying {@link System#nanoTime()}, and the consumer
 * reports how long each took to reach its handler. The same writes, paced the same way, then go
 * over a Unix-domain socket to a peer blocked in {@code read}: the wake-up the operating system
 * itself offers, on the same machine in the same run. On a virtual machine whose idle vCPU halts,
 * both pay for waking that vCPU through the hypervisor, which no user-space strategy can avoid
 * without spinning; the ratio says what the ring's strategy adds or saves on top of it.
 */
public final class WakeUpMeasurement {
  private WakeUpMeasurement() {}

  /**
   * The consumer idles this long before its CPU time is measured, in quick and full runs alike, so
   * start-up (its first 1000 spins, the first sleeps in interpreted code) is not in the window.
   */
  static final long IDLE_WARM_UP_MILLIS = 1_000;

  /**
   * Runs the measurement alone (it also runs as part of {@code bench/run ipc}): {@code java -cp
   * bench/target/benchmarks.jar dev.mmapkit.bench.ipc.WakeUpMeasurement [--quick]}.
   */
  public static void main(String[] args) throws Exception {
    for (Comparison row : measure(args.length > 0 && args[0].equals("--quick"))) {
      System.out.printf(
          "%-26s %10.3f %s, anchor %.3f  (%s)%n",
          row.name(), row.ours(), row.unit(), row.anchor(), row.note());
    }
  }

  /** The calling thread's time on a CPU, in nanoseconds (Linux). */
  static long threadCpuNanos() {
    try {
      String schedstat = Files.readString(Path.of("/proc/thread-self/schedstat"));
      return Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Comparison> measure(boolean quick) throws Exception {
    long idleMillis = quick ? 2_000 : 10_000;
    int count = quick ? 200 : 1_000;
    Path directory = Peer.newDirectory();
    Path path = directory.resolve("ring");
    try (RingBuffer ring = RingBuffers.createOneToOne(path, 64 * 1024);
        Peer peer =
            new Peer(
                directory,
                "blocking",
                "consume",
                path.toString(),
                Integer.toString(count),
                Long.toString(idleMillis))) {
      String idleLine = peer.readLine();
      long idleCpu = Long.parseLong(idleLine.substring(idleLine.indexOf(' ') + 1));
      MemorySegment message = Arena.global().allocate(8, 8);
      // Unmeasured warm-up of the write and wake-up paths on both sides.
      for (int i = 0; i < 20_000; i++) {
        message.set(ValueLayout.JAVA_LONG, 0, 0L);
        while (!ring.write(1, message)) Thread.onSpinWait();
      }
      LockSupport.parkNanos(50_000_000);
      for (int i = 0; i < count; i++) {
        LockSupport.parkNanos(5_000_000);
        message.set(ValueLayout.JAVA_LONG, 0, System.nanoTime());
        while (!ring.write(1, message)) Thread.onSpinWait();
      }
      long[] latencies = latencies(peer.readLine(), count);
      long[] socket = socketLatencies(count);
      double cpuPercent = 100.0 * idleCpu / (idleMillis * 1e6);
      double p50 = latencies[count / 2] / 1e3;
      double p99 = latencies[(int) (count * 0.99)] / 1e3;
      double socketP50 = socket[count / 2] / 1e3;
      return List.of(
          Comparison.cost(
              "blocking-idle-cpu",
              cpuPercent,
              1.0,
              "% of a core",
              1.0,
              "consumer thread idle for "
                  + idleMillis / 1000
                  + " s with BlockingIdleStrategy, measured after a "
                  + IDLE_WARM_UP_MILLIS / 1000
                  + " s unmeasured warm-up; anchor: the goal, < 1 %"),
          Comparison.cost(
              "blocking-wake-p50",
              p50,
              20.0,
              "us",
              1.0,
              count
                  + " writes 5 ms apart from another process, write to handler; p99 "
                  + Math.round(p99)
                  + " us; anchor: the goal, 20 us"),
          Comparison.cost(
              "blocking-wake-p50-vs-uds",
              p50,
              socketP50,
              "us",
              Double.NaN,
              "the same paced writes to a peer blocked reading a Unix-domain socket (p99 "
                  + Math.round(socket[(int) (count * 0.99)] / 1e3)
                  + " us): the operating system's wake-up on this machine, informative"));
    } finally {
      Files.deleteIfExists(path);
      Files.deleteIfExists(directory);
    }
  }

  /** The sorted latencies of a peer's {@code latencies N N ...} line. */
  private static long[] latencies(String line, int count) {
    String[] fields = line.split(" ");
    long[] latencies = new long[count];
    for (int i = 0; i < count; i++) latencies[i] = Long.parseLong(fields[i + 1]);
    Arrays.sort(latencies);
    return latencies;
  }

  /** {@code count} writes 5 ms apart to a peer blocked on a Unix-domain socket; sorted. */
  private static long[] socketLatencies(int count) throws Exception {
    Path directory = Peer.newDirectory();
    Path socket = directory.resolve("s");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      try (Peer peer =
              new Peer(directory, "uds-blocking", "consume", socket.toString(), "" + count);
          SocketChannel channel = server.accept()) {
        ByteBuffer message = ByteBuffer.allocateDirect(8);
        for (int i = 0; i < count; i++) {
          LockSupport.parkNanos(5_000_000);
          message.clear();
          message.putLong(0, System.nanoTime());
          while (message.hasRemaining()) channel.write(message);
        }
        return latencies(peer.readLine(), count);
      }
    }
  }
}
