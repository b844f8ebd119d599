package dev.mmapkit.bench;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.options.Options;

/**
 * One named set of benchmarks that {@link BenchMain} can run: the JMH runs it needs, how to turn
 * their results into {@link Comparison}s against the anchors, and any measurement that is easier to
 * make directly than through JMH.
 *
 * <p>To add a group (cache, ipc, log), implement this in one class and list it in {@link
 * BenchMain#GROUPS}.
 */
public interface BenchGroup {

  /** The name given on the command line, e.g. {@code core}. */
  String name();

  /**
   * The JMH runs of this group. More than one when benchmarks need incompatible options (an {@link
   * org.openjdk.jmh.runner.options.OptionsBuilder} overrides the annotations of every benchmark it
   * includes, so a single-shot benchmark cannot share a run with throughput ones).
   *
   * @param quick a run that must finish in about a minute: small files, one short iteration
   * @param settings where benchmark files live and what the forked JVMs need
   */
  List<Options> jmhRuns(boolean quick, BenchSettings settings);

  /** Ratios of ours against the anchors, from the results of every run of {@link #jmhRuns}. */
  List<Comparison> compare(Collection<RunResult> results);

  /**
   * Conclusions drawn by the last {@link #compare} that are not ratios (e.g. a crossover size), by
   * name; none by default.
   */
  default Map<String, String> findings() {
    return Map.of();
  }

  /** Measurements made in this JVM after the JMH runs; none by default. */
  default List<Comparison> measureDirectly(boolean quick, BenchSettings settings) throws Exception {
    return List.of();
  }
}
