package dev.mmapkit.ipc;

import static org.junit.jupiter.api.Assertions.*;

import dev.mmapkit.testkit.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Rings shared by real processes: this JVM consumes, child JVMs produce. */
@Timeout(120)
class CrossProcessRingTest {
  private TestRings rings;

  @BeforeEach
  void setUp() throws Exception {
    rings = new TestRings();
  }

  @AfterEach
  void tearDown() throws Exception {
    ChildJvm.killRunning();
    rings.close();
  }

  /** Checks every message of every (producer, thread) arrives once, in order, intact. */
  private static final class OrderChecker implements MessageHandler {
    final int maxLength;
    final Map<Long, Long> next = new HashMap<>();
    long total;
    String failure;

    OrderChecker(int maxLength) {
      this.maxLength = maxLength;
    }

    @Override
    public void onMessage(int type, MemorySegment buffer, long offset, int length) {
      total++;
      if (failure != null) return;
      long seq = Payloads.seq(buffer, offset);
      long key = ((long) Payloads.producer(buffer, offset) << 32) | Payloads.thread(buffer, offset);
      long expected = next.getOrDefault(key, 0L);
      if (seq != expected) {
        failure =
            "producer/thread " + Long.toHexString(key) + ": expected " + expected + ", got " + seq;
      } else if (type != (int) (seq & RingBufferDescriptor.MAX_TYPE)) {
        failure = "message " + seq + " has type " + type;
      } else if (length != Payloads.length(seq, maxLength)) {
        failure = "message " + seq + " has length " + length;
      } else {
        failure = Payloads.checkFiller(buffer, offset, seq, length);
      }
      next.put(key, expected + 1);
    }
  }

  private static void consume(RingBuffer ring, OrderChecker checker, long expectedTotal) {
    long deadline = System.nanoTime() + 90_000_000_000L;
    IdleStrategy idle = new BackoffIdleStrategy();
    while (checker.total < expectedTotal && checker.failure == null) {
      idle.idle(ring.read(checker, 256));
      assertTrue(System.nanoTime() < deadline, "timed out after " + checker.total + " messages");
    }
    assertNull(checker.failure);
    assertEquals(expectedTotal, checker.total);
  }

