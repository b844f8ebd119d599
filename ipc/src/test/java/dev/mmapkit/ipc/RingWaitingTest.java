package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.RingBufferDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mmapkit.internal.ByteLocks;
import dev.mmapkit.internal.NativeAccess;
import dev.mmapkit.internal.Processes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ring's sleeping consumer: its waiter word, and sleeping while a claim is open. */
@Timeout(60)
class RingWaitingTest {
  private TestRings rings;

  @BeforeEach
  void setUp() throws Exception {
    rings = new TestRings();
  }

  @AfterEach
  void tearDown() throws Exception {
    rings.close();
  }

  private static void setSleeper(RingBuffer ring, long identity) {
    MappedRingBuffer.LONG.setVolatile(((MappedRingBuffer) ring).meta, WAITERS_OFFSET, identity);
  }

  private static long sleeper(RingBuffer ring) {
    return (long) MappedRingBuffer.LONG.getVolatile(((MappedRingBuffer) ring).meta, WAITERS_OFFSET);
  }

  @Test
  void theSleepersWordIsClearedOnlyFromTheIdentityOfAProcessThatIsGone() throws Exception {
    long dead = ProcessIdentity.of(ProcessHandle.current().pid(), Processes.currentStartTime() + 7);
    long parent = ProcessHandle.current().parent().orElseThrow().pid();
    long live = ProcessIdentity.of(parent, Processes.startTime(parent).orElseThrow());
    try (MappedRingBuffer ring =
        (MappedRingBuffer) RingBuffers.createManyToOne(rings.path("ring"), 4096)) {
      // A consumer asleep in another live process: a producer's check leaves it alone. (With a
      // count, a producer that read a dead consumer's pid and a stale count reset a live one's.)
      setSleeper(ring, live);
      ring.clearWaitersOfDeadConsumer();
      assertEquals(live, sleeper(ring));
      assertEquals(1, ring.stats().waiters());
      // A consumer killed asleep: cleared by a producer's check...
      setSleeper(ring, dead);
      ring.clearWaitersOfDeadConsumer();
      assertEquals(0, sleeper(ring));
      // ... and by the next consumer when it registers.
      setSleeper(ring, dead);
      ring.read((t, b, o, l) -> {}, 1);
      assertEquals(0, sleeper(ring));
      assertEquals(0, ring.stats().waiters());
    }
  }

  @Test
  void aSleepingConsumerHoldsTheConsumerLockAndIsJudgedByItOnceRegistered() throws Exception {
    assumeTrue(NativeAccess.get().isPresent(), "no native access");
    long parent = ProcessHandle.current().parent().orElseThrow().pid();
    long parentStart = Processes.startTime(parent).orElseThrow();
    long live = ProcessIdentity.of(parent, parentStart);
    try (MappedRingBuffer ring =
            (MappedRingBuffer) RingBuffers.createManyToOne(rings.path("ring"), 4096);
        ByteLocks look = ByteLocks.open(rings.path("ring"), false, ring.meta).orElseThrow()) {
      MemorySegment meta = ring.meta;
      // The registered consumer, a live process by pid, marked as holding a lock nobody holds:
      // how a consumer killed asleep in another PID namespace looks from here.
      meta.set(ValueLayout.JAVA_LONG, CONSUMER_PID_OFFSET, parent);
      meta.set(ValueLayout.JAVA_LONG, CONSUMER_START_TIME_OFFSET, parentStart);
      meta.set(ValueLayout.JAVA_LONG, CONSUMER_LIVENESS_OFFSET, LIVENESS_BY_PID);
      setSleeper(ring, live);
      ring.clearWaitersOfDeadConsumer();
      assertEquals(live, sleeper(ring), "by pid: alive");
      meta.set(ValueLayout.JAVA_LONG, CONSUMER_LIVENESS_OFFSET, LIVENESS_BY_LOCK);
      ring.clearWaitersOfDeadConsumer();
      assertEquals(0, sleeper(ring), "by lock: dead");
      // A sleeper that is not the registered consumer is judged by pid, whatever the word says.
      meta.set(ValueLayout.JAVA_LONG, CONSUMER_PID_OFFSET, 1L);
      setSleeper(ring, live);
      ring.clearWaitersOfDeadConsumer();
      assertEquals(live, sleeper(ring));
      setSleeper(ring, 0);
      // This process's consumer: it takes the lock before its first sleep, and keeps it.
      assertFalse(ring.awaitMessages(1_000_000));
      assertEquals(LIVENESS_BY_LOCK, meta.get(ValueLayout.JAVA_LONG, CONSUMER_LIVENESS_OFFSET));
      assertEquals(Processes.currentPid(), meta.get(ValueLayout.JAVA_LONG, CONSUMER_PID_OFFSET));
      assertTrue(look.isHeldByOther(CONSUMER_PID_OFFSET));
      ring.close();
      assertFalse(look.isHeldByOther(CONSUMER_PID_OFFSET), "released by close()");
    }
  }

  @Test
  void anIdleBlockingConsumerSleepsWhileAClaimIsOpenAndWakesOnTheCommit() throws Exception {
    for (boolean manyToOne : new boolean[] {false, true}) {
      String name = manyToOne ? "m2o" : "o2o";
      try (RingBuffer ring =
          manyToOne
              ? RingBuffers.createManyToOne(rings.path(name), 4096)
              : RingBuffers.createOneToOne(rings.path(name), 4096)) {
        long claim = ring.tryClaim(5, 8);
        AtomicLong cpuNanos = new AtomicLong(-1);
        AtomicLong receivedAt = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long spinUntil = System.nanoTime() + 500_000_000L;
        Thread consumer =
            new Thread(
                () -> {
                  try {
                    IdleStrategy idle = new BlockingIdleStrategy(ring, 10, Duration.ofMillis(100));
                    long cpuStart = CrossProcessRingTest.threadCpuNanos();
                    while (receivedAt.get() == 0) {
                      if (cpuNanos.get() < 0 && System.nanoTime() > spinUntil) {
                        cpuNanos.set(CrossProcessRingTest.threadCpuNanos() - cpuStart);
                      }
                      if (ring.read((t, b, o, l) -> receivedAt.set(System.nanoTime()), 10) == 0) {
                        idle.idle();
                      } else {
                        idle.reset();
                      }
                    }
                  } catch (Throwable e) {
                    failure.set(e);
                  }
                });
        consumer.start();
        while (cpuNanos.get() < 0 && consumer.isAlive()) Thread.sleep(10);
        // Before the fix the consumer went round read() = 0, awaitMessages() = true: 500 ms of CPU.
        assertTrue(
            cpuNanos.get() < 100_000_000L,
            name + ": consumer used " + cpuNanos.get() / 1_000_000 + " ms CPU in 500 ms");
        long committedAt = System.nanoTime();
        ring.commit(claim);
        consumer.join(5_000);
        assertNull(failure.get());
        assertTrue(receivedAt.get() != 0, name + ": the commit was not received");
        long latencyMillis = (receivedAt.get() - committedAt) / 1_000_000;
        assertTrue(latencyMillis < 200, name + ": received " + latencyMillis + " ms after commit");
      }
    }
  }
}
