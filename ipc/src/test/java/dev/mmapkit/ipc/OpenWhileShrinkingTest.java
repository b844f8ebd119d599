package dev.mmapkit.ipc;

import dev.mmapkit.testkit.ShrinkingFile;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Another process shrinks a ring or broadcast file while this one opens it or reads its stats:
 * every open succeeds or ends in a clear error that says the file is truncated or changed, never in
 * the JDK's {@code InternalError}, an index out of bounds, or a mapping failure blamed on {@code
 * vm.max_map_count}, and the mapping is released ({@link ShrinkingFile}).
 */
class OpenWhileShrinkingTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0} shrunk to {1}, {2}")
  @CsvSource({
    "ring, 0, -XX:+TieredCompilation",
    "ring, 4096, -XX:+TieredCompilation",
    "ring, 0, -Xint",
    "broadcast, 0, -XX:+TieredCompilation",
    "broadcast, 4096, -XX:+TieredCompilation",
  })
  void anOpenThatAShrinkOvertakesSaysSo(String kind, long size, String jvmFlag) throws Exception {
    Path path = dir.resolve(kind);
    ShrinkingFile.raceOpens(
        OpenWhileShrinkingMain.class, jvmFlag, dir, kind, path.toString(), "" + size);
  }
}