  /** This thread's time on a CPU (Linux schedstat, nanoseconds). */
  static long threadCpuNanos() {
    String schedstat;
    try {
      schedstat =
          java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/schedstat"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
  }

  @Test
  void producerProcessToConsumerProcessWithEveryRecordSize() throws Exception {
    try (RingBuffer ring = RingBuffers.createOneToOne(rings.path("o2o"), 16384)) {
      int maxLength = ring.maxMessageLength();
      long count = 30_000;
      Process producer =
          ChildJvm.start(
              ProducerMain.class,
              rings.path("o2o").toString(),
              "1",
              "1",
              Long.toString(count),
              Integer.toString(maxLength));
      OrderChecker checker = new OrderChecker(maxLength);
      consume(ring, checker, count);
      ChildJvm.Result result = ChildJvm.finish(producer, 30);
      assertEquals(0, result.exitCode(), result.toString());
      assertEquals(0, ring.size());
      assertTrue(ring.producerPosition() > 10 * ring.capacity(), "wrapped many times");
    }
  }

  @Test
  void threeProducerProcessesWithTwoThreadsEachLoseAndDuplicateNothing() throws Exception {
    try (RingBuffer ring = RingBuffers.createManyToOne(rings.path("m2o"), 65536)) {
      int maxLength = 300;
      long count = 20_000;
      List<Process> producers = new ArrayList<>();
      for (int p = 1; p <= 3; p++) {
        producers.add(
            ChildJvm.start(
                ProducerMain.class,
                rings.path("m2o").toString(),
                Integer.toString(p),
                "2",
                Long.toString(count),
                Integer.toString(maxLength)));
      }
      OrderChecker checker = new OrderChecker(maxLength);
      consume(ring, checker, 3 * 2 * count);
      for (Process producer : producers) {
        ChildJvm.Result result = ChildJvm.finish(producer, 30);
        assertEquals(0, result.exitCode(), result.toString());
      }
      assertEquals(6, checker.next.size());
      for (long n : checker.next.values()) assertEquals(count, n);
      assertEquals(0, ring.size());
      assertEquals(3 * 2 * count, ring.stats().recordsWritten());
      // Registered producer processes: the three, until a consumer sweep frees their slots.
      assertEquals(3, ring.stats().producers());
    }
  }

  private static Process startProducer(
      Path ring, int producer, long count, int maxLength, String mode) throws Exception {
    return ChildJvm.start(
        ProducerMain.class,
        ring.toString(),
        Integer.toString(producer),
        "1",
        Long.toString(count),
        Integer.toString(maxLength),
        mode);
  }

  /** The ring's head, tail, header at the head and the producer slots in use, for a failure. */
  private static String describe(RingBuffer ring) {
    MemorySegment meta = TestRings.meta(ring);
    long head = ring.consumerPosition();
    StringBuilder text =
        new StringBuilder("head ")
            .append(head)
            .append(", tail ")
            .append(ring.producerPosition())
            .append(", header at head 0x")
            .append(
                Long.toHexString(
                    ring.buffer()
                        .get(
                            java.lang.foreign.ValueLayout.JAVA_LONG,
                            head & (ring.capacity() - 1))));
    for (int slot = 0; slot < RingBufferDescriptor.PRODUCER_SLOTS; slot++) {
      long offset = MappedRingBuffer.slotOffset(slot);
      long[] words = new long[8];
      for (int w = 0; w < 8; w++) {
        words[w] = meta.get(java.lang.foreign.ValueLayout.JAVA_LONG, offset + 8L * w);
      }
      if (words[0] != 0 || words[2] != 0) {
        text.append("; slot ").append(slot).append(' ').append(java.util.Arrays.toString(words));
        text.append(((MappedRingBuffer) ring).producerAlive(slot) ? " alive" : " dead");
      }
    }
    return text.toString();
  }

  /** Messages of {@code producer}'s thread read so far. */
  private static long readFrom(OrderChecker checker, int producer) {
    return checker.next.getOrDefault((long) producer << 32, 0L);
  }

  /**
   * Producer processes killed at random points of their copying writes (whose payload comes before
   * the header), one after another, while another producer process writes on: the consumer pads
   * every claim the dead left open and reads all of the survivor's messages and a gap-free prefix
   * of each killed producer's, every one intact. (Where a kill lands is chance; the test prints how
   * many claims were padded. The states a kill can leave are set up one by one in
   * RecoveryAndLargeRingTest.)
   */
  /**
   * Producer processes count their refused writes in their slots; the ring's count adds them up,
   * and keeps them once they have exited, their slots have been freed and a later process uses one.
   */
  @Test
  void refusalsOfProducerProcessesOutliveThemAndTheirSlots() throws Exception {
    Path path = rings.path("m2o");
    try (RingBuffer ring = RingBuffers.createManyToOne(path, 4096)) {
      ring.claimTimeout(Duration.ofMillis(50));
      while (ring.write(1, new byte[56])) {}
      List<Process> producers = new ArrayList<>();
      for (int p = 0; p < 2; p++) {
        producers.add(ChildJvm.start(RefusedWriterMain.class, path.toString(), "2", "20"));
      }
      for (Process producer : producers) {
        ChildJvm.Result result = ChildJvm.finish(producer, 60);
        assertEquals(0, result.exitCode(), result.toString());
      }
      assertEquals(1 + 2 * 2 * 20, ring.stats().backPressureEvents());
      assertEquals(3, ring.stats().producers(), "the exited two and this process");
      while (ring.read((type, buffer, offset, length) -> {}, 100) > 0) {}
      Thread.sleep(60);
      ring.awaitMessages(1_000_000); // an empty ring: dead producers' slots are freed
      assertEquals(1, ring.stats().producers(), "only this process is left");
      assertEquals(1 + 2 * 2 * 20, ring.stats().backPressureEvents(), "freed slots keep counts");
      while (ring.write(1, new byte[56])) {}
      ChildJvm.Result later =
          ChildJvm.finish(ChildJvm.start(RefusedWriterMain.class, path.toString(), "1", "20"), 60);
      assertEquals(0, later.exitCode(), later.toString());
      assertEquals(2 + 5 * 20, ring.stats().backPressureEvents());
    }
  }

  @Test
  void producersKilledAtRandomPointsOfTheirWritesNeitherWedgeNorCorruptTheRing() throws Exception {
    Path path = rings.path("m2o");
    try (RingBuffer ring = RingBuffers.createManyToOne(path, 65536)) {
      ring.claimTimeout(Duration.ofMillis(100));
      int maxLength = Payloads.HEADER + 255; // one length per sequence number modulo 256
      long count = 40_000;
      Process survivor = startProducer(path, 1, count, maxLength, "mixed");
      int victim = 2;
      int lastVictim = 20;
      Process running = startProducer(path, victim, Long.MAX_VALUE, maxLength, "copying");
      OrderChecker checker = new OrderChecker(maxLength);
      IdleStrategy idle = new BackoffIdleStrategy();
      long deadline = System.nanoTime() + 90_000_000_000L;
      while (running != null || readFrom(checker, 1) < count || ring.size() != 0) {
        idle.idle(ring.read(checker, 256));
        assertNull(checker.failure);
        if (System.nanoTime() > deadline) {
          fail("stuck after " + checker.total + " messages: " + describe(ring));
        }
        if (running != null && readFrom(checker, victim) >= 3000) {
          running.destroyForcibly().waitFor();
          running =
              ++victim <= lastVictim
                  ? startProducer(path, victim, Long.MAX_VALUE, maxLength, "copying")
                  : null;
        }
      }
      ChildJvm.Result result = ChildJvm.finish(survivor, 30);
      assertEquals(0, result.exitCode(), result.toString());
      assertEquals(count, readFrom(checker, 1));
      System.out.println(
          "killed producers' claims padded: "
              + ring.stats().unblocks()
              + ", messages read: "
              + checker.total);
    }
  }

  @Test
  void consumerProcessRestartsWhileTheProducerKeepsWriting() throws Exception {
    try (RingBuffer ring = RingBuffers.createOneToOne(rings.path("restart"), 4096)) {
      int maxLength = 200;
      String path = rings.path("restart").toString();
      Process producer =
          ChildJvm.start(ProducerMain.class, path, "0", "1", "40000", Integer.toString(maxLength));
      ChildJvm.Result first =
          ChildJvm.finish(ChildJvm.start(ConsumerMain.class, path, "15000", "0", "200"), 60);
      assertEquals(0, first.exitCode(), first.toString());
      assertEquals("next=15000", first.stdout().strip());
      ChildJvm.Result second =
          ChildJvm.finish(ChildJvm.start(ConsumerMain.class, path, "25000", "15000", "200"), 60);
      assertEquals(0, second.exitCode(), second.toString());
      assertEquals("next=40000", second.stdout().strip());
      assertEquals(0, ChildJvm.finish(producer, 30).exitCode());
      assertEquals(40_000, ring.stats().recordsRead());
    }
  }

  @Test
  void claimOfAKilledProducerBecomesPaddingAndTheConsumerGoesOn() throws Exception {
    try (RingBuffer ring = RingBuffers.createManyToOne(rings.path("kill"), 4096)) {
      ring.claimTimeout(java.time.Duration.ofMillis(200));
      Process child = ChildJvm.start(ClaimAndHangMain.class, rings.path("kill").toString());
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("claimed", out.readLine());
      assertTrue(ring.write(9, new byte[] {9}));
      List<Integer> types = new ArrayList<>();
      MessageHandler handler = (t, b, o, l) -> types.add(t);
      long until = System.nanoTime() + 600_000_000L;
      while (System.nanoTime() < until) {
        ring.read(handler, 10);
        Thread.sleep(5);
      }
      assertEquals(List.of(1), types, "a live producer's claim is never taken away");
      assertEquals(0, ring.stats().unblocks());

      child.destroyForcibly().waitFor();
      until = System.nanoTime() + 10_000_000_000L;
      while (types.size() < 2 && System.nanoTime() < until) {
        ring.read(handler, 10);
        Thread.sleep(5);
      }
      assertEquals(List.of(1, 9), types);
      assertEquals(1, ring.stats().unblocks());
      assertEquals(0, ring.size());
    }
  }

  @ParameterizedTest(name = "manyToOne={0}, bytesBeforeEnd={1}")
  @CsvSource({"false, 0", "true, 0", "false, 24", "true, 24"})
  void claimOfAProducerKilledAtTheFirstPositionOrAcrossTheWrapIsRecovered(
      boolean manyToOne, int bytesBeforeEnd) throws Exception {
    try (RingBuffer ring = rings.create("kill", 4096, manyToOne)) {
      ring.claimTimeout(java.time.Duration.ofMillis(100));
      if (bytesBeforeEnd > 0) {
        // This process writes and reads until the tail is 24 bytes short of the end, so the child's
        // 100-byte claim is padding at the end plus its record at the start of the ring.
        while ((ring.producerPosition() & 4095) + 64 <= 4096 - bytesBeforeEnd) {
          assertTrue(ring.write(1, new byte[56]));
          ring.read((t, b, o, l) -> {}, 10);
        }
        long rest = 4096 - bytesBeforeEnd - (ring.producerPosition() & 4095);
        if (rest > 0) assertTrue(ring.write(1, new byte[(int) rest - 8]));
        while (ring.read((t, b, o, l) -> {}, 10) > 0) {}
        assertEquals(4096 - bytesBeforeEnd, ring.producerPosition() & 4095);
      }
      long start = ring.producerPosition();
      Process child =
          ChildJvm.start(ClaimAndHangMain.class, rings.path("kill").toString(), "claim-only");
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("claimed", out.readLine());
      assertEquals(start + bytesBeforeEnd + 112, ring.producerPosition());
      child.destroyForcibly().waitFor();
      assertTrue(ring.write(9, new byte[] {9}));
      List<Integer> types = new ArrayList<>();
      long until = System.nanoTime() + 10_000_000_000L;
      while (types.isEmpty() && System.nanoTime() < until) {
        ring.read((t, b, o, l) -> types.add(t), 10);
        Thread.sleep(2);
      }
      assertEquals(List.of(9), types);
      assertEquals(1, ring.stats().unblocks());
      assertEquals(0, ring.size());
    }
  }

  @Test
  void sleeperWordOfAConsumerKilledInItsSleepIsClearedByProducersAndByTheNextConsumer()
      throws Exception {
    for (boolean byProducer : new boolean[] {true, false}) {
      String name = "waiters-" + byProducer;
      try (RingBuffer ring = RingBuffers.createOneToOne(rings.path(name), 4096)) {
        Process sleeper = ChildJvm.start(AwaitMain.class, rings.path(name).toString());
        long until = System.nanoTime() + 20_000_000_000L;
        while (ring.stats().waiters() == 0 && System.nanoTime() < until) Thread.sleep(5);
        assertEquals(1, ring.stats().waiters(), "the child sleeps on the ring");
        sleeper.destroyForcibly().waitFor();
        assertEquals(1, ring.stats().waiters(), "kill -9 leaves its identity in the sleepers word");
        if (byProducer) {
          assertTrue(ring.write(1, new byte[8]));
          assertEquals(1, ring.stats().wakeUps(), "the producer believes someone sleeps");
          Thread.sleep(1100); // producers look at the consumer's liveness once a second
          assertTrue(ring.write(1, new byte[8]));
          assertEquals(0, ring.stats().waiters());
          assertTrue(ring.write(1, new byte[8]));
          assertEquals(2, ring.stats().wakeUps(), "no wake-up system calls for nobody");
        } else {
          assertEquals(0, ring.read((t, b, o, l) -> {}, 10)); // this process becomes the consumer
          assertEquals(0, ring.stats().waiters());
          assertTrue(ring.write(1, new byte[8]));
          assertEquals(0, ring.stats().wakeUps());
        }
      }
    }
  }

  @Test
  void blockedConsumerWakesWhenAnotherProcessWritesAndIdlesWithoutCpu() throws Exception {
    try (RingBuffer ring = RingBuffers.createOneToOne(rings.path("wake"), 4096)) {
      int messages = 6;
      Process writer =
          ChildJvm.start(
              DelayedWriterMain.class,
              rings.path("wake").toString(),
              Integer.toString(messages),
              "250");
      // A 10 s sleep bound: only a futex wake-up can deliver within the asserted latency.
      IdleStrategy idle = new BlockingIdleStrategy(ring, 100, java.time.Duration.ofSeconds(10));
      List<Long> latencies = new ArrayList<>();
      long[] idleStart = new long[2]; // CPU and wall clock at the first timed message
      MessageHandler handler =
          (t, b, o, l) -> {
            if (t == 3) {
              long now = System.nanoTime();
              latencies.add(now - b.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, o));
              if (idleStart[1] == 0) {
                idleStart[0] = threadCpuNanos();
                idleStart[1] = now;
              }
            }
          };
      while (latencies.size() < messages) idle.idle(ring.read(handler, 10));
      // Between the first and last timed message the consumer waited ~1.25 s for 5 messages.
      long cpu = threadCpuNanos() - idleStart[0];
      long wall = System.nanoTime() - idleStart[1];
      assertEquals(0, ChildJvm.finish(writer, 30).exitCode());
      latencies.sort(null);
      System.out.printf(
          "blocking wake-up: p50 %d us, max %d us; consumer CPU %.1f ms over %.0f ms; %s%n",
          latencies.get(messages / 2) / 1000,
          latencies.get(messages - 1) / 1000,
          cpu / 1e6,
          wall / 1e6,
          latencies);
      assertTrue(latencies.get(messages - 1) < 200_000_000L, "woken, not timed out: " + latencies);
      assertTrue(cpu < wall / 20, "idle consumer used " + cpu / 1e6 + " ms CPU in " + wall / 1e6);
      assertTrue(ring.stats().wakeUps() >= 1);
      assertEquals(0, ring.stats().waiters());
    }
  }
}
