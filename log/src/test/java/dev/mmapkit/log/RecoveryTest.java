package dev.mmapkit.log;

import static dev.mmapkit.log.AppendLogTest.SMALL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.FileFormatException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryTest {
  static final LogConfig CONFIG = new LogConfig(SMALL, Durability.NONE);

  @TempDir Path dir;

  static List<Long> positions(AppendLog log) throws Exception {
    List<Long> out = new ArrayList<>();
    log.reader().poll((p, s) -> out.add(p));
    return out;
  }

  Path chunk(int index) {
    return dir.resolve(LogChunkDescriptor.fileName(index));
  }

  @Test
  void aClaimNeverCommittedAtTheEndIsCut() throws Exception {
    long a, b, pending;
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      a = log.append(new byte[10]);
      b = log.append(new byte[20]);
      LogClaim claim = log.claim(500);
      claim.payload().fill((byte) 7);
      pending = claim.position();
      // closed without commit: what a process killed mid-append leaves behind
    }
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      RecoveryReport r = log.recoveryReport();
      assertTrue(r.ran());
      assertEquals(2, r.records());
      assertEquals(pending, r.end());
      assertEquals(pending + 520, r.claimedTail());
      assertTrue(r.cutReason().contains("never committed"), r.cutReason());
      assertTrue(r.cutBytes() > 0, r.toString());
      assertEquals(List.of(a, b), positions(log));
      assertEquals(pending, log.append(new byte[3]), "the next append reuses the cut space");
    }
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      assertFalse(log.recoveryReport().repaired(), log.recoveryReport().toString());
      assertEquals(List.of(a, b, pending), positions(log));
    }
  }

  @Test
  void aHoleFollowedByCommittedRecordsIsSkippedNotCut() throws Exception {
    long a, hole, c, zeroHole, e;
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      a = log.append(new byte[10]);
      hole = log.claim(100).position(); // pending: its appender "died"
      c = log.append(new byte[30]);
      zeroHole = log.claim(24).position();
      e = log.append(new byte[40]);
    }
    // the second appender died before even writing its state word
    Tamper.putInt(chunk(0), zeroHole, 0);
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      RecoveryReport r = log.recoveryReport();
      assertEquals(3, r.records(), r.toString());
      assertEquals(2, r.skipped().size(), r.toString());
      assertEquals(
          new RecoveryReport.Skipped(hole, 120, r.skipped().get(0).reason()), r.skipped().get(0));
      assertEquals(zeroHole, r.skipped().get(1).position());
      assertEquals(40, r.skipped().get(1).length());
      assertEquals("", r.cutReason());
      assertEquals(List.of(a, c, e), positions(log));
    }
  }

  @Test
  void aHoleAtTheEndOfAChunkBeforeRecordsInTheNextIsSkipped() throws Exception {
    long a, b;
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      a = log.append(new byte[40_000]);
      log.claim(10_000); // never committed
      b = log.append(new byte[40_000]); // goes to chunk 1, padding written after the claim
    }
    // the padding's writer died too: nothing marks the end of chunk 0
    Tamper.putInt(chunk(0), 4096 + 40_016 + 10_016, 0);
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      assertEquals(List.of(a, b), positions(log));
      assertEquals(1, log.recoveryReport().skipped().size(), log.recoveryReport().toString());
    }
  }

  @Test
  void aTornLastRecordIsCutAndItsBytesZeroed() throws Exception {
    long a, b;
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      a = log.append(new byte[100]);
      b = log.append(new byte[100]);
    }
    Tamper.flipByte(chunk(0), b + 50); // payload did not fully reach the disk
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      RecoveryReport r = log.recoveryReport();
      assertEquals(b, r.end());
      assertTrue(r.cutReason().contains("checksum"), r.cutReason());
      assertEquals(List.of(a), positions(log));
      assertFalse(log.read(b, (p, s) -> {}));
    }
    byte[] bytes = Files.readAllBytes(chunk(0));
    for (int i = (int) b; i < b + 108; i++) assertEquals(0, bytes[i], "byte " + i + " zeroed");
  }

  @Test
  void corruptionWhileOpenIsAnErrorForReaders() throws Exception {
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      long a = log.append(new byte[64]);
      log.chunks().mapped(0).set(ValueLayout.JAVA_BYTE, a + 20, (byte) 1);
      var e = assertThrows(FileFormatException.class, () -> log.read(a, (p, s) -> {}));
      assertTrue(e.getMessage().contains("0000000000.chunk"), e.getMessage());
      assertTrue(e.getMessage().contains("checksum"), e.getMessage());
      assertThrows(FileFormatException.class, () -> log.reader().poll((p, s) -> {}));
    }
  }

  @Test
  void aCorruptedChunkHeaderIsRefused() throws Exception {
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      log.append(new byte[1]);
    }
    Tamper.flipByte(chunk(0), 20);
    var e = assertThrows(FileFormatException.class, () -> AppendLog.open(dir, CONFIG));
    assertTrue(e.getMessage().contains(chunk(0).toString()), e.getMessage());
    assertTrue(e.getMessage().contains("checksum"), e.getMessage());
  }

  @Test
  void aChunkFromAnotherLogIsRefused() throws Exception {
    Path other = dir.resolve("other");
    try (AppendLog log = AppendLog.open(other, CONFIG)) {
      log.append(new byte[1]);
    }
    Path mine = dir.resolve("mine");
    try (AppendLog log = AppendLog.open(mine, CONFIG)) {
      log.append(new byte[1]);
    }
    Path target = mine.resolve(LogChunkDescriptor.fileName(0));
    Files.copy(
        other.resolve(LogChunkDescriptor.fileName(0)), target, StandardCopyOption.REPLACE_EXISTING);
    var e = assertThrows(FileFormatException.class, () -> AppendLog.open(mine, CONFIG));
    assertTrue(e.getMessage().contains("belongs to another log"), e.getMessage());
    assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
  }

  @Test
  void aMissingChunkInTheMiddleIsRefused() throws Exception {
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      for (int i = 0; i < 4; i++) log.append(new byte[40_000]);
    }
    assertTrue(Files.exists(chunk(2)));
    Files.delete(chunk(1));
    var e = assertThrows(FileFormatException.class, () -> AppendLog.open(dir, CONFIG));
    assertTrue(e.getMessage().contains(chunk(1).toString()), e.getMessage());
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void aFirstChunkThatDoesNotKnowItsSequenceNumbersIsRefused() throws Exception {
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      for (int i = 0; i < 4; i++) log.append(new byte[40_000]);
    }
    // chunk 0 deleted by hand, and chunk 1 never got its base stored (the sealing thread had not
    // run)
    Files.delete(chunk(0));
    Tamper.zero(chunk(1), LogChunkDescriptor.BASE_SEQUENCE_OFFSET, 8);
    var e = assertThrows(FileFormatException.class, () -> AppendLog.open(dir, CONFIG));
    assertTrue(e.getMessage().contains(chunk(1).toString()), e.getMessage());
    assertTrue(e.getMessage().contains("deleted other than by retention"), e.getMessage());
  }

  @Test
  void openOnARegularFileIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-log"), "text");
    var e = assertThrows(dev.mmapkit.MmapkitException.class, () -> AppendLog.open(file, CONFIG));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("is not a directory"), e.getMessage());
    assertEquals("text", Files.readString(file), "left alone");
    // a path through a regular file
    var through =
        assertThrows(java.io.IOException.class, () -> AppendLog.open(file.resolve("log"), CONFIG));
    assertTrue(through.getMessage().contains(file.toString()), through.getMessage());
  }

  @Test
  void aTruncatedChunkIsRefused() throws Exception {
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      log.append(new byte[1000]);
    }
    Tamper.truncate(chunk(0), 10_000);
    var e = assertThrows(FileFormatException.class, () -> AppendLog.open(dir, CONFIG));
    assertTrue(e.getMessage().contains("10000 bytes"), e.getMessage());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void aMissingMetaFileIsRefusedWhenChunksExist() throws Exception {
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      log.append(new byte[1]);
    }
    Files.delete(dir.resolve(LogMetaDescriptor.FILE_NAME));
    var e = assertThrows(FileFormatException.class, () -> AppendLog.open(dir, CONFIG));
    assertTrue(e.getMessage().contains("log.meta"), e.getMessage());
  }

  @Test
  void aHalfCreatedChunkLeftByACrashIsRemoved() throws Exception {
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      log.append(new byte[1]);
    }
    Path leftover = dir.resolve(LogChunkDescriptor.fileName(5) + ".tmp-123-456");
    Files.write(leftover, new byte[100]);
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      assertFalse(Files.exists(leftover));
      assertEquals(1, log.recoveryReport().records());
    }
  }

  @Test
  void trailingChunksThatWereOnlyReservedAreDroppedAfterAPowerLoss() throws Exception {
    long a;
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      a = log.append(new byte[100]);
    }
    // prepared ahead, linked in, but neither header nor data reached the disk
    for (int i = 1; i <= 2; i++) Files.write(chunk(i), new byte[(int) SMALL]);
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      RecoveryReport r = log.recoveryReport();
      assertEquals(List.of(2L, 1L), r.droppedChunks(), r.toString());
      assertTrue(r.repaired());
      assertFalse(Files.exists(chunk(2)));
      assertEquals(List.of(a), positions(log));
      for (int i = 0; i < 3; i++) log.append(new byte[40_000]); // chunks 1, 2 made again
      assertEquals(4, positions(log).size());
    }
  }

  @Test
  void aZeroHeaderInTheMiddleIsStillAnError() throws Exception {
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      for (int i = 0; i < 3; i++) log.append(new byte[40_000]);
    }
    Files.write(chunk(1), new byte[(int) SMALL]);
    var e = assertThrows(FileFormatException.class, () -> AppendLog.open(dir, CONFIG));
    assertTrue(e.getMessage().contains(chunk(1).toString()), e.getMessage());
    assertTrue(e.getMessage().contains("not an mmapkit file"), e.getMessage());
  }

  @Test
  void aVersionOneChunkGetsAClearVersionError() throws Exception {
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      log.append(new byte[1]);
    }
    // rewrite the header as an older mmapkit would have (version 1), with a valid checksum
    try (var file =
        dev.mmapkit.MappedFile.open(
            chunk(0), dev.mmapkit.MappingOptions.readWrite().withChunkSize(SMALL))) {
      dev.mmapkit.internal.FileHeader h =
          dev.mmapkit.internal.FileHeader.readFrom(
              file.chunk(0), chunk(0), LogChunkDescriptor.KIND, LogChunkDescriptor.VERSION);
      new dev.mmapkit.internal.FileHeader(
              h.kind(), 1, h.createdMillis(), h.creatorPid(), h.parameters())
          .writeTo(file.chunk(0));
    }
    var e = assertThrows(FileFormatException.class, () -> AppendLog.open(dir, CONFIG));
    assertTrue(e.getMessage().contains("format version 1"), e.getMessage());
    assertTrue(e.getMessage().contains("reads version 2"), e.getMessage());
  }

  @Test
  void paddingThatDoesNotEndTheChunkIsAnErrorForReaders() throws Exception {
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      long a = log.append(new byte[64]);
      long b = log.append(new byte[64]);
      log.chunks()
          .mapped(0)
          .set(LogMeta.INT, b, LogChunkDescriptor.state(LogChunkDescriptor.TYPE_PADDING, 80));
      List<Long> seen = new ArrayList<>();
      var e =
          assertThrows(FileFormatException.class, () -> log.reader().poll((p, s) -> seen.add(p)));
      assertTrue(e.getMessage().contains("does not end the chunk"), e.getMessage());
      assertEquals(List.of(a), seen);
    }
  }
}
