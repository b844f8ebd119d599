package dev.mmapkit.cli;

import dev.mmapkit.Bytes;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of {@code mmapkit bench}, as a table with a recommendation line or as JSON (the JSON
 * fields are documented in {@code docs/cli.md} and kept stable).
 *
 * @param file the measured file
 * @param temporary whether the file was created for the benchmark
 * @param size the file's size in bytes
 * @param pattern the access pattern
 * @param ioSize bytes per read: for {@code random} every read, for {@code seq} the {@code pread}
 *     strategy's
 * @param reads reads per run for {@code random}, 0 for {@code seq}
 * @param repetitions runs per strategy; each result is the median run
 * @param cold whether the file was evicted before each run
 * @param kernel the kernel release
 * @param filesystem the file system type
 * @param hugePages the page size backing the mapping, {@code "4 KiB"}, {@code "2 MiB"} or {@code
 *     "unknown"}
 * @param results the median measurement of each strategy
 * @param recommendation the fastest strategy
 */
record BenchReport(
    String file,
    boolean temporary,
    long size,
    BenchPattern pattern,
    long ioSize,
    long reads,
    int repetitions,
    boolean cold,
    String kernel,
    String filesystem,
    String hugePages,
    List<Measurement> results,
    Recommendation recommendation) {

  /** Decimal gigabytes per second of a sequential run. */
  double gbPerSec(Measurement m) {
    return size / (double) Math.max(1, m.nanos());
  }

  /** Nanoseconds per read of a random run. */
  double nsPerRead(Measurement m) {
    return m.nanos() / (double) reads;
  }

  /** The report as a JSON-ready map (see {@link Json}). */
  Map<String, Object> toJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("file", file);
    root.put("temporary", temporary);
    root.put("size", size);
    root.put("pattern", pattern.label());
    root.put("ioSize", ioSize);
    if (pattern == BenchPattern.RANDOM) root.put("reads", reads);
    root.put("repetitions", repetitions);
    root.put("cold", cold);
    root.put("kernel", kernel);
    root.put("filesystem", filesystem);
    root.put("hugePages", hugePages);
    List<Object> list = new ArrayList<>();
    for (Measurement m : results) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("strategy", m.strategy());
      if (pattern == BenchPattern.SEQ) {
        r.put("gbPerSec", gbPerSec(m));
      } else {
        r.put("nsPerRead", nsPerRead(m));
        r.put("readsPerSec", Math.round(1e9 / nsPerRead(m)));
      }
      r.put("seconds", m.nanos() / 1e9);
      r.put("minorFaults", m.faults() == null ? null : m.faults().minor());
      r.put("majorFaults", m.faults() == null ? null : m.faults().major());
      list.add(r);
    }
    root.put("results", list);
    Map<String, Object> rec = new LinkedHashMap<>();
    rec.put("strategy", recommendation.strategy());
    rec.put("speedup", recommendation.speedup());
    rec.put("over", recommendation.runnerUp());
    root.put("recommendation", rec);
    return root;
  }

  /** Prints the human report: what was measured where, the table, and the recommendation. */
  void print(PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "%s (%s%s on %s), pattern %s, %s%s, %s page cache, median of %d%n",
        file,
        Bytes.format(size),
        temporary ? ", temporary" : "",
        filesystem,
        pattern.label(),
        pattern == BenchPattern.RANDOM ? reads + " reads of " : "io-size ",
        Bytes.format(ioSize),
        cold ? "cold" : "warm",
        repetitions);
    out.printf("kernel %s, mapping page size %s%n%n", kernel, hugePages);
    Table table =
        pattern == BenchPattern.SEQ
            ? new Table("STRATEGY", "GB/s", "MINOR FAULTS", "MAJOR FAULTS")
            : new Table("STRATEGY", "ns/read", "reads/s", "MINOR FAULTS", "MAJOR FAULTS");
    for (Measurement m : results) {
      String minor = m.faults() == null ? "?" : Long.toString(m.faults().minor());
      String major = m.faults() == null ? "?" : Long.toString(m.faults().major());
      if (pattern == BenchPattern.SEQ) {
        table.row(m.strategy(), String.format(Locale.ROOT, "%.2f", gbPerSec(m)), minor, major);
      } else {
        table.row(
            m.strategy(),
            String.format(Locale.ROOT, "%.0f", nsPerRead(m)),
            String.format(Locale.ROOT, "%.0f", 1e9 / nsPerRead(m)),
            minor,
            major);
      }
    }
    table.print(out);
    out.println();
    out.println(recommendationLine());
  }

  private String recommendationLine() {
    Recommendation r = recommendation;
    if (r.runnerUp() == null) return "Recommendation: " + r.strategy() + " (the only strategy).";
    // Below 5% a rerun may well swap the order; say so rather than pretend to a winner.
    if (r.speedup() < 1.05) {
      return String.format(
          Locale.ROOT,
          "Recommendation: %s, but %s is only %.1f%% slower (under 5%%, too close to call):"
              + " either will do.",
          r.strategy(),
          r.runnerUp(),
          (r.speedup() - 1) * 100);
    }
    return String.format(
        Locale.ROOT,
        "Recommendation: %s, %.2fx as fast as %s, the next best.",
        r.strategy(),
        r.speedup(),
        r.runnerUp());
  }
}
