package dev.mmapkit.bench.core;

/**
 * Runs only the streaming measurement, for trying {@code SequentialScan} variants without the JMH
 * benchmarks: {@code StreamingMain [GiB [windowMiB [pairs]]]} (defaults: 8 GiB, 64 MiB, 2 pairs).
 * Plain and streamed passes alternate, plain first in even pairs, streamed first in odd ones.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     dev.mmapkit.bench.core.StreamingMain 8 64 2
 * </pre>
 */
public final class StreamingMain {
  private static final long MIB = 1L << 20;

  private StreamingMain() {}

  public static void main(String[] args) throws Exception {
    long fileBytes = (args.length > 0 ? Long.parseLong(args[0]) : 8) << 30;
    long window = (args.length > 1 ? Long.parseLong(args[1]) : 64) * MIB;
    int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    StreamingMeasurement m = new StreamingMeasurement(fileBytes, window, window / 4);
    double plain = 0;
    double stream = 0;
    long peak = 0;
    for (int r = 0; r < pairs; r++) {
      for (int k = 0; k < 2; k++) {
        boolean streamed = (r % 2 == 0) == (k == 1);
        StreamingMeasurement.Pass p = streamed ? m.streaming() : m.plain();
        System.out.printf(
            "%-14s %.3f GB/s  peak resident %d MiB%n",
            p.how(), p.bytesPerSecond() / 1e9, p.peakResidentBytes() / MIB);
        if (streamed) {
          stream += p.bytesPerSecond() / 1e9;
          peak = Math.max(peak, p.peakResidentBytes());
        } else {
          plain += p.bytesPerSecond() / 1e9;
        }
      }
    }
    System.out.printf(
        "mean plain %.3f GB/s, streamed %.3f GB/s, ratio %.4f, streamed peak %d MiB%n",
        plain / pairs, stream / pairs, stream / plain, peak / MIB);
  }
}
