package dev.mmapkit.bench.log;

import dev.mmapkit.log.AppendLog;
import dev.mmapkit.log.LogConfig;
import dev.mmapkit.log.LogReader;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The reading side of the tailer latency measurement, in its own JVM: spins on {@link
 * LogReader#poll} and, for each record, takes {@code System.nanoTime()} (CLOCK_MONOTONIC, shared by
 * all processes) minus the time the appender stored in the payload. Prints {@code READY}, then
 * {@code LATENCY p50 p99 p99.9 max} in nanoseconds.
 *
 * <p>Arguments: log directory, start position, record count, records to skip as warm-up.
 */
public final class TailerLatencyChild {
  private TailerLatencyChild() {}

  public static void main(String[] args) throws Exception {
    long from = Long.parseLong(args[1]);
    int count = Integer.parseInt(args[2]);
    int warmup = Integer.parseInt(args[3]);
    long[] latencies = new long[count];
    int[] n = {0};
    try (AppendLog log = AppendLog.open(Path.of(args[0]), LogConfig.defaults())) {
      LogReader tailer = log.tailer(from);
      System.out.println("READY");
      System.out.flush();
      while (n[0] < count) {
        if (tailer.poll(
                (position, payload) ->
                    latencies[n[0]++] =
                        System.nanoTime() - payload.get(ValueLayout.JAVA_LONG_UNALIGNED, 0))
            == 0) {
          Thread.onSpinWait();
        }
      }
    }
    long[] measured = Arrays.copyOfRange(latencies, warmup, count);
    Arrays.sort(measured);
    System.out.println(
        "LATENCY "
            + at(measured, 0.5)
            + " "
            + at(measured, 0.99)
            + " "
            + at(measured, 0.999)
            + " "
            + measured[measured.length - 1]);
  }

  private static long at(long[] sorted, double q) {
    return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
  }
}
