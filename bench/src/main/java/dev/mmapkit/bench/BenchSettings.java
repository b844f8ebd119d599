package dev.mmapkit.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * What every benchmark run shares: the directory holding the benchmark files and the JVM arguments
 * the forked benchmark JVMs need to find it and to make native calls.
 *
 * @param dir where benchmark files are created and reused
 */
public record BenchSettings(Path dir) {

  /** The system property that overrides {@link #dir}. */
  public static final String DIR_PROPERTY = "mmapkit.bench.dir";

  /** {@code -Dmmapkit.bench.dir}, else {@code ${java.io.tmpdir}/mmapkit-bench}. */
  public static BenchSettings fromSystemProperties() {
    return new BenchSettings(BenchFiles.directory());
  }

  /**
   * Arguments for forked JVMs. The bench jar is on the class path, so native access has to be
   * granted to the unnamed module; without it advice and residency silently do nothing and the cold
   * and streaming numbers would be meaningless.
   */
  public List<String> forkJvmArgs() {
    return List.of(
        "--enable-native-access=ALL-UNNAMED",
        // JMH 1.37 still calls sun.misc.Unsafe; JDK 25 warns on every fork otherwise.
        "--sun-misc-unsafe-memory-access=allow",
        "-D" + DIR_PROPERTY + "=" + dir.toAbsolutePath());
  }
}
