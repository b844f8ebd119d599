package dev.mmapkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.testkit.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without native access, mapping works, native features say "unsupported", one warning says why.
 */
class NoNativeAccessTest {
  @TempDir Path dir;

  @Test
  void degradesWithOneWarningNamingTheFlag() throws Exception {
    Path path = dir.resolve("f");
    ChildJvm.Result r = ChildJvm.run(NoNativeAccessChild.class, List.of(), 60, path.toString());
    assertEquals(0, r.exitCode(), r.toString());
    String out = r.stdout();
    assertTrue(out.contains("advise=false"), r.toString());
    assertTrue(out.contains("residency=false"), r.toString());
    assertTrue(out.contains("writeBack=false"), r.toString());
    assertTrue(out.contains("evict=false"), r.toString());
    assertTrue(out.contains("value=42,7"), r.toString());
    assertTrue(out.contains("size=1048576"), r.toString());
    // Raw access falls back to the segment's checked accesses.
    assertTrue(out.contains("raw=false,5,5"), r.toString());
    assertEquals(1 << 20, Files.size(path));
    assertEquals(1, count(r.stderr(), "--enable-native-access=ALL-UNNAMED"), r.stderr());
    // we never call a restricted method without access, so the JDK prints no warning of its own
    assertEquals(0, count(r.stderr(), "restricted method"), r.stderr());
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
    return n;
  }
}
