package dev.mmapkit.bench.core;

import dev.mmapkit.ReadStrategy;
import dev.mmapkit.bench.BenchGroup;
import dev.mmapkit.bench.BenchSettings;
import dev.mmapkit.bench.Comparison;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The {@code core} group: mapped reads against {@code FileChannel}, {@code MappedByteBuffer} and
 * the in-memory bound, hot and cold, plus the streaming residency check.
 */
public final class CoreGroup implements BenchGroup {
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;
  private static final double NO_GOAL = Double.NaN;

  private static final String[] QUICK_SMALL_SIZES = {
    "4096", "65536", "262144", "1048576", "4194304"
  };
  private static final String[] FULL_SMALL_SIZES = {
    "4096", "16384", "65536", "131072", "262144", "524288", "1048576", "2097152", "4194304"
  };

  private final Map<String, String> findings = new LinkedHashMap<>();

  @Override
  public String name() {
    return "core";
  }

  @Override
  public List<Options> jmhRuns(boolean quick, BenchSettings settings) {
    String dataBytes = Long.toString(quick ? GIB : 4 * GIB);
    List<Options> runs = new ArrayList<>();
    if (quick) {
      // One run for every hot benchmark: a fork each, one short warm-up, one short iteration.
      runs.add(
          base(settings)
              .include(ScanBenchmark.class.getName())
              .include(RandomReadBenchmark.class.getName())
              .include(SmallFileBenchmark.class.getName() + "\\.(mmap|pread)$")
              .param("fileBytes", dataBytes)
              .param("smallFileBytes", QUICK_SMALL_SIZES)
              .warmupIterations(1)
              .warmupTime(TimeValue.milliseconds(300))
              .measurementIterations(1)
              .measurementTime(TimeValue.milliseconds(500))
              .build());
      runs.add(cold(settings, dataBytes, 1, 2, 200));
    } else {
      // A pass over 4 GiB takes up to a second with FileChannel: longer iterations.
      runs.add(
          base(settings)
              .include(ScanBenchmark.class.getName())
              .param("fileBytes", dataBytes)
              .warmupIterations(2)
              .warmupTime(TimeValue.seconds(2))
              .measurementIterations(5)
              .measurementTime(TimeValue.seconds(2))
              .build());
      runs.add(
          base(settings)
              .include(RandomReadBenchmark.class.getName())
              .include(SmallFileBenchmark.class.getName())
              .param("fileBytes", dataBytes)
              .param("smallFileBytes", FULL_SMALL_SIZES)
              .warmupIterations(2)
              .warmupTime(TimeValue.seconds(1))
              .measurementIterations(5)
              .measurementTime(TimeValue.seconds(1))
              .build());
      runs.add(cold(settings, dataBytes, 2, 8, 500));
    }
    return runs;
  }

  private static ChainedOptionsBuilder base(BenchSettings settings) {
    return new OptionsBuilder()
        .forks(1)
        .shouldFailOnError(true)
        // Replaces the inherited arguments of this JVM rather than appending to them, so each flag
        // appears once in the forks' command lines.
        .jvmArgs(settings.forkJvmArgs().toArray(new String[0]));
  }

  private static Options cold(
      BenchSettings settings, String dataBytes, int warmups, int iterations, int batch) {
    return base(settings)
        .include(ColdRandomReadBenchmark.class.getName())
        .param("fileBytes", dataBytes)
        .warmupIterations(warmups)
        .warmupBatchSize(batch)
        .measurementIterations(iterations)
        .measurementBatchSize(batch)
        .build();
  }

