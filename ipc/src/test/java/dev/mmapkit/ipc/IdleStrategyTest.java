package dev.mmapkit.ipc;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IdleStrategyTest {
  private TestRings rings;

  @BeforeEach
  void setUp() throws Exception {
    rings = new TestRings();
  }

  @AfterEach
  void tearDown() throws Exception {
    rings.close();
  }

  /** The first wait announces sleeping consumers and only parks; real sleeps start 10 ms later. */
  private static void enableSleeping(RingBuffer ring) throws InterruptedException {
    ring.awaitMessages(1_000_000_000L);
    Thread.sleep(15);
  }

  @Test
  void firstWaitOnlyParksUntilProducersKnowConsumersSleep() throws Exception {
    try (RingBuffer ring = rings.create("ring", 4096, false)) {
      long start = System.nanoTime();
      assertFalse(ring.awaitMessages(5_000_000_000L));
      assertTrue(System.nanoTime() - start < 1_000_000_000L, "parked, not slept");
      assertEquals(
          1,
          MappedRingBuffer.INT.getVolatile(
              ((MappedRingBuffer) ring).meta, RingBufferDescriptor.SLEEP_ENABLED_OFFSET));
    }
  }

  @Test
  void awaitMessagesReturnsAtOnceWhenMessagesWaitAndAfterTheTimeoutWhenNone() throws Exception {
    try (RingBuffer ring = rings.create("ring", 4096, true)) {
      enableSleeping(ring);
      long start = System.nanoTime();
      assertFalse(ring.awaitMessages(50_000_000));
      assertTrue(System.nanoTime() - start >= 40_000_000, "slept until the timeout");
      assertEquals(0, ring.stats().waiters());
      assertTrue(ring.write(1, new byte[1]));
      start = System.nanoTime();
      assertTrue(ring.awaitMessages(5_000_000_000L));
      assertTrue(System.nanoTime() - start < 1_000_000_000L);
      assertEquals(0, ring.stats().wakeUps(), "nobody slept, so nobody was woken");
    }
  }

  @Test
  void sleepingConsumerIsWokenByAProducerThread() throws Exception {
    try (RingBuffer ring = rings.create("ring", 4096, false)) {
      enableSleeping(ring);
      Thread producer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      while (ring.stats().waiters() == 0) Thread.sleep(1);
                    } catch (InterruptedException e) {
                      return;
                    }
                    ring.write(1, new byte[1]);
                  });
      long start = System.nanoTime();
      assertTrue(ring.awaitMessages(20_000_000_000L));
      assertTrue(System.nanoTime() - start < 10_000_000_000L, "woken, not timed out");
      producer.join();
      assertEquals(1, ring.stats().wakeUps());
    }
  }

  @Test
  void strategiesIdleAndReset() throws Exception {
    try (RingBuffer ring = rings.create("ring", 4096, false)) {
      IdleStrategy[] strategies = {
        new BusySpinIdleStrategy(),
        new YieldingIdleStrategy(),
        new SleepingIdleStrategy(Duration.ofNanos(1000)),
        new BackoffIdleStrategy(2, 2, Duration.ofNanos(1000), Duration.ofNanos(4000)),
        new BlockingIdleStrategy(ring, 2, Duration.ofMillis(1))
      };
      for (IdleStrategy strategy : strategies) {
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) strategy.idle(0);
        strategy.idle(1);
        assertTrue(System.nanoTime() - start < 2_000_000_000L, strategy.toString());
      }
      // With no spins left, one idle call sleeps on the futex until its bound.
      enableSleeping(ring);
      long start = System.nanoTime();
      IdleStrategy blocking = new BlockingIdleStrategy(ring, 0, Duration.ofMillis(20));
      blocking.idle(0);
      assertTrue(System.nanoTime() - start >= 15_000_000, "slept");
    }
  }

  @Test
  void badParametersAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new SleepingIdleStrategy(Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class,
        () -> new BackoffIdleStrategy(-1, 0, Duration.ofNanos(1), Duration.ofNanos(1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new BackoffIdleStrategy(0, 0, Duration.ofNanos(10), Duration.ofNanos(1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new BlockingIdleStrategy(null, -1, Duration.ofMillis(1)));
  }
}
