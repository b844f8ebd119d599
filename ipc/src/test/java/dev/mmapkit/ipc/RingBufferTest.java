package dev.mmapkit.ipc;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RingBufferTest {
  private TestRings rings;

  @BeforeEach
  void setUp() throws Exception {
    rings = new TestRings();
  }

  @AfterEach
  void tearDown() throws Exception {
    rings.close();
  }

  /** Checks each message against the next expected sequence number. */
  private static final class Checker implements MessageHandler {
    final int maxLength;
    long expected;
    String failure;

    Checker(int maxLength) {
      this.maxLength = maxLength;
    }

    @Override
    public void onMessage(int type, MemorySegment buffer, long offset, int length) {
      if (failure != null) return;
      long seq = Payloads.seq(buffer, offset);
      if (seq != expected) failure = "expected message " + expected + ", got " + seq;
      else if (type != (int) (seq & RingBufferDescriptor.MAX_TYPE)) failure = "type " + type;
      else if (length != Payloads.length(seq, maxLength)) failure = "length " + length;
      else failure = Payloads.checkFiller(buffer, offset, seq, length);
      expected++;
    }
  }

  @ParameterizedTest(name = "manyToOne={0}")
  @ValueSource(booleans = {false, true})
  void aCreatedRingNamesThePathItWasCreatedAtNotItsTemporaryFile(boolean manyToOne)
      throws Exception {
    try (RingBuffer ring = rings.create("named", 4096, manyToOne)) {
      java.nio.file.Path path = rings.path("named").toAbsolutePath();
      assertEquals(path, ((MappedRingBuffer) ring).path());
      assertTrue(ring.toString().contains(path.toString()), ring.toString());
    }
  }

  @ParameterizedTest(name = "manyToOne={0}")
  @ValueSource(booleans = {false, true})
  void aClosedRingRefusesEveryCallAndIsUnmappedOnceUnreachable(boolean manyToOne) throws Exception {
    java.nio.file.Path path = rings.path("closed").toAbsolutePath();
    java.lang.ref.WeakReference<RingBuffer> closed = writeOneAndClose(path, manyToOne);
    // The hot paths skip the segments' checks, so the mapping must outlive every thread that can
    // still reach the ring: it goes when the ring is collected, not at close().
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (mapped(path) && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(20);
    }
    assertNull(closed.get());
    assertFalse(mapped(path), "still mapped after the ring was collected");
    try (RingBuffer again = RingBuffers.open(path)) {
      assertEquals(1, again.read((t, b, o, l) -> {}, 10));
    }
  }

  /** A ring that wrote one message and was closed, which nothing but the reference holds. */
  private static java.lang.ref.WeakReference<RingBuffer> writeOneAndClose(
      java.nio.file.Path path, boolean manyToOne) throws Exception {
    RingBuffer ring =
        manyToOne
            ? RingBuffers.createManyToOne(path, 4096)
            : RingBuffers.createOneToOne(path, 4096);
    assertTrue(ring.write(1, new byte[8]));
    ring.close();
    ring.close(); // idempotent
    assertThrows(IllegalStateException.class, () -> ring.write(1, new byte[8]));
    assertThrows(IllegalStateException.class, () -> ring.tryClaim(1, 8));
    assertThrows(IllegalStateException.class, () -> ring.read((t, b, o, l) -> {}, 1));
    assertThrows(IllegalStateException.class, () -> ring.controlledRead((t, b, o, l) -> null, 1));
    assertTrue(mapped(path));
    return new java.lang.ref.WeakReference<>(ring);
  }

  /** Whether this process maps the file, by inode: it was made under a temporary name. */
  private static boolean mapped(java.nio.file.Path path) throws java.io.IOException {
    String inode = java.nio.file.Files.getAttribute(path, "unix:ino").toString();
    return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/maps")).stream()
        .map(line -> line.split("\\s+"))
        .anyMatch(fields -> fields.length > 5 && fields[4].equals(inode));
  }

  @ParameterizedTest(name = "manyToOne={0}")
  @ValueSource(booleans = {false, true})
  void everyRecordSizeSurvivesManyWrapArounds(boolean manyToOne) throws Exception {
    try (RingBuffer ring = rings.create("ring", 4096, manyToOne)) {
      int maxLength = ring.maxMessageLength();
      assertEquals(512, maxLength);
      Checker checker = new Checker(maxLength);
      long written = 0;
      // ~2.5 MB through a 4 KiB ring: hundreds of wraps, every size at every alignment.
      while (written < 10_000) {
        int len = Payloads.length(written, maxLength);
        int type = (int) (written & RingBufferDescriptor.MAX_TYPE);
        boolean ok;
        if ((written & 1) == 0) {
          ok = ring.write(type, Payloads.bytes(0, 0, written, len));
        } else {
          long index = ring.tryClaim(type, len);
          ok = index >= 0;
          if (ok) {
            Payloads.fill(ring.buffer(), index, 0, 0, written, len);
            ring.commit(index);
          }
        }
        if (ok) {
          written++;
        } else {
          long before = ring.consumerPosition();
          ring.read(checker, 3); // may consume only the padding at the end: 0 messages
          assertTrue(ring.consumerPosition() > before, "full ring but nothing to read");
        }
        assertNull(checker.failure);
      }
      while (ring.read(checker, 100) > 0) {}
      assertNull(checker.failure);
      assertEquals(written, checker.expected);
      assertEquals(0, ring.size());
      assertEquals(written, ring.stats().recordsRead());
      assertTrue(ring.producerPosition() > 2_000_000, "wrapped many times");
    }
  }

  @ParameterizedTest(name = "manyToOne={0}")
  @ValueSource(booleans = {false, true})
  void fullRingRefusesWritesAndKeepsUnreadMessages(boolean manyToOne) throws Exception {
    try (RingBuffer ring = rings.create("ring", 4096, manyToOne)) {
      int written = 0;
      while (ring.write(5, Payloads.bytes(0, 0, written, 56))) written++;
      // A one-to-one ring keeps the header after its last record free (its producer zeroes it); a
      // many-to-one ring keeps a line behind the head, which its consumer zeroes only when whole.
      assertEquals(
          manyToOne ? (4096 - RingBufferDescriptor.ZEROING_SLACK) / 64 : 4096 / 64 - 1,
          written,
          "records of 8 + 56 bytes fill the ring");
      assertFalse(ring.write(5, Payloads.bytes(0, 0, written, 56)));
      assertEquals(RingBuffer.BACK_PRESSURED, ring.tryClaim(5, 56));
      assertEquals(3, ring.stats().backPressureEvents(), "the loop's last write and two more");
      assertEquals(
          0,
          TestRings.meta(ring)
              .get(ValueLayout.JAVA_LONG, RingBufferDescriptor.BACK_PRESSURE_COUNT_OFFSET),
          "counted in the producer's slot, which it writes alone");
      List<Long> seen = new ArrayList<>();
      assertEquals(1, ring.read((t, b, o, l) -> seen.add(Payloads.seq(b, o)), 1));
      assertTrue(ring.write(5, Payloads.bytes(0, 0, written, 56)), "room again after a read");
      while (ring.read((t, b, o, l) -> seen.add(Payloads.seq(b, o)), 10) > 0) {}
      List<Long> expected = new ArrayList<>();
      for (long i = 0; i <= written; i++) expected.add(i);
      assertEquals(expected, seen);
    }
  }

  /**
   * A record that does not fit before the end of the ring follows a padding record at index 0; a
   * read that consumes the padding goes on to it, so a caller that idles on 0 never idles with a
   * message ready (Agrona's ring returns 0 there and leaves the record for the next call).
   */
  @ParameterizedTest(name = "manyToOne={0}")
  @ValueSource(booleans = {false, true})
  void everyReadAfterAWriteFindsItsMessageAcrossTheEndOfTheRing(boolean manyToOne)
      throws Exception {
    try (RingBuffer ring = rings.create("ring", 4096, manyToOne)) {
      MessageHandler ignore = (t, b, o, l) -> {};
      ControlledMessageHandler keepGoing = (t, b, o, l) -> ControlledMessageHandler.Action.CONTINUE;
      for (int i = 0; i < 4 * 4096 / 40; i++) { // four laps, a padding record at each wrap
        assertTrue(ring.write(1, new byte[32]));
        assertEquals(1, i % 2 == 0 ? ring.read(ignore, 1) : ring.controlledRead(keepGoing, 1));
        assertEquals(0, ring.size(), "message " + i);
      }
    }
  }

  @ParameterizedTest(name = "manyToOne={0}")
  @ValueSource(booleans = {false, true})
  void writingARangeOfASegmentWritesExactlyThatRange(boolean manyToOne) throws Exception {
    MemorySegment src = MemorySegment.ofArray(new byte[100]);
    for (int i = 0; i < 100; i++) src.set(ValueLayout.JAVA_BYTE, i, (byte) i);
    try (RingBuffer ring = rings.create("ring", 4096, manyToOne)) {
      for (int length : new int[] {0, 7, 20, 70}) assertTrue(ring.write(3, src, 10, length));
      assertThrows(IndexOutOfBoundsException.class, () -> ring.write(3, src, 90, 20));
      assertThrows(IndexOutOfBoundsException.class, () -> ring.write(3, src, -1, 2));
      List<byte[]> read = new ArrayList<>();
      assertEquals(
          4,
          ring.read((t, b, o, l) -> read.add(b.asSlice(o, l).toArray(ValueLayout.JAVA_BYTE)), 10));
      int[] lengths = {0, 7, 20, 70};
      for (int i = 0; i < 4; i++) {
        assertArrayEquals(src.asSlice(10, lengths[i]).toArray(ValueLayout.JAVA_BYTE), read.get(i));
      }
      assertEquals(0, ring.size(), "the refused ranges wrote nothing");
    }
  }

  @ParameterizedTest(name = "manyToOne={0}")
  @ValueSource(booleans = {false, true})
  void aWriteWhoseSourceCannotBeReadThrowsAndLeavesNoClaimOpen(boolean manyToOne) throws Exception {
    MemorySegment closed;
    try (Arena arena = Arena.ofShared()) {
      closed = arena.allocate(24);
    }
    MemorySegment otherThreads = Arena.ofConfined().allocate(24);
    MemorySegment good = MemorySegment.ofArray(new byte[200]);
    try (RingBuffer ring = rings.create("ring", 4096, manyToOne)) {
      // 40 laps of 208-byte records: the failed writes meet the end of the ring too, where the
      // record is claimed after padding.
      for (int i = 0; i < 40; i++) {
        CompletableFuture.runAsync(
                () -> {
                  assertThrows(IllegalStateException.class, () -> ring.write(1, closed));
                  assertThrows(WrongThreadException.class, () -> ring.write(1, otherThreads));
                  assertTrue(ring.write(2, good), "the ring goes on taking writes");
                })
            .join();
        List<Integer> types = new ArrayList<>();
        assertEquals(1, ring.read((t, b, o, l) -> types.add(t), 10));
        assertEquals(List.of(2), types, "only the good write is read");
        assertEquals(i + 1, ring.stats().recordsWritten());
        assertEquals(0, ring.size());
      }
    }
  }

  @Test
  void aManyToOneConsumerZeroesOnlyTheWholeLinesItHasRead() throws Exception {
    try (RingBuffer ring = rings.create("ring", 4096, true)) {
      MemorySegment data = ring.buffer();
      int line = RingBufferDescriptor.ZEROING_SLACK;
      for (int i = 0; i < 3; i++) assertTrue(ring.write(1, new byte[32])); // at 0, 40, 80
      assertEquals(3, ring.read((t, b, o, l) -> {}, 10));
      assertEquals(120, ring.consumerPosition());
      assertEquals(40, data.get(ValueLayout.JAVA_INT, 0), "read, but its line is not whole yet");
      byte[] sevens = new byte[32];
      Arrays.fill(sevens, (byte) 7);
      assertTrue(ring.write(1, sevens)); // at 120, into the next line
      assertEquals(1, ring.read((t, b, o, l) -> {}, 10));
      assertEquals(-1, data.asSlice(0, line).mismatch(MemorySegment.ofArray(new byte[line])));
      assertEquals(7, data.get(ValueLayout.JAVA_BYTE, line), "the next line is not whole yet");
    }
  }

  @ParameterizedTest(name = "manyToOne={0}")
  @ValueSource(booleans = {false, true})
  void claimBlocksReadingUntilCommittedAndAbortedClaimsAreSkipped(boolean manyToOne)
      throws Exception {
    try (RingBuffer ring = rings.create("ring", 4096, manyToOne)) {
      long first = ring.tryClaim(11, 8);
      assertTrue(ring.write(12, new byte[] {1, 2, 3}));
      List<Integer> types = new ArrayList<>();
      assertEquals(0, ring.read((t, b, o, l) -> types.add(t), 10), "the open claim comes first");
      ring.buffer().set(ValueLayout.JAVA_LONG_UNALIGNED, first, 42L);
      ring.commit(first);
      long aborted = ring.tryClaim(13, 100);
      ring.abort(aborted);
      assertTrue(ring.write(0, new byte[0]));
      List<Integer> lengths = new ArrayList<>();
      assertEquals(
          3,
          ring.read(
              (t, b, o, l) -> {
                types.add(t);
                lengths.add(l);
                if (t == 11) assertEquals(42L, b.get(ValueLayout.JAVA_LONG_UNALIGNED, o));
              },
              10));
      assertEquals(List.of(11, 12, 0), types);
      assertEquals(List.of(8, 3, 0), lengths);
      assertThrows(IllegalStateException.class, () -> ring.commit(first));
      assertThrows(IllegalStateException.class, () -> ring.abort(aborted));
      for (long bad : new long[] {-8, 3, first + 4, ring.capacity() + 8}) {
        assertThrows(IllegalStateException.class, () -> ring.commit(bad), "index " + bad);
      }
    }
  }

  @ParameterizedTest(name = "manyToOne={0}")
  @ValueSource(booleans = {false, true})
  void controlledReadContinuesBreaksAbortsAndCommits(boolean manyToOne) throws Exception {
    try (RingBuffer ring = rings.create("ring", 4096, manyToOne)) {
      for (int i = 0; i < 6; i++) assertTrue(ring.write(i, new byte[8]));
      assertEquals(
          0, ring.controlledRead((t, b, o, l) -> ControlledMessageHandler.Action.ABORT, 10));
      assertEquals(0, ring.consumerPosition());
      List<Integer> types = new ArrayList<>();
      assertEquals(
          2,
          ring.controlledRead(
              (t, b, o, l) -> {
                types.add(t);
                return t == 1
                    ? ControlledMessageHandler.Action.BREAK
                    : ControlledMessageHandler.Action.CONTINUE;
              },
              10));
      assertEquals(32, ring.consumerPosition());
      long[] positionSeen = new long[1];
      assertEquals(
          2,
          ring.controlledRead(
              (t, b, o, l) -> {
                types.add(t);
                if (t == 3) {
                  positionSeen[0] = ring.consumerPosition();
                  return ControlledMessageHandler.Action.CONTINUE;
                }
                if (t == 4) return ControlledMessageHandler.Action.ABORT;
                return ControlledMessageHandler.Action.COMMIT;
              },
              10));
      assertEquals(48, positionSeen[0], "COMMIT published message 2 before message 3 was read");
      assertEquals(64, ring.consumerPosition(), "message 4 was aborted and stays");
      assertEquals(2, ring.read((t, b, o, l) -> types.add(t), 10));
      assertEquals(List.of(0, 1, 2, 3, 4, 4, 5), types);
    }
  }

  @ParameterizedTest(name = "manyToOne={0}")
  @ValueSource(booleans = {false, true})
  void rejectsTooLargeMessagesAndBadTypes(boolean manyToOne) throws Exception {
    try (RingBuffer ring = rings.create("ring", 8192, manyToOne)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ring.write(1, new byte[1025]));
      assertTrue(e.getMessage().contains("1025 bytes"), e.getMessage());
      assertTrue(e.getMessage().contains("maximum of 1024 bytes"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> ring.tryClaim(1, 1025));
      assertThrows(IllegalArgumentException.class, () -> ring.tryClaim(1, -1));
      assertThrows(IllegalArgumentException.class, () -> ring.write(-1, new byte[1]));
      assertThrows(
          IllegalArgumentException.class,
          () -> ring.write(RingBufferDescriptor.MAX_TYPE + 1, new byte[1]));
      assertTrue(ring.write(RingBufferDescriptor.MAX_TYPE, new byte[1024]));
      assertEquals(0, ring.stats().backPressureEvents());
    }
  }

  @ParameterizedTest(name = "manyToOne={0}")
  @ValueSource(booleans = {false, true})
  void aSecondMappingSeesTheSameRing(boolean manyToOne) throws Exception {
    try (RingBuffer writer = rings.create("ring", 4096, manyToOne);
        RingBuffer reader = RingBuffers.open(rings.path("ring"))) {
      assertEquals(manyToOne, reader instanceof ManyToOneRingBuffer);
      assertTrue(writer.write(9, new byte[] {7}));
      int[] got = new int[2];
      assertEquals(
          1,
          reader.read(
              (t, b, o, l) -> {
                got[0] = t;
                got[1] = b.get(ValueLayout.JAVA_BYTE, o);
              },
              1));
      assertArrayEquals(new int[] {9, 7}, got);
      assertEquals(16, writer.consumerPosition());
      RingBufferStats stats = writer.stats();
      assertEquals(1, stats.recordsRead());
      assertEquals(1, stats.producers());
      assertEquals(ProcessHandle.current().pid(), stats.consumerPid());
      assertTrue(System.currentTimeMillis() - stats.heartbeatMillis() < 10_000);
    }
  }

  @ParameterizedTest(name = "manyToOne={0}")
  @ValueSource(booleans = {false, true})
  void recordsWrittenCountsWritesAndCommittedClaimsButNotAbortsOrRefusals(boolean manyToOne)
      throws Exception {
    try (RingBuffer ring = rings.create("ring", 4096, manyToOne)) {
      for (int i = 0; i < 3; i++) assertTrue(ring.write(1, new byte[10]));
      ring.commit(ring.tryClaim(2, 20));
      ring.abort(ring.tryClaim(3, 30));
      long open = ring.tryClaim(4, 40);
      assertEquals(5, ring.stats().recordsWritten(), "an open claim counts as being written");
      ring.commit(open);
      while (ring.write(5, new byte[500])) {}
      long full = ring.stats().recordsWritten();
      assertFalse(ring.write(5, new byte[500]));
      assertEquals(full, ring.stats().recordsWritten(), "a refused write is not counted");
      assertEquals(2, ring.read((t, b, o, l) -> {}, 2));
      RingBufferStats stats = ring.stats();
      assertEquals(2, stats.recordsRead());
      assertEquals(full - 2, stats.recordBacklog());
      while (ring.read((t, b, o, l) -> {}, 100) > 0) {}
      assertEquals(full, ring.stats().recordsRead(), "the aborted claim is padding, not a record");
      assertEquals(0, ring.stats().recordBacklog());
    }
  }
}
