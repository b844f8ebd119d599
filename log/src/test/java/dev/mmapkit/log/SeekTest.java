package dev.mmapkit.log;

import static dev.mmapkit.log.AppendLogTest.SMALL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.MmapkitException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Seeking by sequence number and by timestamp through the chunk index. */
class SeekTest {
  static final LogConfig CONFIG = new LogConfig(SMALL, Durability.NONE);

  @TempDir Path dir;

  /** What a reader saw: position, sequence number and timestamp of each record, in order. */
  record Seen(long position, long sequence, long timestamp) {}

  static List<Seen> readAll(LogReader reader) throws Exception {
    List<Seen> out = new ArrayList<>();
    reader.poll((p, s) -> out.add(new Seen(p, reader.sequence(), reader.timestampNanos())));
    return out;
  }

  static byte[] payload(long seq, Random random, int max) {
    byte[] p = new byte[8 + random.nextInt(max)];
    MemorySegment.ofArray(p).set(ValueLayout.JAVA_LONG_UNALIGNED, 0, seq);
    return p;
  }

  /** Every record's sequence number and its position agree both ways, for a sample. */
  static void assertSeeksAgree(AppendLog log, List<Seen> seen, int samples) throws Exception {
    Random random = new Random(samples);
    for (int i = 0; i < samples; i++) {
      Seen s = seen.get(i < 2 ? (i == 0 ? 0 : seen.size() - 1) : random.nextInt(seen.size()));
      assertEquals(
          OptionalLong.of(s.position()), log.positionOfSequence(s.sequence()), s.toString());
      LogReader tailer = log.tailer(s.position());
      List<Seen> first = new ArrayList<>();
      tailer.poll((p, x) -> first.add(new Seen(p, tailer.sequence(), tailer.timestampNanos())), 1);
      assertEquals(s, first.get(0));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {60, 3000})
  void sequenceNumbersAreGapFreeAndSeekableAcrossManyChunks(int maxPayload) throws Exception {
    Random random = new Random(maxPayload);
    List<Long> positions = new ArrayList<>();
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      for (long i = 0; i < 20_000; i++) {
        if (i % 97 == 5) log.claim(random.nextInt(200)).abort(); // aborted space has no number
        positions.add(log.append(payload(i, random, maxPayload)));
      }
      assertTrue(log.endPosition() >>> 16 > 5, "many chunks");
      List<Seen> seen = readAll(log.reader());
      assertEquals(positions.size(), seen.size());
      for (int i = 0; i < seen.size(); i++) {
        assertEquals(new Seen(positions.get(i), i, seen.get(i).timestamp()), seen.get(i));
      }
      assertSeeksAgree(log, seen, 300);
      assertEquals(OptionalLong.of(positions.get(0)), log.positionOfSequence(0));
      assertEquals(OptionalLong.of(positions.get(19_999)), log.positionOfSequence(19_999));
      assertEquals(OptionalLong.empty(), log.positionOfSequence(20_000), "past the end");
      assertEquals(OptionalLong.empty(), log.positionOfSequence(Long.MAX_VALUE));
      assertThrows(IllegalArgumentException.class, () -> log.positionOfSequence(-1));
      // a tailer at the end numbers the next record
      LogReader end = log.tailer(log.endPosition());
      long next = log.append(payload(20_000, random, 10));
      assertEquals(
          List.of(new Seen(next, 20_000, readAll(log.tailer(next)).get(0).timestamp())),
          readAll(end));
      assertEquals(OptionalLong.of(next), log.positionOfSequence(20_000));
    }
  }

