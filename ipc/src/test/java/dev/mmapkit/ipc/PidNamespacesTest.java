package dev.mmapkit.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mmapkit.internal.Processes;
import dev.mmapkit.testkit.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Processes of different PID namespaces (containers sharing {@code /dev/shm}) never take each other
 * for dead ({@link PidNamespaces}): the children run as pid 1 of a new PID namespace with its own
 * {@code /proc} ({@code unshare}, root only), where this process's pid means nothing, and this
 * process's {@code /proc} does not show them.
 */
class PidNamespacesTest {
  private TestRings rings;

  @BeforeEach
  void setUp() throws Exception {
    rings = new TestRings();
  }

  @AfterEach
  void tearDown() throws Exception {
    rings.close();
  }

  private static final List<String> UNSHARE =
      List.of("unshare", "-m", "-p", "--kill-child", "--mount-proc");

  /** Root alone is not enough: a container's root may lack CAP_SYS_ADMIN. */
  private static boolean canUnshare() throws Exception {
    if (!ChildJvm.isRoot() || !Files.isExecutable(Path.of("/usr/bin/unshare"))) return false;
    List<String> probe = new ArrayList<>(UNSHARE);
    probe.add("true");
    return new ProcessBuilder(probe).start().waitFor() == 0;
  }

  /**
   * Starts {@code main} as pid 1 of a new PID namespace; {@code --kill-child}: destroying the
   * returned {@code unshare} process kills the JVM too.
   */
  private static Process inNewPidNamespace(Class<?> main, String... args) throws Exception {
    assumeTrue(canUnshare(), "unshare --pid needs root with CAP_SYS_ADMIN");
    List<String> command = new ArrayList<>(UNSHARE);
    command.addAll(ChildJvm.command(main, ChildJvm.DEFAULT_OPTIONS, args));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /**
   * Kills the JVM in {@code unshare}'s namespace with SIGKILL, then {@code unshare}: destroying
   * {@code unshare} alone closes the child's stdin as well, and a child that reads it may leave
   * before {@code --kill-child}'s signal arrives.
   */
  private static void kill(Process unshare) throws Exception {
    for (ProcessHandle jvm : unshare.descendants().toList()) {
      jvm.destroyForcibly();
      jvm.onExit().get();
    }
    unshare.destroyForcibly().waitFor();
  }

  private static String firstLine(Process child) throws Exception {
    return new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))
        .readLine();
  }

  @Test
  void aReceiverJoiningFromAnotherNamespaceDropsNoReceiverOfThisOne() throws Exception {
    Path path = rings.path("bcast");
    try (BroadcastTransmitter transmitter = Broadcast.createReliableTransmitter(path, 4096);
        BroadcastReceiver mine = Broadcast.openReceiver(path)) {
      Process child = inNewPidNamespace(JoinAndWaitMain.class, path.toString());
      try {
        String joined = firstLine(child);
        assertTrue(joined != null && joined.startsWith("joined "), "child: " + joined);
        assertTrue(
            Integer.parseInt(joined.substring("joined ".length())) != mine.slot(),
            "the child took this receiver's slot");
        BroadcastStats stats = Broadcast.readStats(path);
        assertEquals(0, stats.droppedReceivers(), stats.toString());
        assertEquals(2, stats.receivers().size(), stats.toString());
        // Judging from here does not drop the child either: its pid is not in this /proc.
        try (BroadcastReceiver another = Broadcast.openReceiver(path)) {
          assertEquals(0, Broadcast.readStats(path).droppedReceivers());
        }
        assertTrue(transmitter.transmit(1, MemorySegment.ofArray(new byte[8])));
      } finally {
        child.getOutputStream().close();
        child.waitFor();
      }
    }
  }

  @Test
  void aReceiverOfAnotherNamespaceHoldsAReliableTransmitterWhileItLivesAndIsDroppedOnceKilled()
      throws Exception {
    Path path = rings.path("reliable");
    try (BroadcastTransmitter transmitter = Broadcast.createReliableTransmitter(path, 4096)) {
      transmitter.receiverTimeout(java.time.Duration.ofMillis(100));
      Process child = inNewPidNamespace(JoinAndWaitMain.class, path.toString());
      try {
        String joined = firstLine(child);
        assertTrue(joined != null && joined.startsWith("joined "), "child: " + joined);
        while (transmitter.transmit(1, new byte[100])) {
          // up to a ring ahead of the child, which does not read
        }
        long until = System.nanoTime() + 500_000_000L;
        while (System.nanoTime() < until) {
          assertFalse(transmitter.transmit(1, new byte[100]), "a live receiver was dropped");
          Thread.sleep(5);
        }
        BroadcastStats stats = Broadcast.readStats(path);
        assertEquals(1, stats.receivers().size(), stats.toString());
        assertTrue(stats.receivers().get(0).alive(), stats.toString());
      } finally {
        kill(child);
      }
      // Its pid means nothing here, but the kernel dropped its slot's lock: it cannot wedge us.
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!transmitter.transmit(1, new byte[100])) {
        assertTrue(System.nanoTime() < deadline, "a dead receiver wedged the transmitter");
        Thread.sleep(5);
      }
      BroadcastStats stats = Broadcast.readStats(path);
      assertEquals(1, stats.droppedReceivers(), stats.toString());
      assertEquals(0, stats.receivers().size(), stats.toString());
    }
  }

  @Test
  void aConsumerOfAnotherNamespaceKilledAsleepIsClearedFromTheWaiterWordByItsLock()
      throws Exception {
    try (RingBuffer ring = RingBuffers.createManyToOne(rings.path("sleeper"), 4096)) {
      Process child = inNewPidNamespace(AwaitMain.class, rings.path("sleeper").toString());
      try {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (ring.stats().waiters() == 0) {
          assertTrue(System.nanoTime() < deadline, "the child's consumer did not sleep");
          Thread.sleep(10);
        }
      } finally {
        kill(child);
      }
      // Producers that wake someone look at the sleeper at most once a second.
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (ring.stats().waiters() != 0) {
        assertTrue(System.nanoTime() < deadline, "producers go on waking a dead consumer");
        assertTrue(ring.write(1, new byte[8])); // this process does not consume: producers clear it
        Thread.sleep(50);
      }
      long wakeUps = ring.stats().wakeUps();
      assertTrue(ring.write(1, new byte[8]));
      assertEquals(wakeUps, ring.stats().wakeUps(), "no wake-up once the word is clear");
    }
  }

  @Test
  void aLiveProducerOfAnotherNamespaceKeepsItsClaimAndADeadOneIsRecoveredByItsSlotLock()
      throws Exception {
    try (RingBuffer ring = RingBuffers.createManyToOne(rings.path("m2o"), 4096)) {
      ring.claimTimeout(java.time.Duration.ofMillis(200));
      Process child = inNewPidNamespace(ClaimAndHangMain.class, rings.path("m2o").toString());
      try {
        assertEquals("claimed", firstLine(child));
        assertTrue(ring.write(9, new byte[] {9}));
        List<Integer> types = new ArrayList<>();
        // Spinning, not sleeping: the consumer reads its clock every 64 empty polls, so a sleeping
        // loop would not reach the 200 ms timeout within the window.
        readFor(ring, types, 1_000);
        assertEquals(List.of(1), types, "a live producer's claim is never taken away");
        assertEquals(0, ring.stats().unblocks());
      } finally {
        kill(child);
      }
      // Dead now: its pid means nothing here, but the kernel dropped its slot's lock.
      List<Integer> types = new ArrayList<>();
      readFor(ring, types, 1_000);
      assertEquals(List.of(9), types, "the dead claim is padded and the message after it read");
      assertEquals(1, ring.stats().unblocks());
    }
  }

  /** Reads {@code ring} without pausing for {@code millis}, collecting the types read. */
  private static void readFor(RingBuffer ring, List<Integer> types, long millis) {
    long until = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < until) {
      ring.read((t, b, o, l) -> types.add(t), 10);
      Thread.onSpinWait();
    }
  }

  @Test
  void aFileThatOneNamespaceWritesRegistersItOnce() throws Exception {
    long namespace = Processes.currentPidNamespace();
    assumeTrue(namespace != 0, "no /proc/self/ns/pid");
    try (RingBuffer ring = RingBuffers.createManyToOne(rings.path("one"), 4096);
        RingBuffer again = RingBuffers.open(rings.path("one"))) {
      MemorySegment meta = ((MappedRingBuffer) ring).meta;
      long offset = RingBufferDescriptor.PID_NAMESPACES_OFFSET;
      assertEquals(namespace, meta.get(ValueLayout.JAVA_LONG, offset));
      assertEquals(1, PidNamespaces.count(meta, offset));
      assertEquals(Processes.canProveDeath(namespace), PidNamespaces.canJudge(meta, offset));
      meta.set(ValueLayout.JAVA_LONG, offset + 8, namespace + 1); // another container writes it
      assertEquals(false, PidNamespaces.canJudge(meta, offset));
      assertTrue(PidNamespaces.mayBeAlive(meta, offset, Integer.MAX_VALUE, 1), "not judged");
    }
  }
}
