package dev.mmapkit.bench.ipc;

import dev.mmapkit.bench.Median;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * mmapkit against Agrona for a host whose speed changes from one moment to the next and from one
 * link to the next (this 2-vCPU VM: round trips of 130 to 650 ns, whatever runs). Two effects are
 * separated:
 *
 * <ul>
 *   <li>Time: the host changes mode every few seconds. Within a round both links are open at once
 *       and measured in alternating slices of a few milliseconds (order alternating too), so the
 *       two sides of a pair nearly always see the same mode; the round's ratio is the median of its
 *       pairs' ratios.
 *   <li>Placement: a link keeps its speed for its life, up to 5 % apart from an identical link
 *       (Agrona against Agrona measured 1.00 and 1.05 in different runs), presumably from where its
 *       files' pages lie. Each round therefore opens fresh links, and the result is the median of
 *       the rounds' ratios.
 * </ul>
 *
 * <p>The peer of the paused link parks after a millisecond without messages ({@link PeerIdle}), so
 * it leaves the vCPUs to the link being measured, and every slice starts with an unmeasured warm-up
 * long enough for the other peer to wake and spin again.
 *
 * <p>{@code java --enable-native-access=ALL-UNNAMED
 * --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * dev.mmapkit.bench.ipc.IpcPaired rtt|o2o|m2o SIZE ROUNDS [OURS THEIRS]}: {@code rtt} is the
 * one-to-one ping-pong (p50, p99 and mean per slice; the clock here ticks in 10 ns steps, which the
 * mean is not limited to), {@code o2o} and {@code m2o} one-way throughput. {@code OURS} and {@code
 * THEIRS} ({@code mmapkit} and {@code agrona} by default) may name the same ring, to see what the
 * harness reports for two identical contenders.
 */
public final class IpcPaired {
  private IpcPaired() {}

  private static final long FIRST_WARM_UP_NANOS = 3_000_000_000L;
  private static final long ROUND_WARM_UP_NANOS = 500_000_000L;
  private static final int PAIRS_PER_ROUND = 20;
  private static final long SLICE_WARM_UP_NANOS = 10_000_000L;
  private static final int ROUND_TRIPS_PER_SLICE = 20_000;
  private static final long THROUGHPUT_SLICE_NANOS = 40_000_000L;

  /** What one slice measured: p50, p99 and mean round trip in ns, or a rate in M msgs/s. */
  private interface Slice {
    double[] run(Link link);
  }

  /** A measure, and whether a higher value of it is better. */
  private record Metric(String name, int field, String unit, boolean higherIsBetter) {}

  public static void main(String[] args) throws Exception {
    String kind = args[0];
    int size = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    boolean rtt = kind.equals("rtt");
    String ring = rtt ? "o2o" : kind;
    String ours = (args.length > 3 ? args[3] : "mmapkit") + "-" + ring;
    String theirs = (args.length > 4 ? args[4] : "agrona") + "-" + ring;
    Slice slice = rtt ? IpcPaired::roundTrips : IpcPaired::throughput;
    List<Metric> metrics =
        rtt
            ? List.of(
                new Metric("p50", 0, "ns", false),
                new Metric("p99", 1, "ns", false),
                new Metric("mean", 2, "ns", false))
            : List.of(new Metric("throughput", 0, "M msgs/s", true));
    System.setProperty(PeerIdle.PROPERTY, "park");
    System.out.printf(
        "%s %d B, %d rounds of %d slice pairs, %s vs %s (ratios: higher = better for %s)%n",
        kind, size, rounds, PAIRS_PER_ROUND, ours, theirs, ours);
    List<List<Double>> roundRatios = new ArrayList<>();
    for (Metric ignored : metrics) roundRatios.add(new ArrayList<>());
    for (int round = 0; round < rounds; round++) {
      List<double[]> mine = new ArrayList<>();
      List<double[]> other = new ArrayList<>();
      try (Link a = Link.open(ours, size, rtt);
          Link b = Link.open(theirs, size, rtt)) {
        long end = System.nanoTime() + (round == 0 ? FIRST_WARM_UP_NANOS : ROUND_WARM_UP_NANOS);
        while (System.nanoTime() < end) {
          slice.run(a);
          slice.run(b);
        }
        for (int pair = 0; pair < PAIRS_PER_ROUND; pair++) {
          if (pair % 2 == 0) {
            mine.add(slice.run(a));
            other.add(slice.run(b));
          } else {
            other.add(slice.run(b));
            mine.add(slice.run(a));
          }
        }
      }
      StringBuilder line = new StringBuilder("round " + round + ":");
      for (int m = 0; m < metrics.size(); m++) {
        Metric metric = metrics.get(m);
        double ratio = Median.of(ratios(metric, mine, other));
        roundRatios.get(m).add(ratio);
        line.append(
            String.format(
                Locale.ROOT,
                " %s %.1f vs %.1f %s (%.3f)",
                metric.name(),
                Median.of(column(mine, metric.field())),
                Median.of(column(other, metric.field())),
                metric.unit(),
                ratio));
      }
      System.out.println(line);
    }
    for (int m = 0; m < metrics.size(); m++) {
      List<Double> ratios = roundRatios.get(m);
      double[] sorted = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      System.out.printf(
          Locale.ROOT,
          "%s: median ratio %.3f over %d rounds, quartiles %.3f-%.3f%n",
          metrics.get(m).name(),
          Median.of(ratios),
          ratios.size(),
          sorted[sorted.length / 4],
          sorted[sorted.length * 3 / 4]);
    }
  }

  /** Per pair, ours against theirs, oriented so that higher is better for us. */
  private static List<Double> ratios(Metric metric, List<double[]> ours, List<double[]> theirs) {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < ours.size(); i++) {
      double mine = ours.get(i)[metric.field()];
      double other = theirs.get(i)[metric.field()];
      ratios.add(metric.higherIsBetter() ? mine / other : other / mine);
    }
    return ratios;
  }

  private static List<Double> column(List<double[]> slices, int field) {
    return slices.stream().map(values -> values[field]).toList();
  }

  private static double[] roundTrips(Link link) {
    long end = System.nanoTime() + SLICE_WARM_UP_NANOS;
    while (System.nanoTime() < end) link.roundTrip();
    long[] times = new long[ROUND_TRIPS_PER_SLICE];
    long first = System.nanoTime();
    for (int i = 0; i < times.length; i++) {
      long start = System.nanoTime();
      link.roundTrip();
      times[i] = System.nanoTime() - start;
    }
    double mean = (double) (System.nanoTime() - first) / times.length;
    Arrays.sort(times);
    return new double[] {times[times.length / 2], times[(int) (times.length * 0.99)], mean};
  }

  private static double[] throughput(Link link) {
    long end = System.nanoTime() + SLICE_WARM_UP_NANOS;
    while (System.nanoTime() < end) link.send();
    long count = 0;
    long start = System.nanoTime();
    long now;
    do {
      for (int i = 0; i < 1000; i++) link.send();
      count += 1000;
    } while ((now = System.nanoTime()) - start < THROUGHPUT_SLICE_NANOS);
    return new double[] {count * 1e3 / (now - start)};
  }
}
