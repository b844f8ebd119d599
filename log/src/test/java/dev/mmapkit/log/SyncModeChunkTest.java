package dev.mmapkit.log;

import static dev.mmapkit.log.AppendLogTest.SMALL;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SYNC} mode: a chunk's header and directory entry are on disk before a record in it is
 * acknowledged, also when this process first mapped the chunk for reading and another process (in
 * {@code NONE} mode) created it.
 */
class SyncModeChunkTest {
  @TempDir Path dir;

  @Test
  void aChunkMappedForReadingFirstIsSyncedBeforeTheFirstAppendToIt() throws Exception {
    try (AppendLog creator = AppendLog.open(dir, new LogConfig(SMALL, Durability.NONE))) {
      creator.append(new byte[8]); // prepares chunks 0 and 1 ahead, without syncing them
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!Files.exists(creator.chunks().path(1)) && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertTrue(Files.exists(creator.chunks().path(1)));
      try (AppendLog synced = AppendLog.open(dir, new LogConfig(SMALL, Durability.SYNC))) {
        // a tailer or a seek maps the chunks first, for reading
        synced.reader().poll((p, s) -> {});
        synced.chunks().forRead(1);
        assertFalse(synced.chunks().headerSynced(0));
        assertFalse(synced.chunks().headerSynced(1));

        synced.append(new byte[8]);
        assertTrue(synced.chunks().headerSynced(0), "synced before the first SYNC append");
        while (synced.endPosition() < SMALL) synced.append(new byte[1000]);
        assertTrue(synced.chunks().headerSynced(1), "synced before the first append to it");
        assertTrue(
            synced.read(
                synced.endPosition() - 1016, (p, s) -> {}) // the last record, 1000 + 16 bytes
            );
      }
      // a NONE-mode handle never syncs
      assertFalse(creator.chunks().headerSynced(1));
    }
  }
}
