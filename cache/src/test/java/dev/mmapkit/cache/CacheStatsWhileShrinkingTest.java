package dev.mmapkit.cache;

import dev.mmapkit.testkit.ShrinkingFile;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Another process shrinks a cache file while this one reads its stats: each read succeeds or ends
 * in a clear error, never the JDK's {@code InternalError} or an index out of bounds ({@link
 * ShrinkingFile}).
 */
class CacheStatsWhileShrinkingTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "shrunk to {0}, {1}")
  @CsvSource({"0, -XX:+TieredCompilation", "4096, -XX:+TieredCompilation", "0, -Xint"})
  void aStatsReadThatAShrinkOvertakesSaysSo(long size, String jvmFlag) throws Exception {
    Path path = dir.resolve("cache");
    ShrinkingFile.raceOpens(
        CacheStatsWhileShrinkingMain.class, jvmFlag, dir, path.toString(), "" + size);
  }
}
