package dev.mmapkit.cli;

import java.util.Comparator;
import java.util.List;

/**
 * What {@code mmapkit bench} recommends: the fastest strategy it measured, and how much faster it
 * was than the next best.
 *
 * @param strategy the fastest strategy's name
 * @param speedup the next best strategy's time divided by the fastest one's (1.0 with one strategy)
 * @param runnerUp the next best strategy's name, or {@code null} with one strategy
 */
record Recommendation(String strategy, double speedup, String runnerUp) {

  /** The recommendation from median measurements of the same work (so less time is better). */
  static Recommendation from(List<Measurement> measurements) {
    List<Measurement> sorted =
        measurements.stream().sorted(Comparator.comparingLong(Measurement::nanos)).toList();
    Measurement best = sorted.get(0);
    if (sorted.size() == 1) return new Recommendation(best.strategy(), 1.0, null);
    Measurement next = sorted.get(1);
    return new Recommendation(
        best.strategy(), (double) next.nanos() / Math.max(1, best.nanos()), next.strategy());
  }
}