  @Override
  public List<Comparison> compare(Collection<RunResult> results) {
    Scores s = new Scores(results);
    List<Comparison> rows = new ArrayList<>();
    findings.clear();

    if (s.has("ScanBenchmark.freshMapping")) {
      double bytes = s.param("ScanBenchmark.freshMapping", "fileBytes");
      double fresh = s.score("ScanBenchmark.freshMapping") * bytes / 1e9;
      String file = "hot " + (long) (bytes / MIB) + " MiB file summed as longs";
      rows.add(
          Comparison.rate(
              "scan-vs-filechannel",
              fresh,
              s.score("ScanBenchmark.fileChannelRead") * bytes / 1e9,
              "GB/s",
              3.0,
              file + "; anchor FileChannel.read into a 1 MiB direct buffer"));
      rows.add(
          Comparison.rate(
              "scan-vs-memory-bound",
              fresh,
              s.score("ScanBenchmark.faultedMapping") * bytes / 1e9,
              "GB/s",
              0.9,
              file + "; anchor a second pass over an already-faulted mapping"));
      rows.add(
          Comparison.rate(
              "scan-vs-mappedbytebuffer",
              fresh,
              s.score("ScanBenchmark.mappedByteBuffer") * bytes / 1e9,
              "GB/s",
              NO_GOAL,
              file + "; anchor MappedByteBuffer 1 GiB windows"));
    }

    if (s.has("RandomReadBenchmark.long8Mapped")) {
      double pread8 = s.score("RandomReadBenchmark.long8Pread") / 1e6;
      double pread4k = s.score("RandomReadBenchmark.page4kPread") / 1e6;
      rows.add(
          Comparison.rate(
              "random8-vs-pread",
              s.score("RandomReadBenchmark.long8Mapped") / 1e6,
              pread8,
              "M reads/s",
              20.0,
              "MappedFile.getLong vs FileChannel.read(buf, pos)"));
      rows.add(
          Comparison.rate(
              "random8-segment-vs-pread",
              s.score("RandomReadBenchmark.long8Segment") / 1e6,
              pread8,
              "M reads/s",
              NO_GOAL,
              "raw MemorySegment.get on the mapping"));
      rows.add(
          Comparison.rate(
              "random4k-vs-pread",
              s.score("RandomReadBenchmark.page4kMapped") / 1e6,
              pread4k,
              "M reads/s",
              2.0,
              "MappedFile.get into a reused 4 KiB segment vs pread into a direct buffer"));
      rows.add(
          Comparison.rate(
              "random4k-segment-vs-pread",
              s.score("RandomReadBenchmark.page4kSegment") / 1e6,
              pread4k,
              "M reads/s",
              NO_GOAL,
              "raw MemorySegment.copy from the mapping"));
    }

    if (s.has("ColdRandomReadBenchmark.pread")) {
      double pread = s.coldReadsPerSecond("ColdRandomReadBenchmark.pread") / 1e3;
      rows.add(
          Comparison.rate(
              "cold-random4k-vs-pread",
              s.coldReadsPerSecond("ColdRandomReadBenchmark.mmapRandomAdvice") / 1e3,
              pread,
              "k reads/s",
              0.9,
              "file evicted before each batch; mapping advised MADV_RANDOM"));
      rows.add(
          Comparison.rate(
              "cold-plain-mmap-vs-pread",
              s.coldReadsPerSecond("ColdRandomReadBenchmark.mmapPlain") / 1e3,
              pread,
              "k reads/s",
              NO_GOAL,
              "file evicted before each batch; no advice (kernel read-around per fault)"));
    }

    smallFiles(s, rows, "mmap", "pread", "mmap-vs-pread", "MappedFile zero-copy vs FileChannel");
    smallFiles(
        s,
        rows,
        "mmapConfined",
        "pread",
        "confined-mmap-vs-pread",
        "MappedFile with a confined arena vs FileChannel");
    smallFiles(
        s,
        rows,
        "readerMmap",
        "readerPread",
        "reader-mmap-vs-pread",
        "FileReader forced MMAP vs forced PREAD, both copy");
    return rows;
  }

  /** Rows per small-file size, and the crossover size where mapping starts to win. */
  private void smallFiles(
      Scores s, List<Comparison> rows, String ours, String anchor, String label, String note) {
    String o = "SmallFileBenchmark." + ours;
    String a = "SmallFileBenchmark." + anchor;
    TreeMap<Long, Double> ratios = new TreeMap<>();
    for (long size : s.paramValues(o, "smallFileBytes")) {
      String p = Long.toString(size);
      double mine = s.score(o, "smallFileBytes", p);
      double theirs = s.score(a, "smallFileBytes", p);
      Comparison row =
          Comparison.rate(
              "small-file-" + sizeLabel(size) + "-" + label,
              mine / 1e3,
              theirs / 1e3,
              "k files/s",
              NO_GOAL,
              note + "; open + read all + close, hot");
      rows.add(row);
      ratios.put(size, row.ratio());
    }
    if (!ratios.isEmpty()) findings.put("small-file-crossover-" + label, crossover(ratios));
  }

