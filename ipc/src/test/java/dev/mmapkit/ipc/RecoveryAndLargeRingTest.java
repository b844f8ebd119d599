package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.RingBufferDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.mmapkit.FileFormatException;
import dev.mmapkit.internal.Processes;
import java.io.UncheckedIOException;
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

  /** Registers an exited process in producer slot {@code slot}. */
  private static void registerDeadProducer(RingBuffer ring, int slot) throws Exception {
    registerDeadProducer(ring, slot, 0);
  }

  /**
   * Registers an exited process, with its real start time, in producer slot {@code slot}, with
   * {@code claimsInFlight} claims whose header it never wrote.
   */
  private static void registerDeadProducer(RingBuffer ring, int slot, long claimsInFlight)
      throws Exception {
    Process child = new ProcessBuilder("cat").start(); // waits for its standard input
    long start = Processes.startTime(child.pid()).orElseThrow();
    child.getOutputStream().close();
    assertEquals(0, child.waitFor());
    registerProducer(ring, slot, child.pid(), start, claimsInFlight);
  }

  /** Registers a process in {@code slot} as a shared slot (no claim recorded). */
  private static void registerProducer(
      RingBuffer ring, int slot, long pid, long start, long claimsInFlight) {
    setSlotField(ring, slot, PRODUCER_CLAIMS, claimsInFlight);
    setSlotField(ring, slot, PRODUCER_CLAIM_START, NO_CLAIM);
    setSlotField(ring, slot, PRODUCER_CLAIM_END, NO_CLAIM);
    setSlotField(ring, slot, PRODUCER_START_TIME, start);
    setSlotField(ring, slot, PRODUCER_PID, pid);
  }

  /** Claims 30 bytes of type 8 and rewrites the claim's header as if {@code slot} had made it. */
  private static long claimAsSlot(RingBuffer ring, int slot) {
    long index = ring.tryClaim(8, 30);
    ring.buffer()
        .set(ValueLayout.JAVA_INT, index - HEADER_LENGTH + TYPE_OFFSET, 8 | slot << SLOT_SHIFT);
    return index;
  }

  private static long slotField(RingBuffer ring, int slot, int field) {
    return TestRings.meta(ring)
        .get(ValueLayout.JAVA_LONG, MappedRingBuffer.slotOffset(slot) + field);
  }

  private static void setSlotField(RingBuffer ring, int slot, int field, long value) {
    TestRings.meta(ring)
        .set(ValueLayout.JAVA_LONG, MappedRingBuffer.slotOffset(slot) + field, value);
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
  void producerThatDiedBeforeWritingItsHeaderIsSkippedOnlyOnceItsClaimInFlightIsKnown()
      throws Exception {
    try (RingBuffer ring = RingBuffers.createManyToOne(rings.path("ring"), 4096)) {
      ring.claimTimeout(Duration.ofMillis(50));
      assertTrue(ring.write(1, new byte[4]));
      // A claim of 72 bytes whose producer died right after advancing the tail.
      MappedRingBuffer.LONG.getAndAdd(TestRings.meta(ring), TAIL_POSITION_OFFSET, 72L);
      assertTrue(ring.write(2, new byte[20]));
      assertEquals(List.of(1), readFor(ring, 200), "no dead producer known: wait");
      // A dead producer (a restarted one, say) without a claim in flight says nothing about the
      // claim at the head: it is not padded.
      registerDeadProducer(ring, 4, 0);
      assertEquals(List.of(), readFor(ring, 200), "the dead producer claimed nothing: wait");
      assertEquals(0, slotField(ring, 4, PRODUCER_PID), "its slot is freed from read()");
      assertEquals(0, slotField(ring, 4, PRODUCER_START_TIME), "with its start time");
      registerDeadProducer(ring, 5, 1);
      assertEquals(List.of(2), readFor(ring, 200));
      assertEquals(1, ring.stats().unblocks());
      assertEquals(0, ring.size());
      assertEquals(2, ring.stats().producers(), "the dead one and this process");
      Thread.sleep(60);
      ring.awaitMessages(1_000_000); // an empty ring: dead producers' slots are freed
      assertEquals(1, ring.stats().producers(), "only this process is left");
      assertEquals(0, slotField(ring, 5, PRODUCER_START_TIME));
      assertEquals(0, slotField(ring, 5, PRODUCER_CLAIMS));
    }
  }

  @Test
  void liveProducersHeaderlessClaimIsNotPaddedWhileOtherProducersAreDead() throws Exception {
    try (RingBuffer ring = RingBuffers.createManyToOne(rings.path("ring"), 4096)) {
      ring.claimTimeout(Duration.ofMillis(20));
      assertTrue(ring.write(1, new byte[4]));
      // A live producer (this JVM, in slot 3) moved the tail by 72 bytes and stalls before its
      // header, while one dead producer left a claim in flight and another none.
      registerProducer(ring, 3, Processes.currentPid(), Processes.currentStartTime(), 1);
      long claimed = ring.producerPosition();
      MappedRingBuffer.LONG.getAndAdd(TestRings.meta(ring), TAIL_POSITION_OFFSET, 72L);
      registerDeadProducer(ring, 5, 1);
      registerDeadProducer(ring, 6, 0);
      assertTrue(ring.write(2, new byte[20]));
      assertEquals(List.of(1), readFor(ring, 300), "many claim timeouts later: still waiting");
      assertEquals(0, ring.stats().unblocks());
      // The live producer goes on: header, end of its claim in flight, payload, commit.
      long record = claimed & (ring.capacity() - 1);
      MemorySegment data = ring.buffer();
      data.set(ValueLayout.JAVA_INT, record + TYPE_OFFSET, 7 | 3 << SLOT_SHIFT);
      data.set(ValueLayout.JAVA_INT, record + LENGTH_OFFSET, -72);
      setSlotField(ring, 3, PRODUCER_CLAIMS, 0L);
      data.asSlice(record + HEADER_LENGTH, 64).fill((byte) 0x5a);
      MappedRingBuffer.INT.setRelease(data, record + LENGTH_OFFSET, 72);
      List<Integer> lengths = new ArrayList<>();
      ring.read((t, b, o, l) -> lengths.add(t << 8 | l), 10);
      assertEquals(List.of(7 << 8 | 64, 2 << 8 | 20), lengths, "nothing lost, nothing padded");
      assertEquals(0, ring.stats().unblocks());
      assertEquals(0, ring.size());
    }
  }

  @Test
  void deadProducersHeaderlessClaimIsPaddedAndTheConsumerGoesOn() throws Exception {
    try (RingBuffer ring = RingBuffers.createManyToOne(rings.path("ring"), 4096)) {
      ring.claimTimeout(Duration.ofMillis(20));
      assertTrue(ring.write(1, new byte[4])); // registers this live process, nothing in flight
      registerDeadProducer(ring, 9, 1);
      MappedRingBuffer.LONG.getAndAdd(TestRings.meta(ring), TAIL_POSITION_OFFSET, 136L);
      assertTrue(ring.write(2, new byte[20]));
      assertEquals(List.of(1, 2), readFor(ring, 200));
      assertEquals(1, ring.stats().unblocks());
      assertTrue(ring.write(3, new byte[5]));
      assertEquals(List.of(3), readFor(ring, 50));
      assertEquals(0, ring.size());
    }
  }

  @Test
  void aSlotChangingHandsCountsAsAliveWhileTheProcessMovingItRuns() throws Exception {
    try (RingBuffer ring = RingBuffers.createOneToOne(rings.path("ring"), 4096)) {
      ring.claimTimeout(Duration.ofMillis(20));
      // As if slot 9 had claimed and were now being taken over by this (live) process.
      long index = claimAsSlot(ring, 9);
      registerProducer(ring, 9, ProducerSlots.inFlux(), 0, 0);
      assertEquals(List.of(), readFor(ring, 150));
      assertEquals(0, ring.stats().unblocks());
      assertEquals(ProducerSlots.inFlux(), slotField(ring, 9, PRODUCER_PID), "not freed");
      ring.commit(index);
      assertEquals(List.of(8), readFor(ring, 50));
    }
  }

  @Test
  void aSlotLeftChangingHandsByADeadProcessIsFreedAndItsClaimPadded() throws Exception {
    try (RingBuffer ring = RingBuffers.createManyToOne(rings.path("ring"), 4096)) {
      ring.claimTimeout(Duration.ofMillis(20));
      // Slot 9 made the claim; then a process that was taking the slot over died mid-way.
      claimAsSlot(ring, 9);
      long deadMover = ProcessIdentity.of(Processes.currentPid(), Processes.currentStartTime() + 7);
      registerProducer(ring, 9, -deadMover, 0, 0);
      assertTrue(ring.write(3, new byte[1]));
      assertEquals(List.of(3), readFor(ring, 200));
      assertEquals(1, ring.stats().unblocks());
      assertEquals(0, slotField(ring, 9, PRODUCER_PID), "the consumer freed the slot");
      assertEquals(0, slotField(ring, 9, PRODUCER_START_TIME));
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
      claimAsSlot(ring, 9);
      assertTrue(ring.write(3, new byte[1]));
      assertEquals(List.of(7, 3), readFor(ring, 200));
      assertEquals(1, ring.stats().unblocks());
      assertEquals(2, ring.stats().recordsWritten(), "the recovered claim is not a record");
      assertEquals(0, ring.stats().recordBacklog());
    }
  }

  /** Writes and reads messages until the tail is {@code bytesBeforeEnd} short of the ring's end. */
  private static void moveTailToBeforeTheEnd(RingBuffer ring, int bytesBeforeEnd) {
    long target = ring.capacity() - bytesBeforeEnd;
    while ((ring.producerPosition() & (ring.capacity() - 1)) + 64 <= target) {
      assertTrue(ring.write(1, new byte[56]));
      ring.read((t, b, o, l) -> {}, 10);
    }
    long rest = target - (ring.producerPosition() & (ring.capacity() - 1));
    if (rest > 0) assertTrue(ring.write(1, new byte[(int) rest - HEADER_LENGTH]));
    while (ring.read((t, b, o, l) -> {}, 10) > 0) {}
    assertEquals(target, ring.producerPosition() & (ring.capacity() - 1));
    assertEquals(0, ring.size());
  }

  @Test
  void deadProducersHeaderlessClaimAcrossTheWrapIsPaddedInBothParts() throws Exception {
    try (RingBuffer ring = RingBuffers.createManyToOne(rings.path("ring"), 4096)) {
      ring.claimTimeout(Duration.ofMillis(20));
      moveTailToBeforeTheEnd(ring, 24);
      // A dead producer moved the tail over 24 bytes of padding and a 112-byte record at the start,
      // and wrote neither the padding nor its header.
      registerDeadProducer(ring, 9, 1);
      MappedRingBuffer.LONG.getAndAdd(TestRings.meta(ring), TAIL_POSITION_OFFSET, 24L + 112);
      assertTrue(ring.write(2, new byte[20]));
      assertEquals(List.of(2), readFor(ring, 400));
      assertEquals(2, ring.stats().unblocks(), "the end of the ring, then the start");
      assertEquals(0, ring.size());
    }
  }

  @Test
  void deadProducersHeaderlessClaimAtTheFirstPositionIsPadded() throws Exception {
    try (RingBuffer ring = RingBuffers.createManyToOne(rings.path("ring"), 4096)) {
      ring.claimTimeout(Duration.ofMillis(20));
      registerDeadProducer(ring, 9, 1);
      MappedRingBuffer.LONG.getAndAdd(TestRings.meta(ring), TAIL_POSITION_OFFSET, 72L);
      assertTrue(ring.write(2, new byte[20]));
      assertEquals(List.of(2), readFor(ring, 300));
      assertEquals(1, ring.stats().unblocks());
    }
  }

  /**
   * Makes {@code slot} a thread's own slot that recorded a claim: an attempt at {@code start}, and
   * {@code end}, the end of the claim it made (at or below {@code start}: its previous claim).
   */
  private static void recordClaim(RingBuffer ring, int slot, long start, long end) {
    setSlotField(ring, slot, PRODUCER_THREAD, 4242L);
    setSlotField(ring, slot, PRODUCER_CLAIM_START, start);
    setSlotField(ring, slot, PRODUCER_CLAIM_END, end);
  }

  /** Moves the tail over {@code bytes} claimed by nobody who wrote a header. */
  private static long moveTail(RingBuffer ring, long bytes) {
    return (long)
        MappedRingBuffer.LONG.getAndAdd(TestRings.meta(ring), TAIL_POSITION_OFFSET, bytes);
  }

  @Test
  void deadThreadsClaimWithAPayloadButNoHeaderIsPaddedToTheEndItsSlotRecorded() throws Exception {
    try (RingBuffer ring = RingBuffers.createManyToOne(rings.path("ring"), 4096)) {
      ring.claimTimeout(Duration.ofMillis(20));
      assertTrue(ring.write(1, new byte[4]));
      // A thread of a dead process claimed 72 bytes and copied its payload, which holds words that
      // look like headers, and died before its header: only its slot knows where the claim ends.
      registerDeadProducer(ring, 9);
      long start = moveTail(ring, 72);
      recordClaim(ring, 9, start, start + 72);
      MemorySegment data = ring.buffer();
      long index = start & (ring.capacity() - 1);
      for (int word = 1; word < 9; word++) {
        data.set(ValueLayout.JAVA_LONG, index + 8L * word, MappedRingBuffer.header(16, 3));
      }
      assertTrue(ring.write(2, new byte[20]));
      assertEquals(List.of(1, 2), readFor(ring, 300), "the payload is not read as records");
      assertEquals(1, ring.stats().unblocks());
      assertEquals(0, ring.size());
      assertEquals(2, ring.stats().recordsWritten(), "the padded claim is not a record");
    }
  }

  @Test
  void liveThreadsClaimWithoutAHeaderIsNotPaddedWhateverDeadProducersSay() throws Exception {
    try (RingBuffer ring = RingBuffers.createManyToOne(rings.path("ring"), 4096)) {
      ring.claimTimeout(Duration.ofMillis(20));
      assertTrue(ring.write(1, new byte[4]));
      // A live thread (this process, slot 3) claimed 72 bytes and is copying its payload; a dead
      // one recorded an attempt at the same position (it lost the race) and another counts a claim
      // in flight.
      registerProducer(ring, 3, Processes.currentPid(), Processes.currentStartTime(), 0);
      long start = moveTail(ring, 72);
      recordClaim(ring, 3, start, start + 72);
      registerDeadProducer(ring, 5);
      recordClaim(ring, 5, start, start);
      registerDeadProducer(ring, 6, 1);
      MemorySegment data = ring.buffer();
      long index = start & (ring.capacity() - 1);
      data.asSlice(index + HEADER_LENGTH, 64).fill((byte) 0x5a);
      assertTrue(ring.write(2, new byte[20]));
      assertEquals(List.of(1), readFor(ring, 300), "many claim timeouts later: still waiting");
      assertEquals(0, ring.stats().unblocks());
      // The live thread commits: type and length in one store.
      MappedRingBuffer.LONG.setRelease(
          data, index, MappedRingBuffer.header(72, 7 | 3 << SLOT_SHIFT));
      List<Integer> lengths = new ArrayList<>();
      ring.read((t, b, o, l) -> lengths.add(t << 8 | l), 10);
      assertEquals(List.of(7 << 8 | 64, 2 << 8 | 20), lengths, "nothing lost, nothing padded");
      assertEquals(0, ring.stats().unblocks());
    }
  }

  @Test
  void deadThreadsMadeClaimIsPaddedWhileALiveThreadThatLostTheRaceShowsItsAttemptThere()
      throws Exception {
    try (RingBuffer ring = RingBuffers.createManyToOne(rings.path("ring"), 4096)) {
      ring.claimTimeout(Duration.ofMillis(20));
      assertTrue(ring.write(1, new byte[4]));
      // Two threads tried to claim at the same position: a live one (slot 3) lost and still shows
      // its attempt; the dead one (slot 9) won, recorded the end and copied part of its payload.
      registerProducer(ring, 3, Processes.currentPid(), Processes.currentStartTime(), 0);
      registerDeadProducer(ring, 9);
      long start = moveTail(ring, 72);
      recordClaim(ring, 3, start, start);
      recordClaim(ring, 9, start, start + 72);
      ring.buffer().asSlice((start & 4095) + HEADER_LENGTH, 40).fill((byte) 0x5a);
      assertTrue(ring.write(2, new byte[20]));
      assertEquals(List.of(1, 2), readFor(ring, 300));
      assertEquals(1, ring.stats().unblocks());
      assertEquals(0, ring.size());
    }
  }

  @Test
  void aThreadRefusedForAFullRingLeavesNoAttemptRecorded() throws Exception {
    try (RingBuffer ring = RingBuffers.createManyToOne(rings.path("ring"), 4096)) {
      while (ring.write(1, new byte[24])) {}
      int own = 0;
      for (int slot = 1; slot < PRODUCER_SLOTS; slot++) {
        if (slotField(ring, slot, PRODUCER_PID) == Processes.currentPid()
            && slotField(ring, slot, PRODUCER_THREAD) == Thread.currentThread().threadId()) {
          own = slot;
        }
      }
      assertNotEquals(0, own, "this thread has a slot of its own");
      // As if this thread had just lost a compare-and-set at the head: once refused, it has no
      // claim in flight, and a dead winner's header-less claim there must not look like its own.
      setSlotField(ring, own, PRODUCER_CLAIM_START, ring.consumerPosition());
      assertFalse(ring.write(1, new byte[24]));
      assertEquals(NO_CLAIM, slotField(ring, own, PRODUCER_CLAIM_START));
      // A start of NO_CLAIM with the last claim's end beyond the head is no claim either: a dead
      // thread's header-less claim at the head is padded.
      ring.claimTimeout(Duration.ofMillis(20));
      while (ring.read((t, b, o, l) -> {}, 100) > 0) {}
      registerDeadProducer(ring, 9);
      long start = moveTail(ring, 40);
      recordClaim(ring, 9, start, start);
      assertTrue(ring.write(2, new byte[24]));
      setSlotField(ring, own, PRODUCER_CLAIM_START, NO_CLAIM);
      assertTrue(slotField(ring, own, PRODUCER_CLAIM_END) > ring.consumerPosition());
      assertEquals(List.of(2), readFor(ring, 300));
      assertEquals(1, ring.stats().unblocks());
    }
  }

  @Test
  void deadThreadThatDiedAroundItsCompareAndSetLeavesAZeroClaimThatIsPaddedToTheNextRecord()
      throws Exception {
    try (RingBuffer ring = RingBuffers.createManyToOne(rings.path("ring"), 4096)) {
      ring.claimTimeout(Duration.ofMillis(20));
      assertTrue(ring.write(1, new byte[4]));
      // A dead thread recorded its attempt at the head and moved the tail, but not the claim's end.
      registerDeadProducer(ring, 9);
      long start = moveTail(ring, 40);
      recordClaim(ring, 9, start, 16);
      assertTrue(ring.write(2, new byte[20]));
      assertEquals(List.of(1, 2), readFor(ring, 300));
      assertEquals(1, ring.stats().unblocks());
      assertEquals(0, ring.size());
      Thread.sleep(30);
      ring.awaitMessages(1_000_000); // an empty ring: dead producers' slots are freed
      assertEquals(0, slotField(ring, 9, PRODUCER_PID));
      assertEquals(NO_CLAIM, slotField(ring, 9, PRODUCER_CLAIM_START), "its claims forgotten");
      assertEquals(NO_CLAIM, slotField(ring, 9, PRODUCER_CLAIM_END));
    }
  }

  @Test
  void deadThreadsRecordedClaimAcrossTheWrapIsPaddedInBothParts() throws Exception {
    try (RingBuffer ring = RingBuffers.createManyToOne(rings.path("ring"), 4096)) {
      ring.claimTimeout(Duration.ofMillis(20));
      moveTailToBeforeTheEnd(ring, 24);
      // A dead thread moved the tail over 24 bytes of padding and a 112-byte record at the start,
      // recorded the claim, copied a payload and wrote neither header.
      registerDeadProducer(ring, 9);
      long start = moveTail(ring, 24 + 112);
      recordClaim(ring, 9, start, start + 24 + 112);
      ring.buffer().asSlice(HEADER_LENGTH, 104).fill((byte) 0x77);
      assertTrue(ring.write(2, new byte[20]));
      assertEquals(List.of(2), readFor(ring, 400));
      assertEquals(2, ring.stats().unblocks(), "the end of the ring, then the start");
      assertEquals(0, ring.size());
    }
  }

  @Test
  void unpublishedOneToOneClaimOfADeadProducerIsLeftForTheNextProducer() throws Exception {
    try (RingBuffer ring = RingBuffers.createOneToOne(rings.path("ring"), 4096)) {
      ring.claimTimeout(Duration.ofMillis(20));
      registerDeadProducer(ring, 9);
      // The dead producer wrote its header at the tail and died before moving the tail.
      ring.buffer().set(ValueLayout.JAVA_INT, TYPE_OFFSET, 8 | 9 << SLOT_SHIFT);
      ring.buffer().set(ValueLayout.JAVA_INT, LENGTH_OFFSET, -40);
      assertEquals(List.of(), readFor(ring, 100));
      assertEquals(0, ring.stats().unblocks(), "not published: nothing to pad");
      assertEquals(0, ring.consumerPosition());
      assertTrue(ring.write(3, new byte[7])); // the next producer writes over it
      assertEquals(List.of(3), readFor(ring, 50));
    }
  }

  @Test
  void oneToOnePaddingOfADeadProducerIsReadOnlyOnceTheTailCoversIt() throws Exception {
    try (RingBuffer ring = RingBuffers.createOneToOne(rings.path("ring"), 4096)) {
      ring.claimTimeout(Duration.ofMillis(20));
      moveTailToBeforeTheEnd(ring, 24);
      registerDeadProducer(ring, 9);
      long tail = ring.producerPosition();
      long end = tail & 4095;
      // Died after writing its header at the start and claiming the padding, before the tail store.
      ring.buffer()
          .set(ValueLayout.JAVA_LONG, 0, MappedRingBuffer.header(-40, 8 | 9 << SLOT_SHIFT));
      ring.buffer()
          .set(
              ValueLayout.JAVA_LONG,
              end,
              MappedRingBuffer.header(-24, PADDING_CLAIM_FLAG | MAX_TYPE | 9 << SLOT_SHIFT));
      assertEquals(List.of(), readFor(ring, 100));
      assertEquals(tail, ring.consumerPosition(), "nothing read past the tail");
      // Then after the tail store, before turning the padding claim into padding.
      MappedRingBuffer.LONG.setVolatile(TestRings.meta(ring), TAIL_POSITION_OFFSET, tail + 24 + 40);
      assertEquals(List.of(), readFor(ring, 200));
      assertEquals(2, ring.stats().unblocks(), "the padding claim, then the record's claim");
      assertEquals(tail + 64, ring.consumerPosition());
      assertTrue(ring.write(3, new byte[7]));
      assertEquals(List.of(3), readFor(ring, 50));
      // Neither the padding claim nor the padded record's claim counts as a record.
      assertEquals(0, ring.stats().recordBacklog());
    }
  }

  @Test
  void aClaimWhoseSlotBitsAreOutOfRangeIsReportedAsCorruption() throws Exception {
    try (RingBuffer ring = RingBuffers.createManyToOne(rings.path("ring"), 4096)) {
      ring.claimTimeout(Duration.ZERO);
      // A claimed header whose type field names "slot" 200: beyond the 128-slot table.
      ring.buffer().set(ValueLayout.JAVA_LONG, 0, MappedRingBuffer.header(-16, 200 << SLOT_SHIFT));
      MappedRingBuffer.LONG.setVolatile(TestRings.meta(ring), TAIL_POSITION_OFFSET, 16L);
      // The first read notes the stuck position; the clock is looked at every 64 reads after it.
      for (int i = 0; i < MappedRingBuffer.POLLS_PER_CLOCK_READ; i++) {
        ring.read((t, b, o, l) -> {}, 10);
      }
      UncheckedIOException e =
          assertThrows(UncheckedIOException.class, () -> ring.read((t, b, o, l) -> {}, 10));
      assertInstanceOf(FileFormatException.class, e.getCause());
      assertTrue(e.getMessage().contains("beyond the 128-slot table"), e.getMessage());
      assertEquals(0, ring.stats().unblocks());
    }
    try (RingBuffer ring = RingBuffers.createManyToOne(rings.path("ring2"), 4096)) {
      long index = ring.tryClaim(5, 8);
      ring.buffer().set(ValueLayout.JAVA_INT, index - HEADER_LENGTH + TYPE_OFFSET, 0xC8000005);
      UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> ring.abort(index));
      assertTrue(e.getMessage().contains("beyond the 128-slot table"), e.getMessage());
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
      TestRings.meta(ring).set(ValueLayout.JAVA_LONG, TAIL_POSITION_OFFSET, start);
      TestRings.meta(ring).set(ValueLayout.JAVA_LONG, HEAD_POSITION_OFFSET, start);
      TestRings.meta(ring).set(ValueLayout.JAVA_LONG, HEAD_CACHE_POSITION_OFFSET, start);
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
