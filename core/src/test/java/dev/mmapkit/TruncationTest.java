package dev.mmapkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.testkit.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Another process truncates a file under a live mapping: the reader gets {@link
 * MappedFileTruncatedException}, never a JVM crash. Runs in child JVMs so a crash fails the test
 * instead of killing the runner.
 */
class TruncationTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "interpreted, read, -Xint, 1",
    "C2-compiled, read, -XX:-TieredCompilation, 3000",
    "C1-compiled, read, -XX:TieredStopAtLevel=1, 3000",
    "interpreted, write, -Xint, 1",
    "C2-compiled, write, -XX:-TieredCompilation, 3000",
  })
  void truncationByAnotherProcessBecomesAnException(
      String mode, String access, String jvmFlag, int warmRounds) throws Exception {
    long size = 1 << 20;
    Path path = TestFiles.withContent(dir.resolve("victim"), size);
    Process child =
        ChildJvm.start(
            TruncationChild.class,
            List.of(jvmFlag, "--enable-native-access=ALL-UNNAMED"),
            path.toString(),
            String.valueOf(warmRounds),
            access);
    var stdout = new BufferedReader(new InputStreamReader(child.getInputStream()));
    String ready = stdout.readLine();
    assertTrue(
        ready != null && ready.startsWith("READY"), () -> "child did not get ready: " + ready);
    try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
      raf.setLength(8192);
    }
    child.getOutputStream().write('\n');
    child.getOutputStream().flush();
    ChildJvm.Result result = ChildJvm.finish(child, 60);
    String out = ready + "\n" + stdout.lines().reduce("", (a, b) -> a + b + "\n") + result.stdout();
    assertEquals(0, result.exitCode(), mode + ": " + out + result.stderr());
    assertTrue(out.contains("TRUNCATED offset=8192 size=8192"), out);
    assertTrue(out.contains("file was truncated to 8192 bytes while mapped"), out);
    assertTrue(out.contains("STILL READABLE"), out);
  }
}
