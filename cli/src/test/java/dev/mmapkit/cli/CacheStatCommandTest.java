package dev.mmapkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.cache.CacheConfig;
import dev.mmapkit.cache.SharedCache;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mmapkit cache stat} reads a live cache's numbers, as a table and as JSON. */
class CacheStatCommandTest {
  @TempDir Path dir;

  @Test
  void statShowsWhatTheCacheDid() throws Exception {
    Path path = dir.resolve("c.cache");
    try (SharedCache cache = SharedCache.open(path, CacheConfig.of(1 << 20, 1000))) {
      for (int i = 0; i < 10; i++) {
        cache.put(("k" + i).getBytes(StandardCharsets.US_ASCII), new byte[100]);
      }
      cache.get("k1".getBytes(StandardCharsets.US_ASCII));
      cache.get("absent".getBytes(StandardCharsets.US_ASCII));

      CliRun json = CliRun.of("cache", "stat", path.toString(), "--json");
      assertEquals(0, json.exitCode(), json.err());
      var o = json.json();
      assertEquals(10L, ((Number) o.get("entries")).longValue());
      assertEquals(1L, ((Number) o.get("hits")).longValue());
      assertEquals(1L, ((Number) o.get("misses")).longValue());
      assertEquals(1L, ((Number) o.get("attachedProcesses")).longValue());

      CliRun table = CliRun.of("cache", "stat", path.toString());
      assertEquals(0, table.exitCode(), table.err());
      assertTrue(
          table.out().contains("entries") && table.out().contains("10 of 1000"), table.out());
      assertTrue(table.out().contains("50.00%"), table.out());
    }
  }

  @Test
  void aFileThatIsNotACacheIsAClearError() throws Exception {
    Path path = dir.resolve("not-a-cache");
    Files.write(path, new byte[8192]);
    CliRun run = CliRun.of("cache", "stat", path.toString());
    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("not an mmapkit file"), run.err());
  }
}
