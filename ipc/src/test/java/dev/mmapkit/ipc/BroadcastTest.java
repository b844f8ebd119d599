package dev.mmapkit.ipc;

import static org.junit.jupiter.api.Assertions.*;

import dev.mmapkit.DiskFullException;
import dev.mmapkit.FileFormatException;
import dev.mmapkit.internal.FileHeader;
import dev.mmapkit.testkit.ChildJvm;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class BroadcastTest {
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

  /**
   * Null if the receiver's current message is a data message with a sequence number above {@code
   * lastSeq}, the length that sequence number gets and intact filler; else what is wrong.
   */
  static String check(BroadcastReceiver receiver, long lastSeq, int maxLength) {
    if (receiver.type() != DATA) return "type " + receiver.type();
    MemorySegment message = receiver.message();
    if (message.byteSize() < Payloads.HEADER) return "short message of " + message.byteSize();
    long seq = Payloads.seq(message, 0);
    if (seq <= lastSeq) return "seq " + seq + " after " + lastSeq;
    if (receiver.length() != Payloads.length(seq, maxLength)) {
      return "message " + seq + " has length " + receiver.length();
    }
    return Payloads.checkFiller(message, 0, seq, receiver.length());
  }

  private static void send(BroadcastTransmitter transmitter, long seq, int maxLength) {
    transmitter.transmit(DATA, Payloads.bytes(0, 0, seq, Payloads.length(seq, maxLength)));
  }

  @Test
  void transmittingARangeOfASegmentSendsExactlyThatRange() throws Exception {
    MemorySegment src = MemorySegment.ofArray(new byte[100]);
    for (int i = 0; i < 100; i++) src.set(ValueLayout.JAVA_BYTE, i, (byte) i);
    try (BroadcastTransmitter transmitter = Broadcast.createTransmitter(path, 4096);
        BroadcastReceiver receiver = Broadcast.openReceiver(path)) {
      assertTrue(transmitter.transmit(3, src, 10, 20));
      assertThrows(IndexOutOfBoundsException.class, () -> transmitter.transmit(3, src, 90, 20));
      assertThrows(IndexOutOfBoundsException.class, () -> transmitter.transmit(3, src, -1, 2));
      assertTrue(receiver.receiveNext());
      assertEquals(3, receiver.type());
      assertArrayEquals(
          src.asSlice(10, 20).toArray(ValueLayout.JAVA_BYTE), receiver.messageBytes());
      assertFalse(receiver.receiveNext(), "the refused ranges sent nothing");
    }
  }

  @Test
  void aCreatedTransmitterNamesThePathItWasCreatedAt() throws Exception {
    try (BroadcastTransmitter transmitter = Broadcast.createTransmitter(path, 4096)) {
      assertTrue(
          transmitter.toString().contains(path.toAbsolutePath().toString() + ","),
          transmitter.toString());
    }
  }

  @Test
  void everySizeAcrossWrapsIsReceivedInOrderByTwoReceivers() throws Exception {
    try (BroadcastTransmitter transmitter = Broadcast.createTransmitter(path, 4096);
        BroadcastReceiver eager = Broadcast.openReceiver(path);
        BroadcastReceiver lazy = Broadcast.openReceiver(path)) {
      int maxLength = transmitter.maxMessageLength();
      assertEquals(512, maxLength);
      int count = 3 * (maxLength - Payloads.HEADER + 1); // every size three times, many wraps
      long[] eagerNext = {0};
      String[] failure = {null};
      long lazyNext = 0;
      for (long seq = 0; seq < count; seq++) {
        if (seq % 2 == 0) {
          send(transmitter, seq, maxLength);
        } else { // the MemorySegment overload
          byte[] bytes = Payloads.bytes(0, 0, seq, Payloads.length(seq, maxLength));
          transmitter.transmit(DATA, MemorySegment.ofArray(bytes));
        }
        int n =
            eager.receive(
                (type, buffer, offset, length) -> {
                  long got = Payloads.seq(buffer, offset);
                  if (failure[0] != null) return;
                  if (type != DATA || got != eagerNext[0]) {
                    failure[0] =
                        "eager: type " + type + " seq " + got + ", expected " + eagerNext[0];
                  } else if (length != Payloads.length(got, maxLength)) {
                    failure[0] = "eager: length " + length + " for " + got;
                  } else {
                    failure[0] = Payloads.checkFiller(buffer, offset, got, length);
                  }
                  eagerNext[0]++;
                });
        assertEquals(1, n);
        assertNull(failure[0]);
        if (seq % 3 == 2) { // three records of at most 528 bytes always fit in 4 KiB
          for (int i = 0; i < 3; i++) {
            assertTrue(lazy.receiveNext(), "lazy receiver missed " + lazyNext);
            assertNull(check(lazy, lazyNext - 1, maxLength));
            assertEquals(lazyNext, Payloads.seq(lazy.message(), 0));
            lazyNext++;
          }
          assertFalse(lazy.receiveNext());
        }
      }
      assertEquals(count, eagerNext[0]);
      assertEquals(count, lazyNext);
      assertEquals(0, eager.lappedCount());
      assertEquals(0, lazy.lappedCount());
      assertTrue(transmitter.position() > 10 * transmitter.capacity());

      transmitter.transmit(7, new byte[0]);
      assertTrue(lazy.receiveNext());
      assertEquals(7, lazy.type());
      assertEquals(0, lazy.length());
      assertEquals(0, lazy.messageBytes().length);
      assertFalse(lazy.receiveNext());
    }
  }

  @Test
  void aReceiverOpenedLaterStartsAtTheLatestMessage() throws Exception {
    try (BroadcastTransmitter transmitter = Broadcast.createTransmitter(path, 4096)) {
      for (long seq = 0; seq < 5; seq++) send(transmitter, seq, 100);
      try (BroadcastReceiver receiver = Broadcast.openReceiver(path)) {
        assertTrue(receiver.receiveNext());
        assertEquals(4, Payloads.seq(receiver.message(), 0));
        assertFalse(receiver.receiveNext());
        send(transmitter, 5, 100);
        assertTrue(receiver.receiveNext());
        assertNull(check(receiver, 4, 100));
        assertEquals(0, receiver.lappedCount());
      }
    }
  }

  @Test
  void aReceiverAFullRingBehindLearnsItWasLappedAndContinuesWithNewerMessages() throws Exception {
    try (BroadcastTransmitter transmitter = Broadcast.createTransmitter(path, 4096);
        BroadcastReceiver slow = Broadcast.openReceiver(path)) {
      int maxLength = 200;
      for (long seq = 0; seq < 100; seq++) send(transmitter, seq, maxLength); // ~3 rings
      assertTrue(slow.receiveNext());
      assertTrue(slow.lappedCount() > 0);
      assertNull(check(slow, -1, maxLength));
      assertEquals(99, Payloads.seq(slow.message(), 0), "resumes at the latest message");
      assertFalse(slow.receiveNext());
      long lapped = slow.lappedCount();
      for (long seq = 100; seq < 110; seq++) send(transmitter, seq, maxLength);
      for (long seq = 100; seq < 110; seq++) {
        assertTrue(slow.receiveNext());
        assertNull(check(slow, seq - 1, maxLength));
        assertEquals(seq, Payloads.seq(slow.message(), 0));
      }
      assertFalse(slow.receiveNext());
      assertEquals(lapped, slow.lappedCount());
    }
  }

  @Test
  void aSlowReceiverRacingTheTransmitterNeverDeliversATornOrOverwrittenMessage() throws Exception {
    int maxLength = 500;
    long count = 300_000;
    try (BroadcastTransmitter transmitter = Broadcast.createTransmitter(path, 4096);
        BroadcastReceiver receiver = Broadcast.openReceiver(path)) {
      AtomicReference<Throwable> error = new AtomicReference<>();
      Thread thread =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      for (long seq = 0; seq < count; seq++) send(transmitter, seq, maxLength);
                    } catch (Throwable t) {
                      error.set(t);
                    }
                  });
      long lastSeq = -1;
      long received = 0;
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (lastSeq < count - 1) {
        assertTrue(System.nanoTime() < deadline, "timed out at " + lastSeq);
        if (!receiver.receiveNext()) {
          Thread.onSpinWait();
          continue;
        }
        String failure = check(receiver, lastSeq, maxLength);
        assertNull(failure, failure);
        lastSeq = Payloads.seq(receiver.message(), 0);
        received++;
        long until = System.nanoTime() + 2_000; // slower than the transmitter
        while (System.nanoTime() < until) Thread.onSpinWait();
      }
      thread.join();
      assertNull(error.get());
      assertTrue(receiver.lappedCount() > 0, "never lapped");
      assertTrue(received < count, "received everything: " + received);
    }
  }

  @Test
  void crossProcessOneTransmitterTwoReceivers() throws Exception {
    int maxLength = 300;
    long count = 200_000;
    try (BroadcastTransmitter transmitter = Broadcast.createTransmitter(path, 64 * 1024)) {
      Path ready1 = files.path("ready1");
      Path ready2 = files.path("ready2");
      Process first =
          ChildJvm.start(
              BroadcastReceiverMain.class,
              path.toString(),
              ready1.toString(),
              Integer.toString(maxLength));
      Process second =
          ChildJvm.start(
              BroadcastReceiverMain.class,
              path.toString(),
              ready2.toString(),
              Integer.toString(maxLength));
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (!Files.exists(ready1) || !Files.exists(ready2)) {
        assertTrue(System.nanoTime() < deadline, "receivers did not start");
        Thread.sleep(5);
      }
      for (long seq = 0; seq < count; seq++) send(transmitter, seq, maxLength);
      transmitter.transmit(BroadcastReceiverMain.END_TYPE, new byte[8]);
      for (Process child : new Process[] {first, second}) {
        ChildJvm.Result result = ChildJvm.finish(child, 30);
        assertEquals(0, result.exitCode(), result.toString());
        String out = result.stdout().strip();
        assertTrue(out.startsWith("received="), out);
        long received = Long.parseLong(out.substring(9, out.indexOf(' ')));
        assertTrue(received > 0 && received <= count, out);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Errors

  /** Opening a receiver fails with a format error naming the file, and reading stats alike. */
  private String openFails() {
    FileFormatException e =
        assertThrows(FileFormatException.class, () -> Broadcast.openReceiver(path));
    assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
    FileFormatException stats =
        assertThrows(FileFormatException.class, () -> Broadcast.readStats(path));
    assertEquals(e.getMessage(), stats.getMessage());
    return e.getMessage();
  }

  @Test
  void notEnoughSharedMemoryIsReportedWithTheNumbersAndLeavesNothing() throws Exception {
    long usable = Files.getFileStore(path.getParent()).getUsableSpace();
    long capacity = Long.highestOneBit(usable) << 1; // more than is free
    for (boolean reliable : new boolean[] {false, true}) {
      DiskFullException e =
          assertThrows(
              DiskFullException.class,
              () ->
                  (reliable
                          ? Broadcast.createReliableTransmitter(path, capacity)
                          : Broadcast.createTransmitter(path, capacity))
                      .close());
      assertEquals(BroadcastDescriptor.fileSize(capacity), e.requestedBytes());
      assertTrue(e.getMessage().contains(" free"), e.getMessage());
      try (var left = Files.list(path.getParent())) {
        assertEquals(0, left.count(), "no file, not even a temporary one");
      }
    }
  }

  private void edit(java.util.function.Consumer<MemorySegment> change) throws IOException {
    try (FileChannel channel =
            FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Arena arena = Arena.ofConfined()) {
      change.accept(channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size(), arena));
    }
  }

  @Test
  void aRingFileIsNotABroadcastFile() throws Exception {
    RingBuffers.createOneToOne(path, 4096).close();
    String message = openFails();
    assertTrue(message.contains("RING"), message);
  }

  @Test
  void anotherLayoutVersionIsRefused() throws Exception {
    Broadcast.createTransmitter(path, 4096).close();
    // Version 3 recorded no PID namespaces: its receivers would drop another container's. Version 4
    // judged every receiver by pid: freeing a slot, it would leave a lock-held one's liveness word.
    for (int version : new int[] {2, 3, 4, 6}) {
      edit(s -> FileHeader.createdNow("BCST", version, 4096, BroadcastDescriptor.LOSSY).writeTo(s));
      String message = openFails();
      assertTrue(
          message.contains("format version " + version + "; this mmapkit reads version 5"),
          message);
    }
  }

  @Test
  void aReceiverIsRefusedAFileWithoutItsCreatorsPidNamespace() throws Exception {
    Broadcast.createTransmitter(path, 4096).close();
    edit(s -> s.set(ValueLayout.JAVA_LONG, BroadcastDescriptor.PID_NAMESPACES_OFFSET, 0L));
    FileFormatException e =
        assertThrows(FileFormatException.class, () -> Broadcast.openReceiver(path));
    assertTrue(
        e.getMessage().contains("no PID namespace recorded for its creator"), e.getMessage());
    assertEquals(0, Broadcast.readStats(path).pidNamespaces(), "reading needs no namespace");
  }

  @Test
  void unknownModeIsRefused() throws Exception {
    Broadcast.createTransmitter(path, 4096).close();
    edit(s -> FileHeader.createdNow("BCST", BroadcastDescriptor.VERSION, 4096, 7).writeTo(s));
    String message = openFails();
    assertTrue(message.contains("unknown broadcast mode 7"), message);
  }

  @Test
  void truncatedFileIsRefused() throws Exception {
    Broadcast.createTransmitter(path, 4096).close();
    try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
      file.setLength(BroadcastDescriptor.DATA_OFFSET + 1000);
    }
    String message = openFails();
    assertTrue(message.contains("truncated: file is 17384 bytes"), message);
    assertTrue(message.contains("needs 20480"), message);
  }

  @Test
  void fileShorterThanTheHeaderIsRefused() throws Exception {
    Files.write(path, new byte[100]);
    assertTrue(openFails().contains("file is 100 bytes, shorter than the 4096-byte header"));
  }

  @Test
  void corruptedCountersAreRefused() throws Exception {
    Broadcast.createTransmitter(path, 4096).close();
    edit(
        s ->
            s.set(java.lang.foreign.ValueLayout.JAVA_LONG, BroadcastDescriptor.TAIL_OFFSET, 4096L));
    assertTrue(openFails().contains("corrupted counters"));
  }

  @Test
  void countersARingOrMoreApartAreRefused() throws Exception {
    // The reviewer's file: latest 0, tail = tail intent = 1 MiB on a 64 KiB broadcast. Before the
    // fix it opened, and receiveNext() went round forever between lapped() and a latest that was
    // itself overwritten.
    Broadcast.createTransmitter(path, 64 * 1024).close();
    edit(
        s -> {
          s.set(ValueLayout.JAVA_LONG, BroadcastDescriptor.LATEST_OFFSET, 0L);
          s.set(ValueLayout.JAVA_LONG, BroadcastDescriptor.TAIL_OFFSET, 1L << 20);
          s.set(ValueLayout.JAVA_LONG, BroadcastDescriptor.TAIL_INTENT_OFFSET, 1L << 20);
        });
    String message = openFails();
    assertTrue(message.contains("corrupted counters: latest 0, tail 1048576"), message);
    // A tail a ring behind the intent is as impossible.
    edit(s -> s.set(ValueLayout.JAVA_LONG, BroadcastDescriptor.TAIL_OFFSET, 0L));
    assertTrue(openFails().contains("corrupted counters"));
  }

  @Test
  // On its own thread: a receiver looping for good never sees an interrupt.
  @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void countersCorruptedWhileAReceiverReadsAreReportedNotLoopedOn() throws Exception {
    try (BroadcastTransmitter transmitter = Broadcast.createTransmitter(path, 64 * 1024);
        BroadcastReceiver receiver = Broadcast.openReceiver(path)) {
      transmitter.transmit(DATA, new byte[100]);
      edit(
          s -> {
            s.set(ValueLayout.JAVA_LONG, BroadcastDescriptor.LATEST_OFFSET, 0L);
            s.set(ValueLayout.JAVA_LONG, BroadcastDescriptor.TAIL_OFFSET, 1L << 20);
            s.set(ValueLayout.JAVA_LONG, BroadcastDescriptor.TAIL_INTENT_OFFSET, 1L << 20);
          });
      UncheckedIOException e = assertThrows(UncheckedIOException.class, receiver::receiveNext);
      assertInstanceOf(FileFormatException.class, e.getCause());
      assertTrue(e.getMessage().contains("corrupted broadcast file"), e.getMessage());
      assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
    }
  }

  @Test
  void tooLargeMessagesAndBadArgumentsAreRefused() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> Broadcast.createTransmitter(path, 5000));
    assertFalse(Files.exists(path));
    try (BroadcastTransmitter transmitter = Broadcast.createTransmitter(path, 4096)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> transmitter.transmit(1, new byte[513]));
      assertTrue(e.getMessage().contains("maximum of 512 bytes"), e.getMessage());
      assertThrows(
          IllegalArgumentException.class,
          () -> transmitter.transmit(1, MemorySegment.ofArray(new byte[513])));
      assertThrows(IllegalArgumentException.class, () -> transmitter.transmit(-1, new byte[1]));
      transmitter.transmit(1, new byte[512]);
      assertThrows(FileAlreadyExistsException.class, () -> Broadcast.createTransmitter(path, 4096));
    }
  }
}