  /**
   * The smallest measured size from which mapping wins at every larger measured size, described
   * with the neighbouring point where it lost.
   */
  static String crossover(TreeMap<Long, Double> ratios) {
    Long from = null;
    for (Map.Entry<Long, Double> e : ratios.descendingMap().entrySet()) {
      if (e.getValue() >= 1.0) from = e.getKey();
      else break;
    }
    if (from == null) {
      return "pread wins at every measured size up to " + sizeLabel(ratios.lastKey());
    }
    Long below = ratios.lowerKey(from);
    if (below == null) return "mmap wins at every measured size from " + sizeLabel(from);
    return String.format(
        "between %s (ratio %.3f) and %s (ratio %.3f); current SEQUENTIAL_MMAP_THRESHOLD %s",
        sizeLabel(below),
        ratios.get(below),
        sizeLabel(from),
        ratios.get(from),
        sizeLabel(ReadStrategy.SEQUENTIAL_MMAP_THRESHOLD));
  }

  static String sizeLabel(long bytes) {
    if (bytes >= MIB && bytes % MIB == 0) return (bytes / MIB) + "m";
    if (bytes % 1024 == 0) return (bytes / 1024) + "k";
    return Long.toString(bytes);
  }

  @Override
  public Map<String, String> findings() {
    return findings;
  }

  @Override
  public List<Comparison> measureDirectly(boolean quick, BenchSettings settings) throws Exception {
    // The case is an 8 GiB file under 512 MiB; quick mode keeps the same 1:16 proportion.
    long fileBytes = quick ? GIB : 8 * GIB;
    long bound = fileBytes / 16;
    long window = bound / 8;
    // Four samples per window: sampling only on window boundaries would always land just after
    // the scan evicted and just before its read-ahead arrived, and miss the peak in between.
    long sampleEvery = window / 4;
    StreamingMeasurement m = new StreamingMeasurement(fileBytes, window, sampleEvery);
    // Alternate the order so a drift of the host's speed hits both sides alike.
    List<StreamingMeasurement.Pass> plain = new ArrayList<>();
    List<StreamingMeasurement.Pass> stream = new ArrayList<>();
    int rounds = quick ? 1 : 2;
    for (int r = 0; r < rounds; r++) {
      if (r % 2 == 0) {
        plain.add(log(m.plain()));
        stream.add(log(m.streaming()));
      } else {
        stream.add(log(m.streaming()));
        plain.add(log(m.plain()));
      }
    }
    double plainGbs = plain.stream().mapToDouble(p -> p.bytesPerSecond()).average().orElse(0) / 1e9;
    double streamGbs =
        stream.stream().mapToDouble(p -> p.bytesPerSecond()).average().orElse(0) / 1e9;
    long streamPeak = stream.stream().mapToLong(p -> p.peakResidentBytes()).max().orElse(0);
    long plainPeak = plain.stream().mapToLong(p -> p.peakResidentBytes()).max().orElse(0);
    String size =
        (fileBytes / MIB) + " MiB file" + (quick ? " (quick: 1/8 of the issue's 8 GiB)" : "");
    return List.of(
        Comparison.rate(
            "stream-throughput-vs-plain",
            streamGbs,
            plainGbs,
            "GB/s",
            0.8,
            String.format(
                "%s, cold start, window %d MiB, mean of %d pass(es) each",
                size, window / MIB, rounds)),
        Comparison.cost(
            "stream-peak-resident",
            streamPeak / (double) MIB,
            bound / (double) MIB,
            "MiB",
            1.0,
            String.format(
                "%s; anchor is the bound (%d MiB); plain mmap peaked at %d MiB; mincore every %d"
                    + " MiB",
                size, bound / MIB, plainPeak / MIB, sampleEvery / MIB)));
  }

  private static StreamingMeasurement.Pass log(StreamingMeasurement.Pass p) {
    System.err.printf(
        "mmapkit-bench: stream %-14s %.3f GB/s, peak resident %d MiB%n",
        p.how(), p.bytesPerSecond() / 1e9, p.peakResidentBytes() / MIB);
    return p;
  }
}
