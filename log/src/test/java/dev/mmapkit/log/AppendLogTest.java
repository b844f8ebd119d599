package dev.mmapkit.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class AppendLogTest {
  static final long SMALL = LogChunkDescriptor.MIN_CHUNK_SIZE;

  @TempDir Path dir;

  static byte[] payload(long seed, int length) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  static List<byte[]> readAll(AppendLog log, List<Long> positions) throws Exception {
    List<byte[]> out = new ArrayList<>();
    log.reader()
        .poll(
            (pos, payload) -> {
              positions.add(pos);
              out.add(payload.toArray(ValueLayout.JAVA_BYTE));
            });
    return out;
  }

  @ParameterizedTest
  @ValueSource(longs = {1L << 16, 1L << 20})
  void recordsOfEverySizeComeBackInOrderAcrossChunks(long chunkSize) throws Exception {
    Random random = new Random(chunkSize);
    List<byte[]> written = new ArrayList<>();
    List<Long> positions = new ArrayList<>();
    try (AppendLog log = AppendLog.open(dir, new LogConfig(chunkSize, Durability.NONE))) {
      int[] sizes = {0, 1, 7, 8, 9, 63, 64, 1000, log.maxPayload()};
      for (int i = 0; i < 600; i++) {
        int size = i < sizes.length ? sizes[i] : random.nextInt(3000);
        byte[] p = payload(i, size);
        written.add(p);
        long pos = log.append(p);
        assertEquals(0, pos % 8);
        assertTrue((pos & (chunkSize - 1)) >= LogChunkDescriptor.FIRST_RECORD_OFFSET);
        positions.add(pos);
      }
      List<Long> readPositions = new ArrayList<>();
      List<byte[]> read = readAll(log, readPositions);
      assertEquals(positions, readPositions);
      for (int i = 0; i < written.size(); i++) assertArrayEquals(written.get(i), read.get(i));
      assertTrue(log.endPosition() > chunkSize, "crossed at least one chunk");
    }
    // and again after reopening (and recovery)
    try (AppendLog log = AppendLog.open(dir, new LogConfig(chunkSize, Durability.NONE))) {
      assertTrue(log.recoveryReport().ran());
      assertFalse(log.recoveryReport().repaired(), log.recoveryReport().toString());
      assertEquals(written.size(), log.recoveryReport().records());
      List<Long> readPositions = new ArrayList<>();
      List<byte[]> read = readAll(log, readPositions);
      assertEquals(positions, readPositions);
      for (int i = 0; i < written.size(); i++) assertArrayEquals(written.get(i), read.get(i));
      long next = log.append(new byte[] {1, 2, 3});
      assertTrue(next > positions.get(positions.size() - 1));
    }
  }

  @Test
  void aRecordNeverStraddlesChunksAndTheRestIsPadding() throws Exception {
    try (AppendLog log = AppendLog.open(dir, new LogConfig(SMALL, Durability.NONE))) {
      long first = log.append(new byte[40_000]);
      long second = log.append(new byte[40_000]); // does not fit after the first
      assertEquals(LogChunkDescriptor.FIRST_RECORD_OFFSET, first);
      assertEquals(SMALL + LogChunkDescriptor.FIRST_RECORD_OFFSET, second);
      assertTrue(Files.exists(dir.resolve("0000000001.chunk")));
      List<Long> positions = new ArrayList<>();
      readAll(log, positions);
      assertEquals(List.of(first, second), positions);
    }
  }

  @Test
  void aRecordThatFillsTheChunkExactly() throws Exception {
    try (AppendLog log = AppendLog.open(dir, new LogConfig(SMALL, Durability.NONE))) {
      long a = log.append(new byte[log.maxPayload()]);
      long b = log.append(new byte[] {42});
      assertEquals(SMALL + LogChunkDescriptor.FIRST_RECORD_OFFSET, b);
      List<Long> positions = new ArrayList<>();
      readAll(log, positions);
      assertEquals(List.of(a, b), positions);
    }
  }

  @Test
  void tooLargeRecordIsRefusedWithTheLimit() throws Exception {
    try (AppendLog log = AppendLog.open(dir, new LogConfig(SMALL, Durability.NONE))) {
      var e =
          assertThrows(
              IllegalArgumentException.class, () -> log.append(new byte[log.maxPayload() + 1]));
      assertTrue(e.getMessage().contains(String.valueOf(log.maxPayload())), e.getMessage());
      assertEquals(LogChunkDescriptor.FIRST_RECORD_OFFSET, log.endPosition(), "nothing claimed");
    }
  }

  @Test
  void claimCommitAndAbortAreZeroCopy() throws Exception {
    try (AppendLog log = AppendLog.open(dir, new LogConfig(SMALL, Durability.NONE))) {
      LogClaim claim = log.claim(16);
      claim.payload().set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 0x1122334455667788L);
      claim.payload().set(ValueLayout.JAVA_LONG_UNALIGNED, 8, 99L);
      LogReader reader = log.reader();
      assertEquals(0, reader.poll((p, s) -> {}), "not visible before commit");
      claim.commit();
      assertThrows(IllegalStateException.class, claim::commit);
      LogClaim aborted = log.claim(100);
      aborted.abort();
      long last = log.append(new byte[] {5});
      List<Long> positions = new ArrayList<>();
      List<Long> firstLongs = new ArrayList<>();
      reader.poll(
          (p, s) -> {
            positions.add(p);
            if (s.byteSize() == 16) firstLongs.add(s.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
          });
      assertEquals(List.of(claim.position(), last), positions);
      assertEquals(List.of(0x1122334455667788L), firstLongs);
    }
  }

  @Test
  void appendFromASegmentAndReadByPosition() throws Exception {
    try (AppendLog log = AppendLog.open(dir, new LogConfig(SMALL, Durability.NONE));
        Arena arena = Arena.ofConfined()) {
      MemorySegment src = arena.allocate(40);
      for (int i = 0; i < 40; i++) src.set(ValueLayout.JAVA_BYTE, i, (byte) i);
      long pos = log.append(src);
      byte[][] got = new byte[1][];
      assertTrue(log.read(pos, (p, s) -> got[0] = s.toArray(ValueLayout.JAVA_BYTE)));
      assertArrayEquals(src.toArray(ValueLayout.JAVA_BYTE), got[0]);
      assertFalse(log.read(log.endPosition(), (p, s) -> {}), "nothing at the end yet");
    }
  }

  @ParameterizedTest
  @EnumSource(Durability.class)
  void manyThreadsAppendConcurrentlyAndNothingIsLostOrTorn(Durability durability) throws Exception {
    int threads = 4;
    int perThread = durability == Durability.SYNC ? 300 : 20_000;
    try (AppendLog log = AppendLog.open(dir, new LogConfig(1L << 18, durability))) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Map<Long, Integer>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        results.add(
            pool.submit(
                () -> {
                  Map<Long, Integer> mine = new HashMap<>();
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    int value = id * 1_000_000 + i;
                    byte[] p = new byte[4 + (i % 200)];
                    MemorySegment.ofArray(p).set(ValueLayout.JAVA_INT_UNALIGNED, 0, value);
                    if (i % 3 == 0) {
                      LogClaim c = log.claim(p.length);
                      MemorySegment.copy(p, 0, c.payload(), ValueLayout.JAVA_BYTE, 0, p.length);
                      c.commit();
                      mine.put(c.position(), value);
                    } else {
                      mine.put(log.append(p), value);
                    }
                  }
                  return mine;
                }));
      }
      start.countDown();
      Map<Long, Integer> expected = new HashMap<>();
      for (var r : results) expected.putAll(r.get(120, TimeUnit.SECONDS));
      pool.shutdown();
      Map<Long, Integer> read = new HashMap<>();
      log.reader().poll((p, s) -> read.put(p, s.get(ValueLayout.JAVA_INT_UNALIGNED, 0)));
      assertEquals(threads * perThread, expected.size());
      assertEquals(expected, read);
    }
  }

  @Test
  void concurrentSyncAppendsShareMsyncs() throws Exception {
    int threads = 4;
    int perThread = 200;
    try (AppendLog log = AppendLog.open(dir, new LogConfig(1L << 20, Durability.SYNC))) {
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) log.append(new byte[100]);
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) f.get(120, TimeUnit.SECONDS);
      pool.shutdown();
      long syncs = log.groupSync().syncs();
      System.out.println(
          "group sync: " + syncs + " msyncs for " + threads * perThread + " appends");
      // Each msync waits for the device, so appenders finishing meanwhile share the next one.
      assertTrue(syncs > 0 && syncs < threads * perThread, syncs + " syncs for 800 appends");
      List<Long> positions = new ArrayList<>();
      readAll(log, positions);
      assertEquals(threads * perThread, positions.size());
    }
  }

  @Test
  void aTailerInAnotherThreadWaitsAndSeesEveryRecord() throws Exception {
    int count = 5_000;
    try (AppendLog log = AppendLog.open(dir, new LogConfig(SMALL, Durability.NONE))) {
      LogReader tailer = log.tailer(log.endPosition());
      var consumer =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                List<Integer> seen = new ArrayList<>();
                try {
                  while (seen.size() < count) {
                    if (!tailer.await(10, TimeUnit.SECONDS)) throw new AssertionError("timeout");
                    tailer.poll((p, s) -> seen.add(s.get(ValueLayout.JAVA_INT_UNALIGNED, 0)));
                  }
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
                return seen;
              });
      for (int i = 0; i < count; i++) {
        byte[] p = new byte[100];
        MemorySegment.ofArray(p).set(ValueLayout.JAVA_INT_UNALIGNED, 0, i);
        log.append(p);
        if (i % 1000 == 0) Thread.sleep(30); // let the tailer fall asleep on the futex
      }
      List<Integer> seen = consumer.get(60, TimeUnit.SECONDS);
      for (int i = 0; i < count; i++) assertEquals(i, seen.get(i));
    }
  }

  @Test
  void awaitTimesOutWhenNothingIsAppended() throws Exception {
    try (AppendLog log = AppendLog.open(dir, new LogConfig(SMALL, Durability.NONE))) {
      long t0 = System.nanoTime();
      assertFalse(log.reader().await(50, TimeUnit.MILLISECONDS));
      assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  @Test
  void theNextChunkIsPreparedInTheBackground() throws Exception {
    try (AppendLog log = AppendLog.open(dir, new LogConfig(SMALL, Durability.NONE))) {
      log.append(new byte[10]);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!Files.exists(dir.resolve("0000000001.chunk")) && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertTrue(Files.exists(dir.resolve("0000000001.chunk")), "chunk 1 created ahead");
      assertEquals(SMALL, Files.size(dir.resolve("0000000001.chunk")));
    }
  }

  @Test
  void twoHandlesInOneProcessShareTheLog() throws Exception {
    try (AppendLog a = AppendLog.open(dir, new LogConfig(SMALL, Durability.NONE));
        AppendLog b = AppendLog.open(dir, new LogConfig(SMALL, Durability.NONE))) {
      assertTrue(a.recoveryReport().ran());
      assertFalse(b.recoveryReport().ran(), "no recovery under a live handle");
      long p1 = a.append(new byte[] {1});
      long p2 = b.append(new byte[] {2});
      assertTrue(p2 > p1);
      List<Long> positions = new ArrayList<>();
      readAll(a, positions);
      assertEquals(List.of(p1, p2), positions);
    }
  }

  /**
   * Each handle remembers the chunk it claimed in last; here the other handle keeps moving the tail
   * into chunks this one has not written to, in every durability mode, and after close the
   * remembered chunk must not take an append.
   */
  @ParameterizedTest
  @EnumSource(Durability.class)
  void handlesThatLeapfrogEachOtherAcrossChunksLoseNothing(Durability durability) throws Exception {
    List<byte[]> written = new ArrayList<>();
    List<Long> positions = new ArrayList<>();
    Random random = new Random(7);
    AppendLog a = AppendLog.open(dir, new LogConfig(SMALL, durability));
    try (AppendLog b = AppendLog.open(dir, new LogConfig(SMALL, durability))) {
      for (int i = 0; i < 400; i++) {
        AppendLog writer = random.nextInt(3) == 0 ? b : a;
        // now and then a record big enough to push the tail into the next chunk
        byte[] p = payload(i, random.nextInt(10) == 0 ? a.maxPayload() / 2 : random.nextInt(200));
        written.add(p);
        positions.add(writer.append(p));
      }
      assertTrue(a.endPosition() > 10 * SMALL, "crossed many chunks");
      a.close();
      assertThrows(IllegalStateException.class, () -> a.append(new byte[8]));
      assertThrows(IllegalStateException.class, () -> a.claim(8));
      List<Long> readPositions = new ArrayList<>();
      List<byte[]> read = readAll(b, readPositions);
      assertEquals(positions, readPositions);
      for (int i = 0; i < written.size(); i++) assertArrayEquals(written.get(i), read.get(i));
    } finally {
      a.close();
    }
  }

  @Test
  void anExistingLogKeepsItsChunkSize() throws Exception {
    try (AppendLog log = AppendLog.open(dir, new LogConfig(SMALL, Durability.NONE))) {
      log.append(new byte[1]);
    }
    try (AppendLog log = AppendLog.open(dir, LogConfig.defaults())) {
      assertEquals(SMALL, log.chunkSize());
    }
  }

  @Test
  void aFailedCopyLeavesNoHoleForReaders() throws Exception {
    try (AppendLog log = AppendLog.open(dir, new LogConfig(SMALL, Durability.NONE))) {
      long first = log.append(new byte[] {1});
      java.lang.foreign.MemorySegment gone;
      try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
        gone = arena.allocate(100);
      }
      java.lang.foreign.MemorySegment closed = gone;
      assertThrows(IllegalStateException.class, () -> log.append(closed));
      long after = log.append(new byte[] {2});
      java.util.List<Long> seen = new java.util.ArrayList<>();
      log.reader().poll((p, payload) -> seen.add(p));
      assertEquals(
          java.util.List.of(first, after), seen, "the failed append is skipped, not waited at");
    }
  }
}
