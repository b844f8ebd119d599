package dev.mmapkit.ipc;

import static org.junit.jupiter.api.Assertions.*;

import dev.mmapkit.testkit.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Reliable broadcast (back-pressure from the slowest live receiver, dead receivers dropped), the
 * receiver table, blocking receivers and {@link Broadcast#readStats}.
 */
@Timeout(90)
class ReliableBroadcastTest {
  private static final int DATA = BroadcastReceiverMain.DATA_TYPE;

  private TestRings files;
  private Path path;

  @BeforeEach
  void setUp() throws Exception {
    files = new TestRings();
    path = files.path("broadcast");
  }

  @AfterEach
  void tearDown() throws Exception {
    ChildJvm.killRunning();
    files.close();
  }

  private static boolean send(BroadcastTransmitter transmitter, long seq, int maxLength) {
    return transmitter.transmit(DATA, Payloads.bytes(0, 0, seq, Payloads.length(seq, maxLength)));
  }

  private Process receiverProcess(String name, int maxLength, String mode) throws Exception {
    Path ready = files.path(name);
    Process child =
        ChildJvm.start(
            BroadcastReceiverMain.class,
            path.toString(),
            ready.toString(),
            Integer.toString(maxLength),
            mode);
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!Files.exists(ready)) {
      assertTrue(System.nanoTime() < deadline, name + " did not start");
      if (!child.isAlive()) fail(name + " exited: " + ChildJvm.finish(child, 1));
      Thread.sleep(5);
    }
    return child;
  }

  @Test
  void aFullReliableBroadcastRefusesUntilTheSlowestReceiverReads() throws Exception {
    try (BroadcastTransmitter transmitter = Broadcast.createReliableTransmitter(path, 4096)) {
      assertTrue(transmitter.reliable());
      assertTrue(send(transmitter, 0, 100), "no receivers: nobody to wait for");
      try (BroadcastReceiver fast = Broadcast.openReceiver(path);
          BroadcastReceiver slow = Broadcast.openReceiver(path)) {
        assertFalse(fast.receiveNext(), "a receiver joins at the tail");
        long seq = 1;
        while (send(transmitter, seq, 100)) {
          seq++;
          while (fast.receiveNext()) assertNull(BroadcastTest.check(fast, seq - 2, 100));
        }
        assertTrue(seq > 20, "a ring's worth was sent: " + seq);
        assertFalse(send(transmitter, seq, 100), "still the slow receiver's bytes");
        BroadcastStats stats = Broadcast.readStats(path);
        assertTrue(stats.reliable());
        assertEquals(2, stats.backPressureEvents());
        assertEquals(seq, stats.recordsWritten());
        assertEquals(2, stats.receivers().size());
        BroadcastStats.Receiver slowStats = stats.receivers().get(slow.slot());
        assertTrue(slowStats.lag() > 4096 - 200, "lag " + slowStats.lag());
        assertTrue(slowStats.alive());
        assertEquals(0, stats.receivers().get(fast.slot()).lag());
        long expected = 1;
        for (int i = 0; i < 5; i++) {
          assertTrue(slow.receiveNext());
          assertEquals(expected++, Payloads.seq(slow.message(), 0));
        }
        assertTrue(send(transmitter, seq, 100), "room again");
        while (slow.receiveNext()) assertEquals(expected++, Payloads.seq(slow.message(), 0));
        assertEquals(seq + 1, expected, "nothing lost, nothing twice");
        assertEquals(0, slow.lappedCount());
        assertEquals(0, fast.lappedCount());
      }
      assertTrue(Broadcast.readStats(path).receivers().isEmpty(), "closed receivers leave");
      for (int i = 0; i < 200; i++) assertTrue(send(transmitter, i, 100), "nobody to wait for");
    }
  }

  @Test
  void twoReceiverProcessesAtDifferentSpeedsGetEverythingOnceInOrder() throws Exception {
    int maxLength = 300;
    long count = 20_000;
    try (BroadcastTransmitter transmitter = Broadcast.createReliableTransmitter(path, 16 * 1024)) {
      Process fast = receiverProcess("fast", maxLength, "spin-consecutive");
      Process slow = receiverProcess("slow", maxLength, "slow-consecutive");
      long refused = 0;
      for (long seq = 0; seq < count; seq++) {
        while (!send(transmitter, seq, maxLength)) {
          refused++;
          Thread.yield(); // two cores, three busy processes
        }
      }
      while (!transmitter.transmit(BroadcastReceiverMain.END_TYPE, new byte[8])) {
        Thread.onSpinWait();
      }
      for (Process child : List.of(fast, slow)) {
        ChildJvm.Result result = ChildJvm.finish(child, 60);
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals("received=" + count + " lapped=0", result.stdout().strip());
      }
      assertTrue(refused > 0, "the slow receiver held the transmitter back");
      assertEquals(0, Broadcast.readStats(path).droppedReceivers());
    }
  }

  @Test
  void aKilledReceiverIsDroppedAfterTheTimeoutAndCannotWedgeTheTransmitter() throws Exception {
    try (BroadcastTransmitter transmitter = Broadcast.createReliableTransmitter(path, 4096)) {
      transmitter.receiverTimeout(Duration.ofMillis(200));
      Process hung = receiverProcess("hung", 100, "hang");
      long seq = 0;
      while (send(transmitter, seq, 100)) seq++;
      long until = System.nanoTime() + 600_000_000L;
      while (System.nanoTime() < until) {
        assertFalse(send(transmitter, seq, 100), "a live receiver is never dropped");
        Thread.sleep(10);
      }
      hung.destroyForcibly().waitFor();
      List<Long> waits = new ArrayList<>();
      long start = System.nanoTime();
      while (!send(transmitter, seq, 100)) {
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "still wedged");
        Thread.sleep(10);
      }
      waits.add(System.nanoTime() - start);
      BroadcastStats stats = Broadcast.readStats(path);
      assertEquals(1, stats.droppedReceivers());
      assertTrue(stats.receivers().isEmpty());
    }
  }

  @Test
  void lateReceiverStartsAtTheTailAndLappedReceiversShowInTheStats() throws Exception {
    try (BroadcastTransmitter transmitter = Broadcast.createTransmitter(path, 4096)) {
      for (int i = 0; i < 10; i++) send(transmitter, i, 100);
      try (BroadcastReceiver lossy = Broadcast.openReceiver(path)) {
        for (int i = 10; i < 200; i++) send(transmitter, i, 100);
        assertTrue(lossy.receiveNext());
        assertEquals(1, lossy.lappedCount());
        BroadcastStats stats = Broadcast.readStats(path);
        assertFalse(stats.reliable());
        assertEquals(200, stats.recordsWritten());
        assertEquals(0, stats.backPressureEvents());
        assertEquals(1, stats.receivers().get(0).lappedCount());
        assertEquals(ProcessHandle.current().pid(), stats.transmitterPid());
        assertTrue(stats.transmitterAlive());
      }
    }
    Files.delete(path);
    try (BroadcastTransmitter transmitter = Broadcast.createReliableTransmitter(path, 4096)) {
      for (int i = 0; i < 10; i++) send(transmitter, i, 100);
      try (BroadcastReceiver late = Broadcast.openReceiver(path)) {
        assertFalse(late.receiveNext(), "joins at the tail: what was sent before is not for it");
        send(transmitter, 10, 100);
        assertTrue(late.receiveNext());
        assertEquals(10, Payloads.seq(late.message(), 0));
      }
    }
  }

  @Test
  void blockingReceiverInAnotherProcessWakesOnTransmitAndItsLeakedSleepIsCleared()
      throws Exception {
    try (BroadcastTransmitter transmitter = Broadcast.createTransmitter(path, 64 * 1024)) {
      Process sleeper = receiverProcess("sleeper", 100, "blocking-consecutive");
      long until = System.nanoTime() + 10_000_000_000L;
      while (Broadcast.readStats(path).waiters() == 0 && System.nanoTime() < until) {
        Thread.sleep(5);
      }
      assertEquals(1, Broadcast.readStats(path).waiters(), "the receiver sleeps");
      for (int i = 0; i < 5; i++) {
        Thread.sleep(100);
        send(transmitter, i, 100);
      }
      transmitter.transmit(BroadcastReceiverMain.END_TYPE, new byte[8]);
      ChildJvm.Result result = ChildJvm.finish(sleeper, 30);
      assertEquals(0, result.exitCode(), result.toString());
      assertEquals("received=5 lapped=0", result.stdout().strip());
      assertTrue(Broadcast.readStats(path).wakeUps() >= 5, "woken by the transmitter");

      // A receiver killed in its sleep: the count stays up until someone drops it. (A lossy
      // receiver
      // starts at the latest message: not the end message.)
      send(transmitter, 50, 100);
      Process killed = receiverProcess("killed", 100, "blocking");
      until = System.nanoTime() + 10_000_000_000L;
      while (Broadcast.readStats(path).waiters() == 0 && System.nanoTime() < until) {
        Thread.sleep(5);
      }
      killed.destroyForcibly().waitFor();
      assertEquals(1, Broadcast.readStats(path).waiters());
      try (BroadcastReceiver next = Broadcast.openReceiver(path)) {
        BroadcastStats stats = Broadcast.readStats(path);
        assertEquals(0, stats.waiters(), "the next receiver to join drops the dead one");
        assertEquals(1, stats.receivers().size());
        long wakeUps = stats.wakeUps();
        send(transmitter, 100, 100);
        assertEquals(wakeUps, Broadcast.readStats(path).wakeUps(), "nobody sleeps: no wake-up");
      }
    }
  }
}
