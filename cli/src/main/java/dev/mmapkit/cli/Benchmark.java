package dev.mmapkit.cli;

import dev.mmapkit.MappedFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Times strategies over one file: each strategy {@code repetitions} times, the repetitions
 * interleaved (A B C, A B C, ...) so that a slow phase of the machine hits all of them alike, and
 * reports each strategy's median run. The first repetition includes JIT compilation; the median
 * discards it from three repetitions on.
 */
final class Benchmark {
  /** Where results go so that the JIT cannot prove them unused. */
  @SuppressWarnings("unused")
  private static volatile long sink;

  private final Path file;
  private final int repetitions;
  private final boolean cold;

  /**
   * @param cold evict the file from the page cache before every run, so each run reads the device
   */
  Benchmark(Path file, int repetitions, boolean cold) {
    this.file = file;
    this.repetitions = repetitions;
    this.cold = cold;
  }

  /** The median measurement of each strategy, in the order given. */
  List<Measurement> run(List<BenchStrategy> strategies, Progress progress) throws IOException {
    List<List<Measurement>> samples = new ArrayList<>();
    for (int s = 0; s < strategies.size(); s++) samples.add(new ArrayList<>());
    for (int r = 0; r < repetitions; r++) {
      for (int s = 0; s < strategies.size(); s++) {
        samples.get(s).add(once(strategies.get(s)));
        progress.advance(1);
      }
    }
    List<Measurement> medians = new ArrayList<>();
    for (List<Measurement> runs : samples) medians.add(median(runs));
    return medians;
  }

  private Measurement once(BenchStrategy strategy) throws IOException {
    if (cold) evict(file);
    PageFaults before = PageFaults.now().orElse(null);
    long start = System.nanoTime();
    long result = strategy.run();
    long nanos = System.nanoTime() - start;
    PageFaults after = PageFaults.now().orElse(null);
    sink += result;
    PageFaults faults = before == null || after == null ? null : after.minus(before);
    return new Measurement(strategy.name(), nanos, faults);
  }

  /** Drops {@code file} from the page cache; needs native access. */
  static void evict(Path file) throws IOException {
    try (MappedFile mapped = MappedFile.open(file)) {
      if (!mapped.evict(0, mapped.size())) {
        throw NativeAccessRequired.exception(file, "--cold (evicting the file)");
      }
    }
  }

  /** The run with the median time (the lower middle one of an even count), faults included. */
  static Measurement median(List<Measurement> runs) {
    List<Measurement> sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.comparingLong(Measurement::nanos));
    return sorted.get((sorted.size() - 1) / 2);
  }
}
