package dev.mmapkit.bench.log;

import dev.mmapkit.bench.Median;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * {@link AppendBenchmark}'s two contenders and {@link AppendPathBenchmark}'s steps, run in short
 * interleaved slices in one JVM (about 400 MB written per slice, each log and anchor slice on a
 * fresh log and file, as a JMH iteration), so that a busy shared host slows every contender alike;
 * prints the median rate of each and the median of the per-round ratios against the anchor. JMH
 * runs contenders one after the other, and on this 2-vCPU host a neighbour's build moved one of
 * them by 2x between iterations.
 *
 * <p>{@code java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * dev.mmapkit.bench.log.AppendInterleaved PAYLOAD_BYTES ROUNDS [path]} ({@code path} adds the
 * steps); the first two rounds are warm-up.
 */
public final class AppendInterleaved {
  private AppendInterleaved() {}

  /** Runs the slices and prints the table. */
  public static void main(String[] args) throws IOException {
    int size = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    boolean steps = args.length > 2 && args[2].equals("path");
    int n = (int) (400_000_000L / (size + 16));
    AppendPathBenchmark path = new AppendPathBenchmark();
    path.recordBytes = size;
    if (steps) path.setUp();
    Map<String, ToLongFunction<AppendPathBenchmark>> pathSteps = new LinkedHashMap<>();
    if (steps) {
      pathSteps.put("path copy", AppendPathBenchmark::copy);
      pathSteps.put("path crc", AppendPathBenchmark::crc);
      pathSteps.put("path crcClock", AppendPathBenchmark::crcClock);
      pathSteps.put("path crcClockCas", AppendPathBenchmark::crcClockCas);
      pathSteps.put("path crcClockCasFence", AppendPathBenchmark::crcClockCasFence);
    }
    Map<String, List<Double>> rates = new LinkedHashMap<>();
    List<Double> ratios = new ArrayList<>();
    for (int round = -2; round < rounds; round++) {
      double log = contender(size, n, true);
      double anchor = contender(size, n, false);
      if (round < 0) continue;
      rates.computeIfAbsent("appendLog", k -> new ArrayList<>()).add(log);
      rates.computeIfAbsent("fileChannel", k -> new ArrayList<>()).add(anchor);
      ratios.add(log / anchor);
      for (var step : pathSteps.entrySet()) {
        long start = System.nanoTime();
        long sink = 0;
        for (int i = 0; i < n; i++) sink += step.getValue().applyAsLong(path);
        double rate = n * 1e3 / (System.nanoTime() - start);
        if (sink == 42) System.out.print("");
        rates.computeIfAbsent(step.getKey(), k -> new ArrayList<>()).add(rate);
      }
    }
    if (steps) path.tearDown();
    double anchor = Median.of(rates.get("fileChannel"));
    System.out.printf(
        Locale.ROOT, "%d B payloads, %d rounds of %d appends each%n", size, rounds, n);
    for (var e : rates.entrySet()) {
      double m = Median.of(e.getValue());
      System.out.printf(
          Locale.ROOT,
          "%-22s median %7.2f M/s %6.2f GB/s  %5.2fx anchor   rounds %s%n",
          e.getKey(),
          m,
          m * size / 1e3,
          m / anchor,
          e.getValue().stream().map(d -> String.format(Locale.ROOT, "%.1f", d)).toList());
    }
    System.out.printf(
        Locale.ROOT,
        "appendLog / fileChannel, median of per-round ratios: %.2f (rounds %s)%n",
        Median.of(ratios),
        ratios.stream().map(d -> String.format(Locale.ROOT, "%.2f", d)).toList());
  }

  /** One slice of {@code n} appends to a fresh log ({@code log}) or a fresh anchor file, in M/s. */
  private static double contender(int size, int n, boolean log) throws IOException {
    AppendBenchmark bench = new AppendBenchmark();
    bench.recordBytes = size;
    bench.setUp();
    try {
      long sink = 0;
      long start = System.nanoTime();
      if (log) {
        for (int i = 0; i < n; i++) sink += bench.appendLog();
      } else {
        for (int i = 0; i < n; i++) sink += bench.fileChannel();
      }
      double rate = n * 1e3 / (System.nanoTime() - start);
      if (sink == 42) System.out.print("");
      return rate;
    } finally {
      bench.tearDown();
    }
  }
}
