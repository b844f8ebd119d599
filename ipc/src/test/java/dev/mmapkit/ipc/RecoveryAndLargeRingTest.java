package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.RingBufferDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** States that are hard to reach with real processes, set up by writing the file directly. */
class RecoveryAndLargeRingTest {
  private TestRings rings;

  @BeforeEach
  void setUp() throws Exception {
    rings = new TestRings();
  }

  @AfterEach
  void tearDown() throws Exception {
    rings.close();
  }

  private static MemorySegment meta(RingBuffer ring) {
    return ((MappedRingBuffer) ring).meta;
  }

  /** Registers an exited process in producer slot {@code slot}. */
  private static void registerDeadProducer(RingBuffer ring, int slot) throws Exception {
    Process exited = new ProcessBuilder("true").start();
    exited.waitFor();
    long offset = PRODUCERS_OFFSET + (long) slot * PRODUCER_SLOT_SIZE;
    meta(ring).set(ValueLayout.JAVA_LONG, offset, exited.pid());
    meta(ring).set(ValueLayout.JAVA_LONG, offset + 8, 12345L);
  }

  private static List<Integer> readFor(RingBuffer ring, long millis) throws Exception {
    List<Integer> types = new ArrayList<>();
    long until = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < until) {
      // Many polls: a header-less claim is looked at once every few hundred reads.
      ring.read((t, b, o, l) -> types.add(t), 10);
      Thread.sleep(0, 100_000);
    }
    return types;
  }

  @Test
  void producerThatDiedBeforeWritingItsHeaderIsSkippedOnlyOnceADeadProducerIsKnown()
      throws Exception {
    try (RingBuffer ring = RingBuffers.createManyToOne(rings.path("ring"), 4096)) {
      ring.claimTimeout(Duration.ofMillis(50));
      assertTrue(ring.write(1, new byte[4]));
      // A claim of 72 bytes whose producer died right after advancing the tail.
      MappedRingBuffer.LONG.getAndAdd(meta(ring), TAIL_POSITION_OFFSET, 72L);
      assertTrue(ring.write(2, new byte[20]));
      assertEquals(List.of(1), readFor(ring, 200), "no dead producer known: wait");
      registerDeadProducer(ring, 5);
      assertEquals(List.of(2), readFor(ring, 200));
      assertEquals(1, ring.stats().unblocks());
      assertEquals(0, ring.size());
      assertEquals(2, ring.stats().producers(), "the dead one and this process");
      Thread.sleep(60);
      ring.awaitMessages(1_000_000); // an empty ring: dead producers' slots are freed
      assertEquals(1, ring.stats().producers(), "only this process is left");
    }
  }

  @Test
  void claimAttributedToADeadSlotIsSkippedAndALiveOnesIsNot() throws Exception {
    try (RingBuffer ring = RingBuffers.createOneToOne(rings.path("ring"), 4096)) {
      ring.claimTimeout(Duration.ofMillis(50));
      long live = ring.tryClaim(7, 10); // ours: this process is alive
      assertEquals(List.of(), readFor(ring, 150));
      ring.commit(live);
      registerDeadProducer(ring, 9);
      long index = ring.tryClaim(8, 30);
      // Rewrite the claim as if slot 9 had made it.
      long record = index - HEADER_LENGTH;
      ring.buffer().set(ValueLayout.JAVA_INT, record + TYPE_OFFSET, 8 | 9 << SLOT_SHIFT);
      assertTrue(ring.write(3, new byte[1]));
      assertEquals(List.of(7, 3), readFor(ring, 200));
      assertEquals(1, ring.stats().unblocks());
    }
  }

  @Test
  void ringLargerThan2GiBWrapsWithPositionsAndIndexesBeyondIntRange() throws Exception {
    // On disk, not /dev/shm: the blocks are reserved (fallocate) but never written, so this costs
    // neither RAM nor write bandwidth.
    Path directory = Path.of(System.getProperty("basedir", "."), "target");
    Path path = Files.createTempFile(directory, "large-ring", ".ring");
    Files.delete(path);
    long capacity = 1L << 32;
    try (RingBuffer ring = RingBuffers.createManyToOne(path, capacity)) {
      assertEquals(capacity, ring.capacity());
      assertEquals(capacity / 8, ring.maxMessageLength());
      // Start 4 KiB before the end of the third lap: positions > 2^33, indexes > 2^31.
      long start = 3 * capacity - 4096;
      meta(ring).set(ValueLayout.JAVA_LONG, TAIL_POSITION_OFFSET, start);
      meta(ring).set(ValueLayout.JAVA_LONG, HEAD_POSITION_OFFSET, start);
      meta(ring).set(ValueLayout.JAVA_LONG, HEAD_CACHE_POSITION_OFFSET, start);
      List<Long> seen = new ArrayList<>();
      List<Long> offsets = new ArrayList<>();
      for (long seq = 0; seq < 200; seq++) {
        int len = Payloads.length(seq, 100);
        assertTrue(ring.write(1, Payloads.bytes(0, 0, seq, len)));
        if (seq % 7 == 6) {
          ring.read(
              (t, b, o, l) -> {
                long s = Payloads.seq(b, o);
                assertNull(Payloads.checkFiller(b, o, s, l));
                seen.add(s);
                offsets.add(o);
              },
              100);
        }
      }
      while (ring.read((t, b, o, l) -> seen.add(Payloads.seq(b, o)), 100) > 0) {}
      for (long seq = 0; seq < 200; seq++) assertEquals(seq, seen.get((int) seq));
      assertTrue(offsets.get(0) > Integer.MAX_VALUE, "first records sit above 2^31");
      assertTrue(offsets.stream().anyMatch(o -> o < 4096), "later ones wrapped to the start");
      assertTrue(ring.consumerPosition() > 3 * capacity);
      assertEquals(ring.producerPosition(), ring.consumerPosition());
    } finally {
      Files.deleteIfExists(path);
    }
  }
}
