package dev.mmapkit.cli;

import static dev.mmapkit.cli.Main.JSON_DECIMALS;

import dev.mmapkit.Advice;
import dev.mmapkit.MappedFile;
import dev.mmapkit.MmapkitException;
import dev.mmapkit.internal.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mmapkit bench [FILE]}: measures mmap against {@code read}/{@code pread} on the user's file
 * and access pattern, and recommends the fastest. Without a file it creates a temporary one of
 * {@code --size} bytes and deletes it afterwards.
 */
@Command(
    name = "bench",
    description =
        "Measure mmap against read/pread on FILE (or a temporary file of --size bytes) and"
            + " recommend the fastest for the access pattern.")
final class BenchCommand implements Callable<Integer> {
  private static final int READ_BUFFER = 1 << 20;
  private static final long MAX_IO_SIZE = 64L << 20;
  private static final long HUGE_PAGE_PROBE = 64L << 20;

  @Parameters(
      arity = "0..1",
      paramLabel = "FILE",
      description = "The file to measure (read only). Default: a temporary file of --size bytes.")
  Path file;

  @Option(
      names = "--pattern",
      defaultValue = "seq",
      paramLabel = "seq|random",
      description = "seq (one pass, GB/s) or random (reads at random offsets, ns/read).")
  BenchPattern pattern;

  @Option(
      names = "--io-size",
      defaultValue = "4096",
      converter = SizeConverter.class,
      paramLabel = "N",
      description = "Bytes per read for random, and for the seq pread strategy. Default: 4096.")
  long ioSize;

  @Option(
      names = "--reads",
      defaultValue = "100000",
      paramLabel = "N",
      description = "Reads per run for random. Default: 100000.")
  int reads;

  @Option(
      names = "--repeat",
      defaultValue = "3",
      paramLabel = "N",
      description = "Runs per strategy; the median is reported. Default: 3.")
  int repetitions;

  @Option(
      names = "--cold",
      description = "Evict the file from the page cache before every run (needs native access).")
  boolean cold;

  @Option(
      names = "--size",
      converter = SizeConverter.class,
      paramLabel = "N",
      description = "Size of the temporary file when no FILE is given, e.g. 64m. Default: 1g.")
  Long size;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    validate();
    PrintWriter err = spec.commandLine().getErr();
    BenchFile target;
    if (file == null) {
      long bytes = size == null ? 1L << 30 : size;
      try (Progress progress = Progress.start(err, "bench: creating test file", bytes)) {
        target = BenchFile.temporary(bytes, progress);
      }
    } else {
      target = BenchFile.existing(InputFile.check(file));
    }
    try (target) {
      BenchReport report = measure(target, err);
      PrintWriter out = spec.commandLine().getOut();
      if (json) out.println(Json.write(report.toJson(), JSON_DECIMALS));
      else report.print(out);
      out.flush();
    }
    return 0;
  }

  private void validate() {
    if (ioSize < 1 || ioSize > MAX_IO_SIZE) usage("--io-size must be between 1 and 64m");
    if (reads < 1) usage("--reads must be at least 1");
    if (repetitions < 1) usage("--repeat must be at least 1");
    if (size != null && file != null) usage("--size is for the temporary file; not with FILE");
    if (size != null && size < 1) usage("--size must be at least 1 byte");
  }

  private void usage(String message) {
    throw new ParameterException(spec.commandLine(), message);
  }

  private BenchReport measure(BenchFile target, PrintWriter err) throws IOException {
    Path path = target.path();
    long fileSize = Files.size(path);
    if (fileSize == 0) throw new MmapkitException(path, "file is empty: there is nothing to read");
    if (pattern == BenchPattern.RANDOM && ioSize > fileSize) {
      throw new MmapkitException(
          path, "--io-size " + ioSize + " is larger than the file (" + fileSize + " bytes)");
    }
    List<BenchStrategy> strategies = strategies(path, fileSize);
    Benchmark benchmark = new Benchmark(path, repetitions, cold);
    List<Measurement> results;
    try (Progress progress =
        Progress.start(err, "bench: " + pattern.label(), (long) strategies.size() * repetitions)) {
      results = benchmark.run(strategies, progress);
    }
    return new BenchReport(
        path.toString(),
        target.temporary(),
        fileSize,
        pattern,
        ioSize,
        pattern == BenchPattern.RANDOM ? reads : 0,
        repetitions,
        cold,
        Environment.kernel(),
        Environment.filesystem(path),
        probeHugePages(path),
        results,
        Recommendation.from(results));
  }

  private List<BenchStrategy> strategies(Path path, long fileSize) {
    int io = (int) ioSize;
    List<BenchStrategy> list = new ArrayList<>();
    if (pattern == BenchPattern.SEQ) {
      list.add(new MappedScan(path, null));
      list.add(new MappedScan(path, Advice.SEQUENTIAL));
      list.add(new ChannelScan(path, READ_BUFFER, false, "read"));
      list.add(new ChannelScan(path, io, true, "pread"));
    } else {
      long[] offsets = randomOffsets(fileSize);
      list.add(new MappedRandomReads(path, null, offsets, io));
      list.add(new MappedRandomReads(path, Advice.RANDOM, offsets, io));
      list.add(new ChannelRandomReads(path, offsets, io));
    }
    return list;
  }

  /** Offsets aligned to the read size, the same for every strategy, from a fixed seed. */
  private long[] randomOffsets(long fileSize) {
    long slots = fileSize / ioSize;
    SplittableRandom random = new SplittableRandom(0x6d6d61706b6974L);
    long[] offsets = new long[reads];
    for (int i = 0; i < reads; i++) offsets[i] = random.nextLong(slots) * ioSize;
    return offsets;
  }

  /**
   * Maps the file as the benchmark did, reads its first 64 MiB and asks smaps what page size the
   * kernel used; outside the timed runs because reading smaps is slow.
   */
  private static String probeHugePages(Path path) throws IOException {
    try (MappedFile mapped = MappedFile.open(path)) {
      LongSum.of(mapped, 0, Math.min(mapped.size(), HUGE_PAGE_PROBE));
      return Environment.hugePages(mapped.chunk(0));
    }
  }

  /** The advice's name in strategy names: {@code sequential}, {@code random}. */
  static String adviceName(Advice advice) {
    return advice.name().toLowerCase(Locale.ROOT).replace("_", "-");
  }
}
