package dev.mmapkit.log;

import static dev.mmapkit.log.AppendLogTest.SMALL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.MmapkitException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {
  static final LogConfig CONFIG = new LogConfig(SMALL, Durability.NONE);

  @TempDir Path dir;

  /** Appends 40 KB records: one per 64 KiB chunk. */
  static List<Long> fill(AppendLog log, int records) throws Exception {
    List<Long> positions = new ArrayList<>();
    for (int i = 0; i < records; i++) positions.add(log.append(new byte[40_000]));
    return positions;
  }

  static List<Long> positions(LogReader reader) throws Exception {
    List<Long> out = new ArrayList<>();
    reader.poll((p, s) -> out.add(p));
    return out;
  }

  Path chunk(long index) {
    return dir.resolve(LogChunkDescriptor.fileName(index));
  }

  @Test
  void deletedChunksAreUnmappedAndGoneAndReadersThereGetAClearError() throws Exception {
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      List<Long> all = fill(log, 6);
      LogReader behind = log.tailer(all.get(1));
      assertEquals(all.subList(1, 6), positions(log.tailer(all.get(1))));
      assertTrue(mappedHere(chunk(0)));

      assertEquals(3, log.deleteBefore(all.get(3)));
      for (int i = 0; i < 3; i++) assertFalse(Files.exists(chunk(i)), "chunk " + i);
      assertTrue(Files.exists(chunk(3)));
      assertFalse(mappedHere(chunk(0)), "unmapped before deletion, so the disk is freed");
      assertEquals(3 * SMALL + LogChunkDescriptor.FIRST_RECORD_OFFSET, log.firstPosition());
      assertEquals(all.subList(3, 6), positions(log.reader()));
      LogStats stats = LogStats.read(dir);
      assertEquals(log.firstPosition(), stats.firstPosition());
      assertEquals(log.endPosition(), stats.endPosition());

      var e = assertThrows(MmapkitException.class, () -> behind.poll((p, s) -> {}));
      assertTrue(e.getMessage().contains("deleted by retention"), e.getMessage());
      assertTrue(e.getMessage().contains("" + log.firstPosition()), e.getMessage());
      assertThrows(MmapkitException.class, () -> log.read(all.get(0), (p, s) -> {}));
      assertThrows(IllegalArgumentException.class, () -> log.tailer(all.get(0)));
    }
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      assertEquals(3, log.recoveryReport().records());
      assertFalse(log.recoveryReport().repaired(), log.recoveryReport().toString());
      assertEquals(3 * SMALL + LogChunkDescriptor.FIRST_RECORD_OFFSET, log.firstPosition());
    }
  }

  @Test
  void chunksSealedBeforeTheCutoffAreDeletedAndNewerOnesKept() throws Exception {
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      List<Long> all = fill(log, 3); // chunks 0 and 1 are sealed, 2 is current
      Thread.sleep(20);
      Instant cutoff = Instant.now();
      Thread.sleep(20);
      all.addAll(fill(log, 3)); // seals 2, 3 and 4 after the cutoff
      assertEquals(0, log.deleteOlderThan(Instant.EPOCH));
      assertEquals(2, log.deleteOlderThan(cutoff));
      assertFalse(Files.exists(chunk(1)));
      assertTrue(Files.exists(chunk(2)), "sealed after the cutoff");
      assertEquals(all.subList(2, 6), positions(log.reader()));
      // everything sealed is older than a cutoff in the future, except the newest sealed chunk
      assertEquals(2, log.deleteOlderThan(Instant.now().plusSeconds(60)));
      assertEquals(all.subList(4, 6), positions(log.reader()));
    }
  }

  @Test
  void positionsAtOrBeforeTheStartDeleteNothing() throws Exception {
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      List<Long> all = fill(log, 3);
      assertEquals(0, log.deleteBefore(-1));
      assertEquals(0, log.deleteBefore(Long.MIN_VALUE));
      assertEquals(0, log.deleteBefore(0));
      assertEquals(all, positions(log.reader()));
      log.append(new byte[10]); // still appendable
    }
  }

  @Test
  void theChunkTheNextAppendGoesToIsNeverDeleted() throws Exception {
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      List<Long> all = fill(log, 3);
      log.deleteBefore(Long.MAX_VALUE);
      assertEquals(List.of(all.get(2)), positions(log.reader()));
      long next = log.append(new byte[10]);
      assertEquals(List.of(all.get(2), next), positions(log.reader()));
    }
  }

  @Test
  void retainLastKeepsAtMostThatMuchPlusOneChunk() throws Exception {
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      List<Long> all = fill(log, 8);
      log.retainLast(2 * SMALL);
      List<Long> kept = positions(log.reader());
      assertTrue(kept.size() >= 2 && kept.size() <= 3, "kept " + kept);
      assertEquals(all.subList(all.size() - kept.size(), all.size()), kept);
    }
  }

  @Test
  void aDeletionCutShortByACrashIsFinishedByRecovery() throws Exception {
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      fill(log, 4);
      log.index().base(2); // as deleteBefore: the first kept chunk learns its numbering first,
      log.meta().raiseFirstChunk(2); // then the first chunk is raised, then the process died
    }
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      assertFalse(Files.exists(chunk(0)));
      assertFalse(Files.exists(chunk(1)));
      assertEquals(2, log.recoveryReport().records());
    }
  }

  @Test
  void anotherProcessesDeletionIsSeenWhenThisOneMovesToANewChunk() throws Exception {
    try (AppendLog a = AppendLog.open(dir, CONFIG);
        AppendLog b = AppendLog.open(dir, CONFIG)) {
      List<Long> all = fill(a, 3);
      assertEquals(all, positions(b.reader())); // b maps chunks 0..2
      assertTrue(b.chunks().mapped(0) != null);
      a.deleteBefore(all.get(2));
      fill(b, 2); // b moves to new chunks and lets go of the deleted ones
      assertEquals(null, b.chunks().mapped(0));
      assertEquals(null, b.chunks().mapped(1));
    }
  }

  @Test
  void theChunkTableStaysSmallAfterRetention() throws Exception {
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      for (int round = 0; round < 10; round++) {
        fill(log, 5);
        log.deleteBefore(log.endPosition());
        positions(log.reader());
      }
      assertTrue(log.endPosition() >>> 16 >= 45, "about 50 chunks written");
      assertTrue(log.chunks().tableLength() <= 4, "table of " + log.chunks().tableLength());
    }
  }

  private static boolean mappedHere(Path file) throws Exception {
    return Files.readAllLines(Path.of("/proc/self/maps")).stream()
        .anyMatch(l -> l.contains(file.toString()));
  }
}
