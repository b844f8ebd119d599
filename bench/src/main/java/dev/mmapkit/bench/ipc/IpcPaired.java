package dev.mmapkit.bench.ipc;

import dev.mmapkit.bench.Comparison;
import dev.mmapkit.bench.Median;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
 * dev.mmapkit.bench.ipc.IpcPaired rtt|bcast|o2o|m2o SIZE ROUNDS [OURS THEIRS]}: {@code rtt} is the
 * one-to-one ping-pong ({@code bcast} the same over two lossy broadcast files) (p50, p99 and mean
 * per slice; the clock here ticks in 10 ns steps, which the mean is not limited to), {@code o2o}
 * and {@code m2o} one-way throughput. {@code OURS} and {@code THEIRS} ({@code mmapkit} and {@code
 * agrona} by default) may name the same ring, to see what the harness reports for two identical
 * contenders. {@code IpcPaired KIND,SIZE,ROUNDS KIND,SIZE,ROUNDS ...} runs several comparisons one
 * after another in one JVM, as {@code bench/run ipc} did until session 7 (it now runs each in a JVM
 * of its own, {@link #compareInFork}): {@code rtt,32,10 bcast,32,10 o2o,32,10 o2o,256,10 m2o,32,3}
 * shows what a process that writes to both kinds of ring gets from many-to-one rings.
 */
public final class IpcPaired {
  private IpcPaired() {}

  private static final long FIRST_WARM_UP_NANOS = 3_000_000_000L;
  private static final long ROUND_WARM_UP_NANOS = 500_000_000L;
  private static final int PAIRS_PER_ROUND = 20;
  private static final long SLICE_WARM_UP_NANOS = 10_000_000L;
  private static final int ROUND_TRIPS_PER_SLICE = 20_000;
  private static final long THROUGHPUT_SLICE_NANOS = 40_000_000L;
  private static final String FORKED = "--forked";

  /** What one slice measured: p50, p99 and mean round trip in ns, or a rate in M msgs/s. */
  private interface Slice {
    double[] run(Link link);
  }

  /** A measure, and whether a higher value of it is better. */
  private record Metric(String name, int field, String unit, boolean higherIsBetter) {}

  /**
   * One metric of a comparison: the median over rounds of the rounds' ratios (higher = better for
   * us), and the median over rounds of each side's round medians.
   */
  record Outcome(String metric, double ours, double theirs, String unit, double ratio) {
    /** This outcome as one line, for a parent JVM ({@link #compareInFork}) to {@link #parse}. */
    String line() {
      return String.join(
          " ",
          metric,
          Double.toString(ours),
          Double.toString(theirs),
          unit.replace(' ', '_'),
          Double.toString(ratio));
    }

    /** The outcome a {@link #line} holds, or null for any other line. */
    static Outcome parse(String line) {
      String[] f = line.split(" ");
      if (f.length != 5) return null;
      try {
        return new Outcome(
            f[0],
            Double.parseDouble(f[1]),
            Double.parseDouble(f[2]),
            f[3].replace('_', ' '),
            Double.parseDouble(f[4]));
      } catch (NumberFormatException notAnOutcome) {
        return null;
      }
    }
  }

  public static void main(String[] args) throws Exception {
    // --forked KIND SIZE ROUNDS: one comparison for a parent JVM (compareInFork), the log to
    // stderr and the outcomes to stdout.
    boolean forked = args[0].equals(FORKED);
    if (forked) args = Arrays.copyOfRange(args, 1, args.length);
    if (args[0].contains(",")) {
      // KIND,SIZE,ROUNDS ... : one comparison after another in this JVM, to see what the earlier
      // ones leave the later ones (compiled code, profiles).
      for (String spec : args) {
        String[] fields = spec.split(",");
        compare(
            fields[0],
            Integer.parseInt(fields[1]),
            Integer.parseInt(fields[2]),
            "mmapkit",
            "agrona",
            System.out);
      }
      return;
    }
    String kind = args[0];
    int size = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    String ours = args.length > 3 ? args[3] : "mmapkit";
    String theirs = args.length > 4 ? args[4] : "agrona";
    List<Outcome> outcomes =
        compare(kind, size, rounds, ours, theirs, forked ? System.err : System.out);
    if (forked) outcomes.forEach(o -> System.out.println(o.line()));
  }

  /**
   * The rows {@code bench/run ipc} adds to its JMH rows: round trips (rings, and broadcast p50),
   * and one-way throughput of both rings (256 B too in a full run), each against Agrona's; 3 rounds
   * each when {@code quick}, else 10.
   */
  static List<Comparison> measure(boolean quick) throws Exception {
    int rounds = quick ? 3 : 10;
    List<Comparison> rows = new ArrayList<>();
    String method =
        rounds + " rounds of fresh links, " + PAIRS_PER_ROUND + " alternating slice pairs each";
    List<Outcome> rtt = compareInFork("rtt", 32, rounds);
    double[] goals = {1.0, 1 / 1.2, 1.0};
    for (int m = 0; m < rtt.size(); m++) {
      Outcome o = rtt.get(m);
      rows.add(
          new Comparison(
              "rtt-" + o.metric() + "-vs-agrona-paired",
              o.ours(),
              o.theirs(),
              o.unit(),
              o.ratio(),
              goals[m],
              "32 B ping-pong, both spinning, "
                  + method
                  + (m == 1 ? "; goal p99 <= 1.2x Agrona's" : "")
                  + "; anchor Agrona OneToOneRingBuffer"));
    }
    Outcome broadcast = compareInFork("bcast", 32, rounds).get(0);
    rows.add(
        new Comparison(
            "broadcast-rtt-p50-vs-agrona-paired",
            broadcast.ours(),
            broadcast.theirs(),
            broadcast.unit(),
            broadcast.ratio(),
            1.0,
            "32 B ping-pong over two lossy broadcast files, receivers copying, "
                + method
                + "; anchor Agrona BroadcastTransmitter + CopyBroadcastReceiver"));
    for (String kind : List.of("o2o", "m2o")) {
      for (int size : quick ? List.of(32) : List.of(32, 256)) {
        Outcome o = compareInFork(kind, size, rounds).get(0);
        rows.add(
            new Comparison(
                kind + "-throughput" + (size == 32 ? "" : "-" + size + "b") + "-vs-agrona-paired",
                o.ours(),
                o.theirs(),
                o.unit(),
                o.ratio(),
                1.0,
                size
                    + " B one-way, "
                    + method
                    + "; anchor Agrona "
                    + (kind.equals("o2o") ? "OneToOneRingBuffer" : "ManyToOneRingBuffer")));
      }
    }
    return rows;
  }

  /**
   * {@link #compare} of mmapkit and Agrona in a JVM of its own, as JMH forks one per benchmark: in
   * one JVM, what the earlier comparisons compiled and profiled carried over to the later ones
   * (many-to-one throughput after the one-to-one rounds: 0.44-0.68 of Agrona's, against 0.84-0.97
   * alone; {@code docs/performance.md}, sessions 6 and 7). Both contenders still share the JVM.
   */
  static List<Outcome> compareInFork(String kind, int size, int rounds) throws Exception {
    List<String> command = Peer.javaCommand(IpcPaired.class);
    command.addAll(List.of(FORKED, kind, Integer.toString(size), Integer.toString(rounds)));
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<Outcome> outcomes = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        // A JVM agent (a profiler, say) may print lines of its own.
        Outcome outcome = Outcome.parse(line);
        if (outcome != null) outcomes.add(outcome);
      }
    }
    int exit = process.waitFor();
    if (exit != 0 || outcomes.isEmpty()) {
      throw new IllegalStateException(
          "the " + kind + " " + size + " B comparison's JVM exited with " + exit);
    }
    return outcomes;
  }

  /**
   * Runs {@code rounds} rounds of {@code kind} ({@code rtt}, {@code bcast}, {@code o2o} or {@code
   * m2o}) between the {@code ours} and {@code theirs} rings ({@code mmapkit} or {@code agrona}),
   * printing each round and the result to {@code log}.
   */
  static List<Outcome> compare(
      String kind, int size, int rounds, String ours, String theirs, PrintStream log)
      throws Exception {
    boolean rtt = kind.equals("rtt") || kind.equals("bcast");
    String ring = kind.equals("rtt") ? "o2o" : kind;
    String a = ours + "-" + ring;
    String b = theirs + "-" + ring;
    Slice slice = rtt ? IpcPaired::roundTrips : IpcPaired::throughput;
    List<Metric> metrics =
        rtt
            ? List.of(
                new Metric("p50", 0, "ns", false),
                new Metric("p99", 1, "ns", false),
                new Metric("mean", 2, "ns", false))
            : List.of(new Metric("throughput", 0, "M msgs/s", true));
    System.setProperty(PeerIdle.PROPERTY, "park");
    log.printf(
        "%s %d B, %d rounds of %d slice pairs, %s vs %s (ratios: higher = better for %s)%n",
        kind, size, rounds, PAIRS_PER_ROUND, a, b, a);
    List<List<double[]>> perRound = new ArrayList<>(); // per metric: {ratio, ours, theirs}
    for (Metric ignored : metrics) perRound.add(new ArrayList<>());
    for (int round = 0; round < rounds; round++) {
      List<double[]> mine = new ArrayList<>();
      List<double[]> other = new ArrayList<>();
      try (Link first = Link.open(a, size, rtt);
          Link second = Link.open(b, size, rtt)) {
        long end = System.nanoTime() + (round == 0 ? FIRST_WARM_UP_NANOS : ROUND_WARM_UP_NANOS);
        while (System.nanoTime() < end) {
          slice.run(first);
          slice.run(second);
        }
        for (int pair = 0; pair < PAIRS_PER_ROUND; pair++) {
          if (pair % 2 == 0) {
            mine.add(slice.run(first));
            other.add(slice.run(second));
          } else {
            other.add(slice.run(second));
            mine.add(slice.run(first));
          }
        }
      }
      StringBuilder line = new StringBuilder("round " + round + ":");
      for (int m = 0; m < metrics.size(); m++) {
        Metric metric = metrics.get(m);
        double[] result = {
          Median.of(ratios(metric, mine, other)),
          Median.of(column(mine, metric.field())),
          Median.of(column(other, metric.field()))
        };
        perRound.get(m).add(result);
        line.append(
            String.format(
                Locale.ROOT,
                " %s %.1f vs %.1f %s (%.3f)",
                metric.name(),
                result[1],
                result[2],
                metric.unit(),
                result[0]));
      }
      log.println(line);
    }
    List<Outcome> outcomes = new ArrayList<>();
    for (int m = 0; m < metrics.size(); m++) {
      Metric metric = metrics.get(m);
      List<double[]> rows = perRound.get(m);
      List<Double> ratios = column(rows, 0);
      double[] sorted = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      Outcome outcome =
          new Outcome(
              metric.name(),
              Median.of(column(rows, 1)),
              Median.of(column(rows, 2)),
              metric.unit(),
              Median.of(ratios));
      log.printf(
          Locale.ROOT,
          "%s: median ratio %.3f over %d rounds, quartiles %.3f-%.3f%n",
          metric.name(),
          outcome.ratio(),
          rounds,
          sorted[sorted.length / 4],
          sorted[sorted.length * 3 / 4]);
      outcomes.add(outcome);
    }
    return outcomes;
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
