package dev.mmapkit.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mmapkit.DiskFullException;
import dev.mmapkit.testkit.SmallFileSystem;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk fills up while the next chunk is reserved: the append fails with the directory and the
 * free space named, nothing appended before is lost, and appending resumes once space is freed.
 */
class FullDiskTest {
  @TempDir Path dir;

  @Test
  void aFullDiskFailsTheAppendCleanlyAndAppendingResumesAfterSpaceIsFreed() throws Exception {
    try (SmallFileSystem fs = SmallFileSystem.mount(dir.resolve("small"), "4m")) {
      assumeTrue(fs != null, "needs root to mount a small tmpfs");
      Path ballast = fs.root().resolve("ballast");
      Files.write(ballast, new byte[1 << 20]);
      Path logDir = fs.root().resolve("log");
      LogConfig config = new LogConfig(1L << 20, Durability.SYNC);
      List<Long> appended = new ArrayList<>();
      byte[] record = new byte[100_000];
      try (AppendLog log = AppendLog.open(logDir, config)) {
        DiskFullException full = null;
        for (int i = 0; i < 100 && full == null; i++) {
          MemorySegment.ofArray(record).set(ValueLayout.JAVA_INT_UNALIGNED, 0, i);
          try {
            appended.add(log.append(record));
          } catch (DiskFullException e) {
            full = e;
          }
        }
        assertTrue(full != null, "the disk never filled up");
        assertEquals(logDir, full.file());
        assertTrue(full.getMessage().contains(logDir.toString()), full.getMessage());
        assertTrue(full.getMessage().contains("free"), full.getMessage());
        assertTrue(full.usableBytes() >= 0 && full.usableBytes() < (1 << 20), full.getMessage());
        assertTrue(appended.size() >= 18, "two chunks' worth appended: " + appended.size());
        long end = log.endPosition();
        assertThrows(DiskFullException.class, () -> log.append(record), "still full");
        assertEquals(end, log.endPosition(), "a failed append claims nothing");
        assertEquals(appended, positions(log));

        Files.delete(ballast);
        appended.add(log.append(record));
        assertEquals(appended, positions(log));
      }
      try (AppendLog log = AppendLog.open(logDir, config)) {
        assertTrue(!log.recoveryReport().repaired(), log.recoveryReport().toString());
        assertEquals(appended, positions(log));
      }
    }
  }

  private static List<Long> positions(AppendLog log) throws Exception {
    List<Long> out = new ArrayList<>();
    log.reader().poll((p, s) -> out.add(p));
    return out;
  }
}
