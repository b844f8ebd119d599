package dev.mmapkit.log;

import dev.mmapkit.testkit.ShrinkingFile;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Another process shrinks a log's {@code log.meta} while this one reads the log's stats: each read
 * succeeds or ends in a clear error, never the JDK's {@code InternalError} ({@link ShrinkingFile}).
 */
class LogStatsWhileShrinkingTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "shrunk to {0}, {1}")
  @CsvSource({"0, -XX:+TieredCompilation", "100, -XX:+TieredCompilation", "0, -Xint"})
  void aStatsReadThatAShrinkOvertakesSaysSo(long size, String jvmFlag) throws Exception {
    Path log = dir.resolve("log");
    ShrinkingFile.raceOpens(
        LogStatsWhileShrinkingMain.class, jvmFlag, dir, log.toString(), "" + size);
  }
}
