package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.RingBufferDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mmapkit.internal.ByteLocks;
import dev.mmapkit.internal.NativeAccess;
import dev.mmapkit.internal.Processes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Many-to-one producer threads with slots of their own (plain-store claim counting) and the process
 * slot they fall back to, read through the producer table in the file.
 */
class ProducerSlotsTest {
  private TestRings rings;

  @BeforeEach
  void setUp() throws Exception {
    rings = new TestRings();
  }

  @AfterEach
  void tearDown() throws Exception {
    rings.close();
  }

  /** Occupied slots: index → owning thread id ({@link RingBufferDescriptor#PROCESS_SLOT} = 0). */
  private static Map<Integer, Long> occupiedSlots(RingBuffer ring) {
    MemorySegment meta = TestRings.meta(ring);
    Map<Integer, Long> slots = new HashMap<>();
    for (int i = 1; i < PRODUCER_SLOTS; i++) {
      long offset = MappedRingBuffer.slotOffset(i);
      if (meta.get(ValueLayout.JAVA_LONG, offset + PRODUCER_PID) != 0) {
        assertEquals(
            Processes.currentPid(), meta.get(ValueLayout.JAVA_LONG, offset + PRODUCER_PID));
        slots.put(i, meta.get(ValueLayout.JAVA_LONG, offset + PRODUCER_THREAD));
      }
    }
    return slots;
  }

  /**
   * With native access a producer holds its slot by a lock, which another descriptor sees; the
   * consumer judges it by that lock, and once the lock is gone (as when the process dies) the slot
   * is free to be recovered, whatever its pid says.
   */
  @Test
  void aProducerHoldsItsSlotByALockThatTheConsumerJudges() throws Exception {
    assumeTrue(NativeAccess.get().isPresent(), "no native access");
    try (RingBuffer ring = RingBuffers.createManyToOne(rings.path("locked"), 4096)) {
      assertTrue(ring.write(1, new byte[8]));
      int slot = occupiedSlots(ring).keySet().iterator().next();
      long offset = MappedRingBuffer.slotOffset(slot);
      MemorySegment meta = TestRings.meta(ring);
      assertEquals(LIVENESS_BY_LOCK, meta.get(ValueLayout.JAVA_LONG, offset + PRODUCER_LIVENESS));
      assertTrue(((MappedRingBuffer) ring).producerAlive(slot));
      try (ByteLocks look = ByteLocks.open(rings.path("locked"), false, meta).orElseThrow()) {
        assertTrue(look.isHeldByOther(offset + PRODUCER_PID));
      }
      // A copy of that slot in the next one, marked as held by a lock nobody holds there: dead,
      // though its pid is ours.
      int free = slot + 1;
      long freeOffset = MappedRingBuffer.slotOffset(free);
      for (long word : new long[] {PRODUCER_START_TIME, PRODUCER_THREAD, PRODUCER_LIVENESS}) {
        meta.set(
            ValueLayout.JAVA_LONG,
            freeOffset + word,
            meta.get(ValueLayout.JAVA_LONG, offset + word));
      }
      meta.set(ValueLayout.JAVA_LONG, freeOffset + PRODUCER_PID, Processes.currentPid());
      assertFalse(((MappedRingBuffer) ring).producerAlive(free));
      meta.set(ValueLayout.JAVA_LONG, freeOffset + PRODUCER_LIVENESS, LIVENESS_BY_PID);
      assertTrue(((MappedRingBuffer) ring).producerAlive(free), "by pid: this process lives");
      meta.set(ValueLayout.JAVA_LONG, freeOffset + PRODUCER_PID, 0L);
    }
  }

  @Test
  void aRingWhosePathNamesAnotherFileByItsFirstClaimIsJudgedByPidNotLockedInTheOther()
      throws Exception {
    assumeTrue(NativeAccess.get().isPresent(), "no native access");
    Path path = rings.path("replaced");
    try (RingBuffer old = RingBuffers.createManyToOne(path, 4096)) {
      Files.delete(path);
      Thread.sleep(2); // another millisecond: another header
      try (RingBuffer replacement = RingBuffers.createManyToOne(path, 4096)) {
        assertTrue(old.write(1, new byte[8]));
        int slot = occupiedSlots(old).keySet().iterator().next();
        long offset = MappedRingBuffer.slotOffset(slot);
        assertEquals(
            LIVENESS_BY_PID,
            TestRings.meta(old).get(ValueLayout.JAVA_LONG, offset + PRODUCER_LIVENESS));
        assertTrue(((MappedRingBuffer) old).producerAlive(slot));
        try (ByteLocks look =
            ByteLocks.open(path, false, TestRings.meta(replacement)).orElseThrow()) {
          assertFalse(look.isHeldByOther(offset + PRODUCER_PID), "a lock in the other file");
        }
      }
    }
  }

