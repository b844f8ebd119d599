package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.BroadcastDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mmapkit.internal.ByteLocks;
import dev.mmapkit.internal.NativeAccess;
import dev.mmapkit.internal.Processes;
import dev.mmapkit.testkit.ChildJvm;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broadcast receiver table's kill windows, reached by writing the table directly: slots and
 * sleeper bits left by processes that are gone, slots held by live processes, and a receiver whose
 * slot was taken from it.
 */
@Timeout(60)
class ReceiverTableTest {
  private static final VarHandle LONG = ReceiverTable.LONG;

  private TestRings files;
  private Path path;
  private Arena arena;
  private MemorySegment file;

  @BeforeEach
  void setUp() throws Exception {
    files = new TestRings();
    path = files.path("broadcast");
    arena = Arena.ofShared();
  }

  @AfterEach
  void tearDown() throws Exception {
    ChildJvm.killRunning();
    arena.close();
    files.close();
  }

  /** The broadcast file, mapped a second time: what another process would see and write. */
  private MemorySegment file() throws Exception {
    if (file == null) {
      try (FileChannel channel =
          FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        file = channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size(), arena);
      }
    }
    return file;
  }

  private void setOwner(int slot, long owner) throws Exception {
    LONG.setVolatile(file(), receiverOffset(slot) + RECEIVER_OWNER, owner);
  }

  private void setLiveness(int slot, long liveness) throws Exception {
    LONG.setVolatile(file(), receiverOffset(slot) + RECEIVER_LIVENESS, liveness);
  }

  private long liveness(int slot) throws Exception {
    return (long) LONG.getVolatile(file(), receiverOffset(slot) + RECEIVER_LIVENESS);
  }

  private long owner(int slot) throws Exception {
    return (long) LONG.getVolatile(file(), receiverOffset(slot) + RECEIVER_OWNER);
  }

  private long sleepers() throws Exception {
    return (long) LONG.getVolatile(file(), WAITERS_OFFSET);
  }

  /** This process's pid with a start time it never had: a process that is gone. */
  private static long deadIdentity() {
    return ProcessIdentity.of(ProcessHandle.current().pid(), Processes.currentStartTime() + 7);
  }

  /** The process that started this test JVM: alive, and not this process. */
  private static long otherLiveIdentity() {
    long pid = ProcessHandle.current().parent().orElseThrow().pid();
    return ProcessIdentity.of(pid, Processes.startTime(pid).orElseThrow());
  }

  private Process sleepingReceiver(String name) throws Exception {
    Path ready = files.path(name);
    Process child =
        ChildJvm.start(
            BroadcastReceiverMain.class,
            path.toString(),
            ready.toString(),
            "100",
            "blocking-consecutive");
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (Broadcast.readStats(path).waiters() == 0 || !Files.exists(ready)) {
      assertTrue(System.nanoTime() < deadline, name + " did not go to sleep");
      if (!child.isAlive()) fail(name + " exited: " + ChildJvm.finish(child, 1));
      Thread.sleep(5);
    }
    return child;
  }

  @Test
  void deadSleepersAreDroppedWithoutTouchingALiveSleepersBit() throws Exception {
    try (BroadcastTransmitter transmitter = Broadcast.createTransmitter(path, 64 * 1024)) {
      Process sleeper = sleepingReceiver("sleeper");
      int liveSlot = Broadcast.readStats(path).receivers().get(0).slot();
      assertEquals(1L << liveSlot, sleepers());
      // Receivers killed asleep (slot 10: bit set) and just after waking (slot 11: bit clear). With
      // a separate flag and count, the second one's drop took the live sleeper out of the count.
      setOwner(10, deadIdentity());
      setOwner(11, deadIdentity());
      LONG.getAndBitwiseOr(file(), WAITERS_OFFSET, 1L << 10);
      assertEquals(2, Broadcast.readStats(path).waiters());
      try (BroadcastReceiver joiner = Broadcast.openReceiver(path)) {
        assertEquals(1L << liveSlot, sleepers(), "exactly the live sleeper's bit is left");
        BroadcastStats stats = Broadcast.readStats(path);
        assertEquals(2, stats.droppedReceivers());
        assertEquals(2, stats.receivers().size());
        assertEquals(0, owner(10));
        assertEquals(0, owner(11));
      }
      // The live sleeper (which sleeps up to 10 s at a time) is woken by every message.
      for (int i = 0; i < 5; i++) {
        Thread.sleep(50);
        transmitter.transmit(
            BroadcastReceiverMain.DATA_TYPE, Payloads.bytes(0, 0, i, Payloads.length(i, 100)));
      }
      transmitter.transmit(BroadcastReceiverMain.END_TYPE, new byte[8]);
      ChildJvm.Result result = ChildJvm.finish(sleeper, 9); // a missed wake-up costs 10 s
      assertEquals(0, result.exitCode(), result.toString());
      assertEquals("received=5 lapped=0", result.stdout().strip());
      assertEquals(0, sleepers());
    }
  }

  @Test
  void aSlotLeftInFluxByADeadProcessIsFreedByTheNextJoinerAndALiveOnesIsNot() throws Exception {
    // Lossy: no transmitter ever looks at joining slots, so joiners must free them.
    try (BroadcastTransmitter transmitter = Broadcast.createTransmitter(path, 4096)) {
      setOwner(0, -deadIdentity()); // died while joining
      setOwner(1, -otherLiveIdentity()); // joining right now, slowly
      LONG.getAndBitwiseOr(file(), WAITERS_OFFSET, 1L); // slot 0's previous owner died asleep
      try (BroadcastReceiver receiver = Broadcast.openReceiver(path)) {
        assertEquals(0, receiver.slot(), "the dead joiner's slot was freed and taken");
        assertEquals(-otherLiveIdentity(), owner(1), "a live joiner keeps its slot");
        assertEquals(1, Broadcast.readStats(path).droppedReceivers());
        assertEquals(0, sleepers(), "the joiner clears what the dead owner left");
      }
    }
  }

  @Test
  void aReliableTransmitterNeverDropsALiveJoinerHoweverLongItTakes() throws Exception {
    try (BroadcastTransmitter transmitter = Broadcast.createReliableTransmitter(path, 4096)) {
      transmitter.receiverTimeout(Duration.ofMillis(20));
      setOwner(3, -otherLiveIdentity()); // a joiner stalled after taking its slot
      long seq = 0;
      while (transmitter.transmit(1, new byte[100])) seq++;
      assertTrue(seq > 10);
      long until = System.nanoTime() + 200_000_000L;
      while (System.nanoTime() < until) {
        assertFalse(transmitter.transmit(1, new byte[100]), "held back by the joining slot");
        Thread.sleep(5);
      }
      assertEquals(-otherLiveIdentity(), owner(3), "before, it was freed after a timeout");
      assertEquals(0, Broadcast.readStats(path).droppedReceivers());
      setOwner(3, -deadIdentity()); // now the joiner's process is gone
      until = System.nanoTime() + 5_000_000_000L;
      while (!transmitter.transmit(1, new byte[100])) {
        assertTrue(System.nanoTime() < until, "a dead joiner wedges the transmitter");
        Thread.sleep(5);
      }
      assertEquals(0, owner(3));
    }
  }

  @Test
  void aReceiverWhoseSlotWasTakenLeavesItAloneAndSaysItWasDropped() throws Exception {
    try (BroadcastTransmitter transmitter = Broadcast.createReliableTransmitter(path, 4096)) {
      BroadcastReceiver receiver = Broadcast.openReceiver(path);
      int slot = receiver.slot();
      assertEquals(ProcessIdentity.current(), owner(slot));
      // As if it had been dropped and another receiver had joined in its slot, at the tail.
      long other = otherLiveIdentity();
      setOwner(slot, other);
      LONG.setVolatile(file(), receiverOffset(slot) + RECEIVER_POSITION, 1L << 20);
      for (int i = 0; i < 100; i++) assertTrue(transmitter.transmit(1, new byte[100]));
      IllegalStateException e = assertThrows(IllegalStateException.class, receiver::receiveNext);
      assertTrue(e.getMessage().contains("dropped from the receiver table"), e.getMessage());
      receiver.close();
      assertEquals(other, owner(slot), "close() must not evict the slot's new owner");
    }
  }

  @Test
  void aReceiverHoldsItsSlotByALockAndASlotMarkedSoThatNobodyLocksIsDropped() throws Exception {
    assumeTrue(NativeAccess.get().isPresent(), "no native access");
    try (BroadcastTransmitter transmitter = Broadcast.createTransmitter(path, 4096);
        ByteLocks look = ByteLocks.open(path, false, file()).orElseThrow()) {
      assertTrue(look.isHeldByOther(TRANSMITTER_PID_OFFSET), "the transmitter holds its pid word");
      assertEquals(LIVENESS_BY_LOCK, (long) LONG.getVolatile(file(), TRANSMITTER_LIVENESS_OFFSET));
      BroadcastReceiver receiver = Broadcast.openReceiver(path);
      int slot = receiver.slot();
      assertEquals(LIVENESS_BY_LOCK, liveness(slot));
      assertTrue(look.isHeldByOther(receiverOffset(slot) + RECEIVER_OWNER));
      // Two slots naming this process: one marked as held by a lock that nobody holds (how a
      // receiver killed in another PID namespace looks from here), one judged by pid.
      setLiveness(20, LIVENESS_BY_LOCK);
      setOwner(20, ProcessIdentity.current());
      setOwner(21, ProcessIdentity.current());
      Map<Integer, Boolean> alive = new HashMap<>();
      BroadcastStats stats = Broadcast.readStats(path);
      for (BroadcastStats.Receiver r : stats.receivers()) alive.put(r.slot(), r.alive());
      assertEquals(Map.of(slot, true, 20, false, 21, true), alive, stats.toString());
      assertTrue(stats.transmitterAlive());
      try (BroadcastReceiver joiner = Broadcast.openReceiver(path)) {
        assertEquals(0, owner(20), "the next joiner drops the slot nobody holds");
        assertEquals(ProcessIdentity.current(), owner(21), "this process lives");
        assertEquals(1, Broadcast.readStats(path).droppedReceivers());
        assertEquals(LIVENESS_BY_LOCK, liveness(joiner.slot()));
      }
      setOwner(21, 0);
      receiver.close();
      assertEquals(LIVENESS_BY_PID, liveness(slot), "a free slot is judged by pid");
      assertFalse(look.isHeldByOther(receiverOffset(slot) + RECEIVER_OWNER), "lock released");
      transmitter.close();
      assertFalse(look.isHeldByOther(TRANSMITTER_PID_OFFSET));
      assertFalse(Broadcast.readStats(path).transmitterAlive(), "closed: no transmitter runs");
    }
  }

  @Test
  void aReceiverLeftUnclosedIsDroppedOnceUnreachable() throws Exception {
    assumeTrue(NativeAccess.get().isPresent(), "no native access");
    try (BroadcastTransmitter transmitter = Broadcast.createReliableTransmitter(path, 4096)) {
      transmitter.receiverTimeout(Duration.ofMillis(20));
      int slot = openAndForgetAReceiver();
      while (transmitter.transmit(1, new byte[100])) {
        // up to a ring ahead of the forgotten receiver
      }
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!transmitter.transmit(1, new byte[100])) {
        assertTrue(System.nanoTime() < deadline, "a forgotten receiver held the transmitter back");
        System.gc();
        Thread.sleep(10);
      }
      assertEquals(0, owner(slot));
      assertEquals(1, Broadcast.readStats(path).droppedReceivers());
    }
  }

  private int openAndForgetAReceiver() throws Exception {
    return Broadcast.openReceiver(path).slot();
  }
}
