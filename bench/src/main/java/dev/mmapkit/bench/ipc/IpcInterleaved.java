package dev.mmapkit.bench.ipc;

import dev.mmapkit.bench.Median;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * mmapkit and Agrona in alternating rounds, for a host whose speed changes from one minute to the
 * next (this one moves between two modes, round trips of about 250 and about 650 ns, whatever
 * runs): JMH runs each contender's iterations one after another, so a mode change lands on one of
 * them; here each round measures both, a few seconds apart, and the median of the per-round ratios
 * is the comparison. Each round starts fresh peers (a second of warm-up each).
 *
 * <p>{@code java --enable-native-access=ALL-UNNAMED
 * --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * dev.mmapkit.bench.ipc.IpcInterleaved rtt|o2o|m2o SIZE ROUNDS}: {@code rtt} is the one-to-one
 * ping-pong (p50 and p99 per round), {@code o2o} and {@code m2o} one-way throughput.
 */
public final class IpcInterleaved {
  private IpcInterleaved() {}

  private static final long WARM_UP_NANOS = 1_000_000_000L;
  private static final int ROUND_TRIPS = 200_000;
  private static final int THROUGHPUT_SLICES = 5;
  private static final long SLICE_NANOS = 200_000_000L;

  public static void main(String[] args) throws Exception {
    String kind = args[0];
    int size = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    String ours = "mmapkit-" + (kind.equals("rtt") ? "o2o" : kind);
    String theirs = "agrona-" + (kind.equals("rtt") ? "o2o" : kind);
    List<Double> ratios = new ArrayList<>();
    List<Double> tailRatios = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      if (kind.equals("rtt")) {
        long[] a = roundTrips(ours, size);
        long[] b = roundTrips(theirs, size);
        ratios.add((double) b[0] / a[0]);
        tailRatios.add((double) b[1] / a[1]);
        System.out.printf(
            "round %d: p50 %d vs %d ns, p99 %d vs %d ns%n", round, a[0], b[0], a[1], b[1]);
      } else {
        double a = throughput(ours, size);
        double b = throughput(theirs, size);
        ratios.add(a / b);
        System.out.printf("round %d: %.2f vs %.2f M msgs/s%n", round, a, b);
      }
    }
    System.out.printf(
        "%s %d B, %d rounds, %s vs %s: median ratio %.3f (higher = better for us), ratios %s%n",
        kind, size, rounds, ours, theirs, Median.of(ratios), ratios);
    if (!tailRatios.isEmpty()) System.out.printf("p99: median ratio %.3f%n", Median.of(tailRatios));
  }

  /** p50 and p99 of {@link #ROUND_TRIPS} timed round trips after a warm-up, in ns. */
  private static long[] roundTrips(String transport, int size) throws Exception {
    try (Link link = Link.open(transport, size, true)) {
      long end = System.nanoTime() + WARM_UP_NANOS;
      while (System.nanoTime() < end) link.roundTrip();
      long[] times = new long[ROUND_TRIPS];
      for (int i = 0; i < times.length; i++) {
        long start = System.nanoTime();
        link.roundTrip();
        times[i] = System.nanoTime() - start;
      }
      Arrays.sort(times);
      return new long[] {times[times.length / 2], times[(int) (times.length * 0.99)]};
    }
  }

  /** The median of {@link #THROUGHPUT_SLICES} slices' rates after a warm-up, in M msgs/s. */
  private static double throughput(String transport, int size) throws Exception {
    try (Link link = Link.open(transport, size, false)) {
      long end = System.nanoTime() + WARM_UP_NANOS;
      while (System.nanoTime() < end) link.send();
      List<Double> rates = new ArrayList<>();
      for (int slice = 0; slice < THROUGHPUT_SLICES; slice++) {
        long count = 0;
        long start = System.nanoTime();
        long now;
        do {
          for (int i = 0; i < 1000; i++) link.send();
          count += 1000;
        } while ((now = System.nanoTime()) - start < SLICE_NANOS);
        rates.add(count * 1e3 / (now - start));
      }
      return Median.of(rates);
    }
  }
}
