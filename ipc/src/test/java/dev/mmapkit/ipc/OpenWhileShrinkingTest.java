package dev.mmapkit.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mmapkit.testkit.ChildJvm;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Another process shrinks a ring or broadcast file while this one opens it or reads its stats:
 * every open ends in a clear error that says the file is truncated or changed (or succeeds), never
 * in the JDK's {@code InternalError}, an index out of bounds, or a mapping failure blamed on {@code
 * vm.max_map_count}. The shrinks are timed by chance, so the child runs until some landed inside an
 * open, which the test requires.
 */
class OpenWhileShrinkingTest {
  @TempDir Path dir;

  /** The errors of an open that another process's shrink overtook, the window this tests. */
  private static final List<String> OVERTAKEN = List.of("while being opened", "while being mapped");

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
    ChildJvm.Result result =
        ChildJvm.run(
            OpenWhileShrinkingMain.class,
            List.of(
                jvmFlag,
                "--enable-native-access=ALL-UNNAMED",
                "-XX:ErrorFile=" + dir.resolve("hs_err_%p.log")),
            120,
            kind,
            path.toString(),
            "" + size,
            "2000");
    assertEquals(0, result.exitCode(), result.toString());
    List<String> lines = result.stdout().lines().toList();
    assertEquals("DONE", lines.getLast(), result.toString());
    int overtaken = 0;
    for (String line : lines.subList(0, lines.size() - 1)) {
      String outcome = line.substring(line.indexOf('\t') + 1);
      boolean clear =
          outcome.equals("ok")
              || outcome.startsWith("dev.mmapkit.FileFormatException: ")
              || outcome.startsWith("dev.mmapkit.MmapkitException: ");
      if (!clear) fail("an open ended in " + line + "\n" + result);
      if (OVERTAKEN.stream().anyMatch(outcome::contains)) {
        overtaken += Integer.parseInt(line.substring(0, line.indexOf('\t')));
      }
    }
    assertTrue(overtaken > 0, "no shrink landed inside an open:\n" + result);
  }
}
