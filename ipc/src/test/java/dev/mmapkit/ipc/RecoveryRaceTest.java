package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.RingBufferDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.mmapkit.internal.Processes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Races between a many-to-one consumer recovering dead producers' claims and live producers: a live
 * producer's message is never lost while a dead one still counts a claim in flight (in a shared
 * slot) or records one (in a slot of its own).
 */
class RecoveryRaceTest {
  private TestRings rings;

  @BeforeEach
  void setUp() throws Exception {
    rings = new TestRings();
  }

  @AfterEach
  void tearDown() throws Exception {
    rings.close();
  }

  /**
   * Registers, unless the slot is taken (the consumer frees dead slots once the ring is empty), a
   * dead producer in {@code slot}: our pid with another start time, owning thread {@code thread},
   * {@code claimsInFlight}, no claim recorded.
   */
  private static void keepDeadProducer(
      RingBuffer ring, int slot, long thread, long claimsInFlight) {
    long offset = MappedRingBuffer.slotOffset(slot);
    MemorySegment meta = TestRings.meta(ring);
    if (MappedRingBuffer.LONG.compareAndSet(
        meta, offset + PRODUCER_PID, 0L, ProducerSlots.inFlux())) {
      meta.set(ValueLayout.JAVA_LONG, offset + PRODUCER_THREAD, thread);
      meta.set(ValueLayout.JAVA_LONG, offset + PRODUCER_CLAIMS, claimsInFlight);
      meta.set(ValueLayout.JAVA_LONG, offset + PRODUCER_CLAIM_START, NO_CLAIM);
      meta.set(ValueLayout.JAVA_LONG, offset + PRODUCER_CLAIM_END, NO_CLAIM);
      meta.set(
          ValueLayout.JAVA_LONG, offset + PRODUCER_START_TIME, Processes.currentStartTime() + 1);
      MappedRingBuffer.LONG.setVolatile(meta, offset + PRODUCER_PID, Processes.currentPid());
    }
  }

  /** A dead producer in slot 1 (shared) with one claim in flight. */
  private static void keepDeadClaimer(RingBuffer ring) {
    keepDeadProducer(ring, 1, PROCESS_SLOT, 1);
  }

  /**
   * A dead thread in slot 126 that recorded an attempt to claim at the head, as a thread does
   * before its compare-and-set (it may have lost the head to another).
   */
  private static void keepDeadThreadClaimingAtTheHead(RingBuffer ring) {
    keepDeadProducer(ring, 126, 4242L, 0);
    MappedRingBuffer.LONG.setVolatile(
        TestRings.meta(ring),
        MappedRingBuffer.slotOffset(126) + PRODUCER_CLAIM_START,
        ring.consumerPosition());
  }

