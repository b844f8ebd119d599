package dev.mmapkit.bench.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.TreeSet;
import org.openjdk.jmh.results.RunResult;

/** Looks up JMH primary scores by {@code Class.method} and parameter value. */
final class Scores {
  private static final String PACKAGE = "dev.mmapkit.bench.core.";

  private final List<RunResult> results;

  Scores(Collection<RunResult> results) {
    this.results = new ArrayList<>(results);
  }

  boolean has(String benchmark) {
    return results.stream().anyMatch(r -> name(r).equals(benchmark));
  }

  /** The score of the only (or first) result of {@code benchmark}. */
  double score(String benchmark) {
    return find(benchmark, null, null).getPrimaryResult().getScore();
  }

  /** The score of {@code benchmark} run with parameter {@code param = value}. */
  double score(String benchmark, String param, String value) {
    return find(benchmark, param, value).getPrimaryResult().getScore();
  }

  double param(String benchmark, String param) {
    return Double.parseDouble(find(benchmark, null, null).getParams().getParam(param));
  }

  /** The values of a numeric parameter {@code benchmark} ran with, ascending. */
  TreeSet<Long> paramValues(String benchmark, String param) {
    TreeSet<Long> values = new TreeSet<>();
    for (RunResult r : results) {
      if (name(r).equals(benchmark)) values.add(Long.parseLong(r.getParams().getParam(param)));
    }
    return values;
  }

  /**
   * Reads per second of a single-shot benchmark whose iteration is a batch of reads: JMH reports
   * single-shot scores per batch, in the benchmark's output time unit (milliseconds here).
   */
  double coldReadsPerSecond(String benchmark) {
    RunResult r = find(benchmark, null, null);
    int batch = r.getParams().getMeasurement().getBatchSize();
    return batch / (r.getPrimaryResult().getScore() / 1e3);
  }

  private RunResult find(String benchmark, String param, String value) {
    for (RunResult r : results) {
      if (!name(r).equals(benchmark)) continue;
      if (param == null || value.equals(r.getParams().getParam(param))) return r;
    }
    throw new NoSuchElementException(
        "no result for " + benchmark + (param == null ? "" : " with " + param + "=" + value));
  }

  private static String name(RunResult r) {
    String full = r.getParams().getBenchmark();
    return full.startsWith(PACKAGE) ? full.substring(PACKAGE.length()) : full;
  }
}
