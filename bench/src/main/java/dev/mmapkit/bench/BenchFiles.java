package dev.mmapkit.bench;

import dev.mmapkit.MappedFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Benchmark input files: created once under {@link #directory()}, filled with pseudo-random bytes,
 * and reused by later runs when they exist with the right size.
 *
 * <p>Random content matters: a file of zeros may be sparse, and sparse pages are served from the
 * zero page without touching the page cache, which flatters every reader.
 */
public final class BenchFiles {
  private static final int WRITE_BLOCK = 1 << 20;

  private BenchFiles() {}

  /** {@code -Dmmapkit.bench.dir}, else {@code ${java.io.tmpdir}/mmapkit-bench}. */
  public static Path directory() {
    String configured = System.getProperty(BenchSettings.DIR_PROPERTY);
    return configured != null
        ? Path.of(configured)
        : Path.of(System.getProperty("java.io.tmpdir"), "mmapkit-bench");
  }

  /**
   * Deletes {@code dir} and everything under it, if it is there: the scratch directories of the
   * log, cache and ipc benchmarks. A file listed and then gone before its turn (a server removing
   * its own) is fine; the listing itself fails if entries vanish while it runs.
   */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  /** The path of a benchmark file named after its size, e.g. {@code data-1073741824.bin}. */
  public static Path pathFor(String prefix, long size) {
    return directory().resolve(prefix + "-" + size + ".bin");
  }

  /**
   * Returns {@code prefix-size.bin} in the benchmark directory, creating it if it is missing or has
   * another size. New files are written to a temporary name, synced and renamed, so an interrupted
   * run never leaves a half-written file that a later run would reuse, and its pages are clean
   * (dirty pages cannot be evicted, which the cold benchmarks rely on).
   */
  public static Path ensure(String prefix, long size) {
    Path path = pathFor(prefix, size);
    try {
      if (Files.isRegularFile(path) && Files.size(path) == size) return path;
      Files.createDirectories(path.getParent());
      Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
      System.err.printf("mmapkit-bench: creating %s (%d MiB)%n", path, size >> 20);
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer block = ByteBuffer.allocateDirect(WRITE_BLOCK).order(ByteOrder.LITTLE_ENDIAN);
        SplittableRandom random = new SplittableRandom(size);
        long written = 0;
        while (written < size) {
          block.clear();
          while (block.remaining() >= Long.BYTES) {
            // Every byte non-zero, so no page can be mistaken for a hole.
            block.putLong(random.nextLong() | 0x0101_0101_0101_0101L);
          }
          block.flip();
          block.limit((int) Math.min(block.limit(), size - written));
          while (block.hasRemaining()) written += ch.write(block);
        }
        ch.force(true);
      }
      Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return path;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create benchmark file " + path, e);
    }
  }

  /** Reads the whole file into the page cache, so the benchmark measures hot reads. */
  public static void makeHot(Path path) throws IOException {
    try (MappedFile file = MappedFile.open(path)) {
      file.warm(0, file.size());
    }
  }

  /** Drops the file from the page cache; fails loudly if native access is missing. */
  public static void makeCold(MappedFile file) throws IOException {
    if (!file.evict(0, file.size())) {
      throw new IllegalStateException(
          "cannot evict " + file.path() + ": run with --enable-native-access=ALL-UNNAMED");
    }
  }
}
