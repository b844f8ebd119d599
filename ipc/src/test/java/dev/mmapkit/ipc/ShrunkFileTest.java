package dev.mmapkit.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.testkit.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
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
    Process child =
        ChildJvm.start(
            ShrunkFileMain.class,
            List.of(
                jvmFlag,
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx128m",
                "-XX:ErrorFile=" + dir.resolve("hs_err_%p.log")),
            kind,
            path.toString(),
            String.valueOf(warmRounds));
    var stdout =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String ready = stdout.readLine();
    assertEquals("READY", ready, () -> "child did not get ready: " + ready);
    try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
      file.setLength(size);
    }
    child.getOutputStream().write('\n');
    child.getOutputStream().flush();
    ChildJvm.Result result = ChildJvm.finish(child, 60);
    String out = stdout.lines().reduce("", (a, b) -> a + b + "\n") + result.stdout();
    assertEquals(0, result.exitCode(), () -> out + result.stderr());
    assertTrue(out.endsWith("ALIVE\n"), out);
    // What the documentation promises: the JDK's error from the mapping, a format error from
    // anything that opens the file again, or nothing.
    for (String line : out.split("\n")) {
      if (line.equals("ALIVE")) continue;
      String outcome = line.substring(line.indexOf(" -> ") + 4);
      assertTrue(
          outcome.equals("ok")
              || outcome.equals(
                  "java.lang.InternalError: a fault occurred in an unsafe memory access operation")
              || outcome.startsWith("dev.mmapkit.FileFormatException: " + path),
          line);
    }
    assertTrue(out.contains("readStats -> dev.mmapkit.FileFormatException: " + path), out);
  }
}
