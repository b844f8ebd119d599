package dev.mmapkit.bench.ipc;

import dev.mmapkit.bench.Comparison;
import dev.mmapkit.ipc.RingBuffer;
import dev.mmapkit.ipc.RingBuffers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
 * reports how long each took to reach its handler.
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
      System.out.printf("%-20s %10.3f %s  (%s)%n", row.name(), row.ours(), row.unit(), row.note());
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
      String[] fields = peer.readLine().split(" ");
      long[] latencies = new long[count];
      for (int i = 0; i < count; i++) latencies[i] = Long.parseLong(fields[i + 1]);
      Arrays.sort(latencies);
      double cpuPercent = 100.0 * idleCpu / (idleMillis * 1e6);
      double p50 = latencies[count / 2] / 1e3;
      double p99 = latencies[(int) (count * 0.99)] / 1e3;
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
                  + " us; anchor: the goal, 20 us"));
    } finally {
      Files.deleteIfExists(path);
      Files.deleteIfExists(directory);
    }
  }
}
