package dev.mmapkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mmapkit.testkit.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exhausting {@code vm.max_map_count} gives a message naming the sysctl and the counts. */
class MapCountTest {
  @TempDir Path dir;

  /** The limit as the kernel reports it to a plain {@code cat}, independent of how we read it. */
  private static long kernelMaxMapCount() throws Exception {
    Process cat = new ProcessBuilder("cat", "/proc/sys/vm/max_map_count").start();
    String out = new String(cat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertEquals(0, cat.waitFor(), "cat /proc/sys/vm/max_map_count");
    return Long.parseLong(out.trim());
  }

  @Test
  void theLimitIsReadWhole() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/sys/vm/max_map_count")), "no /proc/sys here");
    assertEquals(kernelMaxMapCount(), MapLimits.maxMapCount());
  }

  @Test
  void aFileInHundredsOfChunksBelowTheLimitMaps() throws Exception {
    // More than MapLimits.CHECK_FROM new maps, so the limit is checked; far below any real limit.
    int chunks = MapLimits.CHECK_FROM + 44;
    Path path = TestFiles.sparse(dir.resolve("hundreds"), chunks * 4096L);
    try (MappedFile file = MappedFile.open(path, MappingOptions.readOnly().withChunkSize(4096))) {
      assertEquals(chunks, file.chunkCount());
    }
  }

  @Test
  void exhaustedMapCountIsExplained() throws Exception {
    long max = kernelMaxMapCount();
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
