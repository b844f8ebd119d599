package dev.mmapkit.bench.ipc;

import dev.mmapkit.bench.BenchGroup;
import dev.mmapkit.bench.BenchSettings;
import dev.mmapkit.bench.Comparison;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The {@code ipc} group: cross-process round trips against Agrona's one-to-one ring and a Unix
 * domain socket, broadcast round trips against Agrona's broadcast, and one-way throughput of
 * one-to-one and many-to-one rings against Agrona's. Every benchmark starts its peer process itself
 * (files in /dev/shm). After the JMH runs, {@link IpcPaired} measures the same ring comparisons in
 * alternating slices on links open at once (the {@code -paired} rows: on a host that changes speed
 * every few seconds, these are the ones to trust), and {@link WakeUpMeasurement} the blocking
 * strategy.
 */
public final class IpcGroup implements BenchGroup {

  @Override
  public String name() {
    return "ipc";
  }

  @Override
  public List<Options> jmhRuns(boolean quick, BenchSettings settings) {
    int warmups = quick ? 1 : 3;
    int iterations = quick ? 1 : 5;
    TimeValue time = quick ? TimeValue.seconds(1) : TimeValue.seconds(2);
    return List.of(
        base(settings)
            .include(RoundTripBenchmark.class.getName())
            .warmupIterations(warmups)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(iterations)
            .measurementTime(time)
            .build(),
        base(settings)
            .include(OneWayBenchmark.class.getName())
            .warmupIterations(warmups)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(iterations)
            .measurementTime(time)
            .build());
  }

  private static ChainedOptionsBuilder base(BenchSettings settings) {
    String[] args =
        Stream.concat(
                settings.forkJvmArgs().stream(),
                // For Agrona only (agrona#362); the peers get the same flag.
                Stream.of("--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED"))
            .toArray(String[]::new);
    return new OptionsBuilder().forks(1).shouldFailOnError(true).jvmArgs(args);
  }

  @Override
  public List<Comparison> compare(Collection<RunResult> results) {
    List<Comparison> rows = new ArrayList<>();
    RunResult ours = find(results, "RoundTripBenchmark.roundTrip", "mmapkit-o2o", null);
    RunResult agrona = find(results, "RoundTripBenchmark.roundTrip", "agrona-o2o", null);
    RunResult uds = find(results, "RoundTripBenchmark.roundTrip", "uds", null);
    String rtt = "32 B ping-pong between two processes, both spinning";
    if (ours != null && agrona != null) {
      rows.add(
          Comparison.cost(
              "rtt-p50-vs-agrona",
              percentile(ours, 50),
              percentile(agrona, 50),
              "ns",
              1.0,
              rtt + "; anchor Agrona OneToOneRingBuffer"));
      rows.add(
          Comparison.cost(
              "rtt-p99-vs-agrona",
              percentile(ours, 99),
              percentile(agrona, 99),
              "ns",
              1 / 1.2,
              rtt + "; goal p99 <= 1.2x Agrona's"));
    }
    if (ours != null && uds != null) {
      rows.add(
          Comparison.cost(
              "rtt-p50-vs-uds",
              percentile(ours, 50),
              percentile(uds, 50),
              "ns",
              20.0,
              rtt + "; anchor a blocking Java Unix-domain socket"));
    }
    RunResult ourBroadcast = find(results, "RoundTripBenchmark.roundTrip", "mmapkit-bcast", null);
    RunResult agronaBroadcast = find(results, "RoundTripBenchmark.roundTrip", "agrona-bcast", null);
    if (ourBroadcast != null && agronaBroadcast != null) {
      rows.add(
          Comparison.cost(
              "broadcast-rtt-p50-vs-agrona",
              percentile(ourBroadcast, 50),
              percentile(agronaBroadcast, 50),
              "ns",
              1.0,
              "32 B ping-pong over two lossy broadcast files, receivers copying; anchor Agrona"
                  + " BroadcastTransmitter + CopyBroadcastReceiver"));
    }
    for (String kind : List.of("o2o", "m2o")) {
      for (String size : List.of("32", "256")) {
        RunResult mine = find(results, "OneWayBenchmark.send", "mmapkit-" + kind, size);
        RunResult theirs = find(results, "OneWayBenchmark.send", "agrona-" + kind, size);
        if (mine == null || theirs == null) continue;
        String name =
            kind + "-throughput" + (size.equals("32") ? "" : "-" + size + "b") + "-vs-agrona";
        rows.add(
            Comparison.rate(
                name,
                mine.getPrimaryResult().getScore(),
                theirs.getPrimaryResult().getScore(),
                "M msgs/s",
                1.0,
                size
                    + " B messages, one producer thread, consumer in another process; anchor"
                    + " Agrona "
                    + (kind.equals("o2o") ? "OneToOneRingBuffer" : "ManyToOneRingBuffer")));
      }
    }
    return rows;
  }

  @Override
  public List<Comparison> measureDirectly(boolean quick, BenchSettings settings) throws Exception {
    List<Comparison> rows = new ArrayList<>(IpcPaired.measure(quick));
    rows.addAll(WakeUpMeasurement.measure(quick));
    return rows;
  }

  private static double percentile(RunResult result, double p) {
    return result.getPrimaryResult().getStatistics().getPercentile(p);
  }

  private static RunResult find(
      Collection<RunResult> results, String benchmark, String transport, String size) {
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      if (!name.endsWith("." + benchmark)) continue;
      if (!transport.equals(r.getParams().getParam("transport"))) continue;
      if (size != null && !size.equals(r.getParams().getParam("size"))) continue;
      return r;
    }
    return null;
  }
}
