package dev.mmapkit.ipc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.testkit.ShrunkFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Another process shrinks a ring or broadcast file under live users: every operation fails or
 * carries on, and the JVM survives (a fault in a compare-and-set run by the interpreter would kill
 * it). Runs in child JVMs, interpreted and compiled, so that a crash fails the test.
 */
class ShrunkFileTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}, {1}, shrunk to {2}")
  @CsvSource({
    "o2o, -Xint, 0, 1",
    "m2o, -Xint, 0, 1",
    "lossy, -Xint, 0, 1",
    "reliable, -Xint, 0, 1",
    "m2o, -Xint, 4096, 1",
    "reliable, -Xint, 4096, 1",
    "o2o, -XX:-TieredCompilation, 0, 20000",
    "m2o, -XX:-TieredCompilation, 0, 20000",
    "lossy, -XX:-TieredCompilation, 0, 20000",
    "reliable, -XX:-TieredCompilation, 0, 20000",
  })
  void theJvmSurvivesAFileShrunkUnderIt(String kind, String jvmFlag, long size, int warmRounds)
      throws Exception {
    Path path = dir.resolve(kind);
    List<String> outcomes =
        ShrunkFile.shrinkUnder(
            ShrunkFileMain.class, jvmFlag, path, size, dir, kind, path.toString(), "" + warmRounds);
    assertTrue(
        outcomes.stream()
            .anyMatch(l -> l.startsWith("readStats -> dev.mmapkit.FileFormatException")),
        outcomes.toString());
  }
}