  /**
   * Live producers only (each with a slot of its own, so their copying writes leave the header for
   * last), a dead producer that counts a claim in flight (as if its header-less claim lay further
   * on in the ring) and a dead thread that keeps recording an attempt at the head. Every message of
   * the live producers must be read.
   */
  @Test
  void aLiveProducersMessageIsNeverLostWhileADeadProducerHasAClaimInFlight() throws Exception {
    try (RingBuffer ring = rings.create("ring", 1 << 16, true)) {
      ring.claimTimeout(Duration.ZERO);
      keepDeadClaimer(ring);
      int threads = 4;
      int messages = 300_000;
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> producers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int producer = t;
        Thread thread =
            new Thread(
                () -> {
                  byte[] bytes = new byte[Payloads.HEADER];
                  for (int m = 0; m < messages && !stop.get(); m++) {
                    byte[] b = Payloads.bytes(producer, 0, m, Payloads.HEADER);
                    while (!ring.write(producer, b) && !stop.get()) Thread.onSpinWait();
                  }
                });
        thread.start();
        producers.add(thread);
      }
      long[] next = new long[threads];
      AtomicLong gaps = new AtomicLong();
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      long received = 0;
      while (received < (long) threads * messages && System.nanoTime() < deadline) {
        keepDeadClaimer(ring);
        keepDeadThreadClaimingAtTheHead(ring);
        received +=
            ring.read(
                (type, buffer, offset, length) -> {
                  long seq = Payloads.seq(buffer, offset);
                  if (seq != next[type]) gaps.incrementAndGet();
                  next[type] = seq + 1;
                },
                100);
        boolean allDone = producers.stream().noneMatch(Thread::isAlive);
        if (allDone && ring.size() == 0) break;
      }
      stop.set(true);
      for (Thread thread : producers) thread.join();
      System.out.println(
          "received "
              + received
              + " gaps "
              + gaps
              + " unblocks "
              + ring.stats().unblocks()
              + " written "
              + ring.stats().recordsWritten());
      assertEquals(0, gaps.get(), "messages of live producers lost");
      assertEquals((long) threads * messages, received);
    }
  }

  /**
   * unblock's header-less branch stores PADDING_TYPE into the head's type field before its
   * compare-and-set of the length. A live producer whose header lands after unblock read the length
   * (0) and before it read that producer's slot (in flight 0) has its type overwritten; its commit
   * then publishes a padding record: the message is silently dropped.
   */
  @Test
  void unblockNeverOverwritesALiveProducersHeader() throws Exception {
    try (RingBuffer ring = rings.create("ring", 4096, true)) {
      MappedRingBuffer m = (MappedRingBuffer) ring;
      MemorySegment meta = TestRings.meta(ring);
      MemorySegment data = ring.buffer();
      keepDeadClaimer(ring); // slot 1: dead, one claim in flight (its claim lies further on)
      long live = MappedRingBuffer.slotOffset(127);
      meta.set(ValueLayout.JAVA_LONG, live + PRODUCER_START_TIME, Processes.currentStartTime());
      meta.set(ValueLayout.JAVA_LONG, live + PRODUCER_THREAD, PROCESS_SLOT);
      meta.set(ValueLayout.JAVA_LONG, live + PRODUCER_CLAIM_START, NO_CLAIM);
      meta.set(ValueLayout.JAVA_LONG, live + PRODUCER_CLAIM_END, NO_CLAIM);
      meta.set(ValueLayout.JAVA_LONG, live + PRODUCER_PID, Processes.currentPid());
      // The live producer in slot 127 has moved the tail over a 16-byte claim at 0.
      MappedRingBuffer.LONG.setVolatile(meta, TAIL_POSITION_OFFSET, 16L);
      int clobbered = 0;
      int iterations = 3000;
      java.util.Random random = new java.util.Random(1);
      for (int it = 0; it < iterations; it++) {
        MappedRingBuffer.LONG.setVolatile(data, 0L, 0L);
        MappedRingBuffer.LONG.setVolatile(meta, live + PRODUCER_CLAIMS, 1L); // in flight
        int spins = random.nextInt(40_000);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        Thread producer =
            new Thread(
                () -> {
                  try {
                    go.await();
                  } catch (InterruptedException e) {
                    return;
                  }
                  for (int s = 0; s < spins; s++) Thread.onSpinWait();
                  // What claim() does after its compare-and-set: header, then out of flight.
                  MappedRingBuffer.LONG.setRelease(
                      data, 0L, MappedRingBuffer.header(-16, 5 | 127 << SLOT_SHIFT));
                  MappedRingBuffer.LONG.setRelease(meta, live + PRODUCER_CLAIMS, 0L);
                });
        producer.start();
        go.countDown();
        boolean padded = m.unblock(0);
        producer.join();
        int length = data.get(ValueLayout.JAVA_INT, LENGTH_OFFSET);
        int type = data.get(ValueLayout.JAVA_INT, TYPE_OFFSET);
        assertFalse(padded && length != -16, "padded");
        if (length == -16 && type == PADDING_TYPE) {
          clobbered++;
          if (clobbered == 1) {
            // The producer goes on: payload, commit. The consumer reads nothing.
            ring.commit(HEADER_LENGTH);
            List<Integer> types = new ArrayList<>();
            ring.read((t, b, o, l) -> types.add(t), 10);
            System.out.println(
                "after the commit the consumer read "
                    + types
                    + ", head "
                    + ring.consumerPosition());
            assertTrue(types.isEmpty());
            break;
          }
        }
      }
      System.out.println("clobbered live headers: " + clobbered);
      assertEquals(0, clobbered, "a live producer's type field was overwritten with PADDING_TYPE");
    }
  }
}