  /** Starts {@code threads} threads that each write {@code messages} messages, then waits. */
  private static List<Long> writeFromThreads(RingBuffer ring, int threads, int messages)
      throws Exception {
    return runInThreads(
        threads,
        producer -> {
          for (int m = 0; m < messages; m++) {
            assertTrue(ring.write(producer, Payloads.bytes(producer, 0, m, Payloads.HEADER)));
          }
        });
  }

  /**
   * Starts {@code threads} threads that each run {@code work} with their number, all alive until
   * all are done (so none takes the slot of one that ended), then waits; returns their ids.
   */
  private static List<Long> runInThreads(int threads, IntConsumer work) throws Exception {
    CountDownLatch allDone = new CountDownLatch(threads);
    CountDownLatch release = new CountDownLatch(1);
    List<Thread> started = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int producer = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  work.accept(producer);
                  allDone.countDown();
                  release.await(); // alive while the test looks at the table
                } catch (Throwable e) {
                  synchronized (failures) {
                    failures.add(e);
                  }
                  allDone.countDown();
                }
              });
      thread.start();
      started.add(thread);
    }
    allDone.await();
    List<Long> ids = started.stream().map(Thread::threadId).toList();
    release.countDown();
    for (Thread thread : started) thread.join();
    assertEquals(List.of(), failures);
    return ids;
  }

  /**
   * A refused write or claim counts in the slot of the thread it refused, with a plain store, and
   * in the shared word only for threads that share the process slot; the count of a slot outlives
   * its owner and goes on with the next.
   */
  @Test
  void refusalsCountInTheirThreadsSlotsAndAddUpInStats() throws Exception {
    try (RingBuffer ring = rings.create("ring", 4096, true)) {
      while (ring.write(1, new byte[56])) {}
      IntConsumer refusedSevenTimes =
          producer -> {
            for (int i = 0; i < 7; i++) {
              assertFalse(ring.write(1, new byte[56]));
              assertEquals(RingBuffer.BACK_PRESSURED, ring.tryClaim(1, 56));
            }
          };
      runInThreads(20, refusedSevenTimes);
      MemorySegment meta = TestRings.meta(ring);
      // This thread took a slot when it filled the ring, so 15 of the 20 had room for their own.
      assertEquals(5 * 14, meta.get(ValueLayout.JAVA_LONG, BACK_PRESSURE_COUNT_OFFSET));
      assertEquals(1 + 20 * 14, ring.stats().backPressureEvents());
      long[] slotCounts = new long[PRODUCER_SLOTS];
      for (int i = 0; i < PRODUCER_SLOTS; i++) {
        slotCounts[i] =
            meta.get(ValueLayout.JAVA_LONG, MappedRingBuffer.slotOffset(i) + PRODUCER_REFUSALS);
      }
      for (int round = 0; round < 3; round++) runInThreads(1, refusedSevenTimes);
      assertEquals(1 + 23 * 14, ring.stats().backPressureEvents());
      long added = 0;
      for (int i = 0; i < PRODUCER_SLOTS; i++) {
        long now =
            meta.get(ValueLayout.JAVA_LONG, MappedRingBuffer.slotOffset(i) + PRODUCER_REFUSALS);
        if (now != slotCounts[i]) {
          assertEquals(14, slotCounts[i], "counted on in an ended thread's slot, its count kept");
          added += now - slotCounts[i];
        }
      }
      assertEquals(3 * 14, added, "the later threads counted in slots of their own");
    }
  }

  @Test
  void eachProducerThreadHasASlotOfItsOwnAndOrderPerThreadHolds() throws Exception {
    try (RingBuffer ring = rings.create("ring", 1 << 20, true)) {
      List<Long> ids = writeFromThreads(ring, 4, 2_000);
      assertEquals(Set.copyOf(ids), Set.copyOf(occupiedSlots(ring).values()));
      assertEquals(4, occupiedSlots(ring).size());
      assertEquals(8_000, ring.stats().recordsWritten());
      assertEquals(1, ring.stats().producers(), "one process, however many slots");
      int[] next = new int[4];
      while (ring.read(
              (type, buffer, offset, length) ->
                  assertEquals(next[type]++, Payloads.seq(buffer, offset)),
              1000)
          > 0) {}
      assertArrayEquals(new int[] {2_000, 2_000, 2_000, 2_000}, next);
    }
  }

  @Test
  void aSlotOfAThreadThatEndedGoesToTheNextThread() throws Exception {
    try (RingBuffer ring = rings.create("ring", 1 << 20, true)) {
      for (int round = 0; round < 40; round++) writeFromThreads(ring, 1, 3);
      assertEquals(1, occupiedSlots(ring).size(), "40 threads one after another, one slot");
      assertEquals(120, ring.stats().recordsWritten());
    }
  }

  @Test
  void threadsBeyondTheirShareOfSlotsShareTheProcessSlot() throws Exception {
    try (RingBuffer ring = rings.create("ring", 1 << 20, true)) {
      writeFromThreads(ring, 20, 50);
      Map<Integer, Long> slots = occupiedSlots(ring);
      assertEquals(17, slots.size(), "16 slots of threads and the process slot: " + slots);
      assertEquals(
          1, slots.values().stream().filter(thread -> thread == PROCESS_SLOT).count(), "" + slots);
      assertEquals(1_000, ring.stats().recordsWritten());
      assertEquals(1, ring.stats().producers());
    }
  }

  @Test
  void ringObjectsOfOneFileShareTheProcesssSlotsAndCloseGivesNoneBack() throws Exception {
    // Slots held by lock are kept while a ring object of the process on the file is reachable
    // (once none is, the cleaner closes their descriptor and the consumer frees them): this one.
    try (RingBuffer first = rings.create("ring", 1 << 20, true)) {
      writeFromThreads(first, 3, 10);
      assertEquals(3, occupiedSlots(first).size());
      for (int reopen = 0; reopen < 5; reopen++) {
        try (RingBuffer ring = RingBuffers.open(rings.path("ring"));
            RingBuffer other = RingBuffers.open(rings.path("ring"))) {
          assertEquals(3, occupiedSlots(ring).size(), "closing gave none back");
          writeFromThreads(ring, 2, 10);
          writeFromThreads(other, 1, 10);
          assertTrue(ring.write(1, new byte[4]));
          assertTrue(other.write(1, new byte[4]), "this thread, its one slot, through both");
          assertEquals(
              3, occupiedSlots(ring).size(), "new threads, this one too, took ended ones'");
        }
      }
    }
    try (RingBuffer ring = RingBuffers.open(rings.path("ring"))) {
      assertEquals(rings.path("ring").toAbsolutePath(), ((MappedRingBuffer) ring).path());
      assertEquals(30 + 5 * 32, ring.stats().recordsWritten());
      assertEquals(1, ring.stats().producers());
    }
  }

  @Test
  void closingWhileAThreadClaimsLeavesItsSlotAndCountsAlone() throws Exception {
    for (int round = 0; round < 20; round++) {
      RingBuffer ring = rings.create("ring" + round, 1 << 20, true);
      long[] committed = {0};
      CountDownLatch started = new CountDownLatch(1);
      Thread producer =
          new Thread(
              () -> {
                try {
                  while (true) {
                    long index = ring.tryClaim(1, 8);
                    if (index >= 0) {
                      ring.commit(index);
                      committed[0]++;
                      started.countDown();
                    }
                  }
                } catch (IllegalStateException closed) {
                  // the ring was closed under this thread
                }
              });
      producer.start();
      started.await();
      ring.close();
      producer.join();
      try (RingBuffer again = RingBuffers.open(rings.path("ring" + round))) {
        Map<Integer, Long> slots = occupiedSlots(again);
        assertEquals(Set.of(producer.threadId()), Set.copyOf(slots.values()), "" + slots);
        long written = again.stats().recordsWritten();
        // The last claim may have been cut off between its tail move and its commit.
        assertTrue(
            written == committed[0] || written == committed[0] + 1, written + " " + committed[0]);
      }
    }
  }

  @Test
  void aClaimAbortedByAnotherThreadIsUncounted() throws Exception {
    try (RingBuffer ring = rings.create("ring", 1 << 20, true)) {
      assertTrue(ring.write(1, new byte[4]));
      long index = ring.tryClaim(2, 16);
      Thread aborter = new Thread(() -> ring.abort(index));
      aborter.start();
      aborter.join();
      assertTrue(ring.write(3, new byte[4]));
      assertEquals(2, ring.stats().recordsWritten());
      Set<Integer> types = new HashSet<>();
      ring.read((type, buffer, offset, length) -> types.add(type), 10);
      assertEquals(Set.of(1, 3), types);
    }
  }
}