  @Test
  void seekByTimeFindsTheFirstRecordAtOrAfterAnInstant() throws Exception {
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      Random random = new Random(3);
      for (long i = 0; i < 5_000; i++) {
        log.append(payload(i, random, 200));
        if (i % 1000 == 0) Thread.sleep(2); // distinct, spread out timestamps
      }
      List<Seen> seen = readAll(log.reader());
      for (int i = 1; i < seen.size(); i++) {
        assertTrue(seen.get(i).timestamp() >= seen.get(i - 1).timestamp(), "one clock, one order");
      }
      Random pick = new Random(4);
      for (int k = 0; k < 200; k++) {
        Seen s = seen.get(pick.nextInt(seen.size()));
        long t = s.timestamp() + (pick.nextBoolean() ? 0 : 1);
        Seen expected = seen.stream().filter(x -> x.timestamp() >= t).findFirst().orElseThrow();
        assertEquals(
            OptionalLong.of(expected.position()),
            log.positionAtOrAfter(Instant.ofEpochSecond(0, t)),
            "t=" + t);
      }
      assertEquals(OptionalLong.of(seen.get(0).position()), log.positionAtOrAfter(Instant.EPOCH));
      assertEquals(OptionalLong.of(seen.get(0).position()), log.positionAtOrAfter(Instant.MIN));
      long last = seen.get(seen.size() - 1).timestamp();
      assertEquals(OptionalLong.empty(), log.positionAtOrAfter(Instant.ofEpochSecond(0, last + 1)));
      assertEquals(OptionalLong.empty(), log.positionAtOrAfter(Instant.MAX));
    }
  }

  @Test
  void seekByTimeIsExactWhenClocksDisagree() throws Exception {
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      // records whose timestamps go back in log order, as from a process whose clock is behind
      List<Long> positions = new ArrayList<>();
      for (int i = 0; i < 3000; i++) positions.add(log.append(new byte[100]));
      List<Seen> seen = readAll(log.reader());
      // rewrite timestamps in place (and their checksums) to a saw-tooth: 1000, 999, ..., then up
      MemorySegment chunk;
      for (int i = 0; i < seen.size(); i++) {
        long p = positions.get(i);
        chunk = log.chunks().mapped(p >>> 16);
        long ts = 1_000_000L + (i < 1500 ? -i : i);
        long off = p & (SMALL - 1);
        chunk.set(LogMeta.LONG, off + LogChunkDescriptor.TIMESTAMP_OFFSET, ts);
        chunk.set(
            LogMeta.INT,
            off + LogChunkDescriptor.CHECKSUM_OFFSET,
            RecordChecksum.of(p, 116, ts, chunk.asSlice(off + 16, 100)));
      }
    }
    try (AppendLog log = AppendLog.open(dir, CONFIG)) { // recovery rebuilds the index
      List<Seen> seen = readAll(log.reader());
      for (long t : new long[] {0, 999_000, 998_600, 1_000_000, 1_001_600, 1_002_999}) {
        OptionalLong expected =
            seen.stream().filter(x -> x.timestamp() >= t).mapToLong(Seen::position).findFirst();
        assertEquals(expected, log.positionAtOrAfter(Instant.ofEpochSecond(0, t)), "t=" + t);
      }
    }
  }

  @Test
  void tailerPositionsAreChecked() throws Exception {
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      long a = log.append(new byte[100]);
      long b = log.append(new byte[100]);
      var misaligned = assertThrows(IllegalArgumentException.class, () -> log.tailer(a + 4));
      assertTrue(misaligned.getMessage().contains("8-byte aligned"), misaligned.getMessage());
      var inside = assertThrows(IllegalArgumentException.class, () -> log.tailer(a + 64));
      assertTrue(inside.getMessage().contains("not where a record starts"), inside.getMessage());
      var after = assertThrows(IllegalArgumentException.class, () -> log.tailer(b + 1024));
      assertTrue(after.getMessage().contains("after the end"), after.getMessage());
      assertEquals(1, readAll(log.tailer(b)).get(0).sequence());
      long chunk = log.chunkSize();
      while (log.endPosition() < 2 * chunk) log.append(new byte[1000]);
      for (long header : new long[] {8, 1024, LogChunkDescriptor.FIRST_RECORD_OFFSET - 8}) {
        var inHeader =
            assertThrows(IllegalArgumentException.class, () -> log.tailer(chunk + header));
        assertTrue(inHeader.getMessage().contains("header of chunk 1"), inHeader.getMessage());
      }
      // a chunk's start is where the end is after a record that fills a chunk: the first record
      long firstInChunk = chunk + LogChunkDescriptor.FIRST_RECORD_OFFSET;
      assertEquals(readAll(log.tailer(firstInChunk)), readAll(log.tailer(chunk)));
    }
  }

  @Test
  void seeksStillWorkAfterCrashRecoveryWithHolesAndStaleIndexEntries() throws Exception {
    List<Long> committed = new ArrayList<>();
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      Random random = new Random(5);
      for (long i = 0; i < 6000; i++) {
        if (i == 2500) log.claim(300); // an appender that died mid-append: a hole
        committed.add(log.append(payload(i, random, 100)));
      }
      // index everything now (the pending hole stops it), then "crash" with a torn last record
      log.positionOfSequence(5999);
      log.claim(50);
    }
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      assertEquals(1, log.recoveryReport().skipped().size(), log.recoveryReport().toString());
      List<Seen> seen = readAll(log.reader());
      assertEquals(committed, seen.stream().map(Seen::position).toList());
      for (int i = 0; i < seen.size(); i++) assertEquals(i, seen.get(i).sequence());
      assertSeeksAgree(log, seen, 200);
      assertEquals(OptionalLong.empty(), log.positionOfSequence(6000));
    }
  }

  @Test
  void recoveryDropsIndexEntriesPointingPastTheRecoveredEnd() throws Exception {
    long cutAt;
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      for (int i = 0; i < 400; i++) log.append(new byte[100]);
      cutAt = log.positionOfSequence(300).orElseThrow();
      assertEquals(OptionalLong.of(log.endPosition() - 120), log.positionOfSequence(399));
      assertTrue(log.index().indexedEntries(0) > 100, "indexed");
    }
    // a machine crash: the records from 300 on never reached the disk, the index page did
    Tamper.zero(dir.resolve(LogChunkDescriptor.fileName(0)), cutAt, 100 * 120);
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      assertEquals(cutAt, log.recoveryReport().end(), log.recoveryReport().toString());
      assertEquals(OptionalLong.empty(), log.positionOfSequence(300));
      assertEquals(OptionalLong.empty(), log.positionOfSequence(399));
      long next = log.append(new byte[10]);
      assertEquals(cutAt, next);
      assertEquals(OptionalLong.of(next), log.positionOfSequence(300));
    }
  }

  @Test
  void retentionKeepsNumberingAndDeletedRecordsGiveAClearError() throws Exception {
    List<Seen> before;
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      Random random = new Random(6);
      for (long i = 0; i < 8000; i++) log.append(payload(i, random, 100));
      before = readAll(log.reader());
      long cut = before.get(5000).position();
      assertTrue(log.deleteBefore(cut) > 2);
      List<Seen> after = readAll(log.reader());
      assertEquals(before.subList(before.size() - after.size(), before.size()), after);
      long first = after.get(0).sequence();
      assertTrue(first > 0 && first <= 5000, "first kept " + first);
      var e = assertThrows(MmapkitException.class, () -> log.positionOfSequence(first - 1));
      assertTrue(e.getMessage().contains("starts at record " + first), e.getMessage());
      assertSeeksAgree(log, after, 100);
    }
    try (AppendLog log = AppendLog.open(dir, CONFIG)) { // recovery keeps the first chunk's base
      List<Seen> after = readAll(log.reader());
      assertEquals(before.subList(before.size() - after.size(), before.size()), after);
      assertSeeksAgree(log, after, 100);
    }
  }

  @Test
  void retentionDoesNotDeletePastARecordStillBeingWritten() throws Exception {
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      for (int i = 0; i < 3; i++) log.append(new byte[40_000]); // chunks 0, 1, 2
      LogClaim slow = log.claim(10_000); // still in chunk 2
      for (int i = 0; i < 3; i++) log.append(new byte[40_000]); // chunks 3, 4, 5
      assertEquals(2, log.deleteBefore(log.endPosition()), "chunks 0 and 1: 2 holds the claim");
      slow.commit();
      assertEquals(3, log.deleteBefore(log.endPosition()));
      assertEquals(6, readAll(log.reader()).get(0).sequence());
    }
  }

  @Test
  void concurrentAppendersGetGapFreeNumbers() throws Exception {
    int threads = 4;
    int perThread = 3000;
    try (AppendLog log = AppendLog.open(dir, CONFIG)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long id = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  Random random = new Random(id);
                  for (long i = 0; i < perThread; i++) {
                    log.append(payload((id << 32) | i, random, 300));
                    if (i % 500 == 0) log.positionOfSequence(i * threads); // index while appending
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
      pool.shutdown();
      List<Seen> seen = readAll(log.reader());
      assertEquals(threads * perThread, seen.size());
      for (int i = 0; i < seen.size(); i++) assertEquals(i, seen.get(i).sequence());
      assertSeeksAgree(log, seen, 200);
    }
  }
}
