package dev.mmapkit.bench.log;

import dev.mmapkit.bench.BenchFiles;
import dev.mmapkit.log.AppendLog;
import dev.mmapkit.log.LogConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Single 64-byte append latency measured without JMH: {@code System.nanoTime()} around each {@link
 * AppendLog#append(byte[])} on a fresh log (default 64 MiB chunks), after the appends were compiled
 * on a warm-up log. Every append is timed, so the tail is the log's own plus the clock read (about
 * 35 ns per pair on the test VM), without the sampling harness around it. Run with pre-faulting on
 * (the default) and off ({@link LogConfig#withPrefault}) to show what it buys.
 */
final class DirectAppendLatency {
  private DirectAppendLatency() {}

  /** Upper bounds (ns) of the histogram buckets {@link #histogram} counts; the last is open. */
  static final long[] BUCKETS = {250, 1_000, 10_000, 100_000, 1_000_000};

  /** The percentiles and histogram of one run. */
  record Result(long p50, long p99, long p999, long p9999, long max, long[] histogram) {
    /** One line: percentiles, then how many appends fell in each bucket. */
    String describe(boolean prefault, int count) {
      StringBuilder line =
          new StringBuilder(
              String.format(
                  "pre-faulting %s: p50 %d ns, p99 %d ns, p99.9 %d ns, p99.99 %d ns, max %d ns;"
                      + " appends of %d by time:",
                  prefault ? "on" : "off", p50, p99, p999, p9999, max, count));
      long low = 0;
      for (int i = 0; i <= BUCKETS.length; i++) {
        String range =
            i < BUCKETS.length ? "<= " + nanos(BUCKETS[i]) : "> " + nanos(BUCKETS[i - 1]);
        line.append(i == 0 ? " " : ", ").append(range).append(' ').append(histogram[i]);
      }
      return line.toString();
    }
  }

  private static String nanos(long ns) {
    return ns >= 1_000_000 ? ns / 1_000_000 + " ms" : ns >= 1_000 ? ns / 1_000 + " us" : ns + " ns";
  }

  /** {@code count} timed appends to a fresh log with pre-faulting on or off. */
  static Result measure(Path dir, int count, boolean prefault) throws IOException {
    byte[] record = new byte[64];
    Path warm = dir.resolve("warm-up");
    Path measured = dir.resolve("measured");
    try {
      try (AppendLog log = AppendLog.open(warm, LogConfig.defaults())) {
        for (int i = 0; i < 3_000_000; i++) log.append(record);
      }
      BenchFiles.deleteTree(warm);
      long[] nanos = new long[count];
      try (AppendLog log = AppendLog.open(measured, LogConfig.defaults().withPrefault(prefault))) {
        for (int i = 0; i < count; i++) {
          long start = System.nanoTime();
          log.append(record);
          nanos[i] = System.nanoTime() - start;
        }
      }
      Arrays.sort(nanos);
      long[] histogram = new long[BUCKETS.length + 1];
      for (long n : nanos) {
        int b = 0;
        while (b < BUCKETS.length && n > BUCKETS[b]) b++;
        histogram[b]++;
      }
      return new Result(
          at(nanos, 0.5),
          at(nanos, 0.99),
          at(nanos, 0.999),
          at(nanos, 0.9999),
          nanos[count - 1],
          histogram);
    } finally {
      BenchFiles.deleteTree(warm);
      BenchFiles.deleteTree(measured);
    }
  }

  private static long at(long[] sorted, double q) {
    return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
  }
}
