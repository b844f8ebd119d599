package dev.mmapkit.log;

import dev.mmapkit.testkit.ShrunkFile;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Another process shrinks a log's meta file or its chunk under the appending process: every
 * operation fails or carries on, and the JVM survives, interpreted and compiled.
 */
class ShrunkLogTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{1} shrunk to {2}, {0}")
  @CsvSource({
    "-Xint, log.meta, 0, 1",
    "-Xint, 0000000000.chunk, 0, 1",
    "-Xint, 0000000000.chunk, 4096, 1",
    "-XX:-TieredCompilation, log.meta, 0, 20000",
    "-XX:-TieredCompilation, 0000000000.chunk, 0, 20000",
  })
  void theJvmSurvivesALogFileShrunkUnderIt(String jvmFlag, String file, long size, int warmRounds)
      throws Exception {
    Path log = dir.resolve("log");
    // Fails unless the child lives on and each operation ends as documented (see ShrunkFile).
    ShrunkFile.shrinkUnder(
        ShrunkLogMain.class,
        jvmFlag,
        log.resolve(file),
        size,
        dir,
        log.toString(),
        "" + warmRounds);
  }
}
