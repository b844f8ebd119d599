package dev.mmapkit.cache;

import dev.mmapkit.testkit.ShrunkFile;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Another process shrinks a cache file under a process using it (which docs/cache.md says not to
 * do): every operation fails or carries on, and the JVM survives, interpreted and compiled.
 */
class ShrunkCacheTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}, shrunk to {1}")
  @CsvSource({"-Xint, 0, 1", "-Xint, 4096, 1", "-XX:-TieredCompilation, 0, 20000"})
  void theJvmSurvivesACacheFileShrunkUnderIt(String jvmFlag, long size, int warmRounds)
      throws Exception {
    Path path = dir.resolve("cache");
    // Fails unless the child lives on and each operation ends as documented (see ShrunkFile).
    ShrunkFile.shrinkUnder(
        ShrunkCacheMain.class, jvmFlag, path, size, dir, path.toString(), "" + warmRounds);
  }
}
