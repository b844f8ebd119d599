package dev.mmapkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mmapkit.testkit.ChildJvm;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exhausting {@code vm.max_map_count} gives a message naming the sysctl and the counts. */
class MapCountTest {
  @TempDir Path dir;

  @Test
  void exhaustedMapCountIsExplained() throws Exception {
    long max = MapLimits.maxMapCount();
    assumeTrue(max > 0 && max <= 1_000_000, "vm.max_map_count " + max + " is too large to exhaust");
    // Chunks are mapped at descending addresses with ascending offsets, so the kernel cannot
    // merge neighbours: each 4 KiB chunk is its own mapping.
    Path path = TestFiles.sparse(dir.resolve("many"), (max + 1000) * 4096);
    ChildJvm.Result r =
        ChildJvm.run(
            MapCountChild.class,
            List.of("--enable-native-access=ALL-UNNAMED"),
            120,
            path.toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.stdout().contains("FAILED"), r.toString());
    assertTrue(r.stdout().contains("vm.max_map_count is " + max + " and "), r.toString());
    assertTrue(r.stdout().contains("sysctl -w vm.max_map_count"), r.toString());
    assertTrue(r.stdout().contains("REOPENED"), r.toString());
  }
}
