package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.BroadcastDescriptor.*;

import dev.mmapkit.FileFormatException;
import dev.mmapkit.MappedFile;
import dev.mmapkit.internal.ByteLocks;
import dev.mmapkit.internal.NativeAccess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * One reader of a broadcast file, made by {@link Broadcast#openReceiver}, with its own cursor. Use
 * it from one thread at a time; open one per reading thread. It holds a slot in the file's receiver
 * table from open to {@link #close()}, where it publishes its position (which a reliable
 * transmitter waits for), its lapped count and whether it sleeps; a receiver whose process dies is
 * dropped from the table by the transmitter or the next receiver to join. With native access it
 * holds its slot by a lock on one byte of the file (see {@link
 * BroadcastDescriptor#RECEIVER_LIVENESS}), so it is dropped also when its process ran in another
 * container, or when it becomes unreachable without being closed.
 *
 * <p>Each message is copied out of the ring into this receiver's own buffer and validated before it
 * is handed over: after the copy the receiver re-reads the tail intent, and if the transmitter may
 * have overwritten any byte of the record, the copy is discarded, {@link #lappedCount()} goes up
 * and the receiver jumps to the latest record. So a message delivered is always whole and exactly
 * what was transmitted; messages overwritten before this receiver got to them are lost.
 */
public final class BroadcastReceiver implements AutoCloseable, MessageSource {
  private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
  private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
  private static final int INITIAL_COPY_SIZE = 4096;
  private static final long UNAWAITED_PARK_NANOS = 50_000;
  private static final long SLEEP_GRACE_NANOS = 10_000_000;

  private final MappedFile file;
  private final MemorySegment meta;
  private final MemorySegment data;
  private final long capacity;
  private final long mask;
  private final int maxMessageLength;
  private final Arena arena = Arena.ofAuto();
  private final ByteLocks locks; // holds this receiver's slot; null: judged by pid, or no slot
  private final ReceiverTable receivers;
  private final int slot;
  private final MemorySegment slotSegment;
  private final long slotOffset;
  private final MemorySegment wakeWord;
  private final Optional<NativeAccess> nativeAccess = NativeAccess.get();
  private MemorySegment copy;
  private long sleepEnabledSinceNanos;
  private boolean closed;

  private long cursor;
  private long lappedCount;
  private int type;
  private int length;

  BroadcastReceiver(MappedFile file, long capacity, boolean reliable, boolean writable) {
    this.file = file;
    this.meta = file.chunk(0);
    this.data = meta.asSlice(DATA_OFFSET, capacity);
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.maxMessageLength = BroadcastDescriptor.maxMessageLength(capacity);
    this.copy = arena.allocate(Math.min(INITIAL_COPY_SIZE, Math.max(8, maxMessageLength)), 8);
    this.wakeWord = meta.asSlice(WAKE_SEQUENCE_OFFSET, 4);
    this.locks = writable ? ByteLocks.open(file.path(), true, meta).orElse(null) : null;
    this.receivers = new ReceiverTable(meta, locks);
    if (writable) {
      try {
        this.slot = receivers.join(this::tail);
      } catch (RuntimeException e) {
        if (locks != null) locks.close();
        throw e;
      }
      // Unreachable without close(): its lock goes, and with it the slot (see ReceiverTable).
      if (locks != null) SharedMemoryFile.CLEANER.register(this, locks::close);
      this.slotSegment = meta;
      this.slotOffset = receiverOffset(slot);
    } else {
      // A lossy receiver on a file it may not write: no slot; it publishes into its own memory.
      this.slot = -1;
      this.slotSegment = arena.allocate(RECEIVER_SLOT_SIZE, 8);
      this.slotOffset = 0;
    }
    // Reliable: from the tail read when joining, which the transmitter will not lap. Lossy: from
    // the latest message.
    this.cursor = reliable ? receivers.position(slot) : latest();
    publishPosition();
  }

  /**
   * This receiver's slot in the file's receiver table, or -1 for a lossy receiver opened on a file
   * it may not write (see {@link Broadcast#openReceiver}).
   */
  public int slot() {
    return slot;
  }

  private void publishPosition() {
    LONG.setRelease(slotSegment, slotOffset + RECEIVER_POSITION, cursor);
  }

  long tailIntent() {
    return (long) LONG.getVolatile(meta, TAIL_INTENT_OFFSET);
  }

  long tail() {
    return (long) LONG.getAcquire(meta, TAIL_OFFSET);
  }

  long latest() {
    return (long) LONG.getAcquire(meta, LATEST_OFFSET);
  }

  /** The data area's size in bytes. */
  public long capacity() {
    return capacity;
  }

  /** The largest payload a message can have. */
  public int maxMessageLength() {
    return maxMessageLength;
  }

  /** Times this receiver found itself overwritten and jumped to the latest record. */
  public long lappedCount() {
    return lappedCount;
  }

  /** This receiver's position: bytes of the stream it has read past, padding included. */
  public long position() {
    return cursor;
  }

  /**
   * Moves to the next message, if one has been transmitted, and copies it into this receiver's
   * buffer; {@link #type()}, {@link #length()} and {@link #message()} then describe it. Never
   * blocks.
   *
   * @return false if there is no new message yet
   * @throws java.io.UncheckedIOException wrapping a {@link FileFormatException} if the file's
   *     records or counters are corrupted (a latest record more than a ring behind the tail intent)
   * @throws IllegalStateException if this receiver's slot no longer names its process: it was
   *     dropped from the receiver table, and messages may have been lost
   */
  public boolean receiveNext() {
    while (true) {
      long tail = tail();
      if (cursor >= tail) return false;
      if (!intact(cursor)) {
        lapped();
        continue;
      }
      long index = cursor & mask;
      int recordLength = data.get(ValueLayout.JAVA_INT, index + LENGTH_OFFSET);
      int recordType = data.get(ValueLayout.JAVA_INT, index + TYPE_OFFSET);
      if (recordType == PADDING_TYPE) {
        VarHandle.acquireFence();
        if (!intact(cursor)) {
          lapped();
          continue;
        }
        cursor += capacity - index;
        continue;
      }
      if (recordLength < HEADER_LENGTH
          || recordLength - HEADER_LENGTH > maxMessageLength
          || recordLength > capacity - index) {
        VarHandle.acquireFence();
        if (!intact(cursor)) {
          lapped();
          continue;
        }
        throw new IllegalStateException(
            "corrupted broadcast file "
                + file.path()
                + ": record at position "
                + cursor
                + " has length "
                + recordLength);
      }
      int payloadLength = recordLength - HEADER_LENGTH;
      ensureCopySize(payloadLength);
      MemorySegment.copy(data, index + HEADER_LENGTH, copy, 0, payloadLength);
      // The copy must be complete before the tail intent is read again.
      VarHandle.acquireFence();
      if (!intact(cursor)) {
        lapped();
        continue;
      }
      type = recordType;
      length = payloadLength;
      cursor += align(recordLength);
      publishPosition();
      return true;
    }
  }

  /**
   * Hands up to {@code limit} new messages to {@code handler}, each as a validated copy: {@code
   * buffer} is this receiver's own memory, valid only during the call.
   *
   * @return messages handed over
   */
  public int receive(MessageHandler handler, int limit) {
    int received = 0;
    while (received < limit && receiveNext()) {
      handler.onMessage(type, copy, 0, length);
      received++;
    }
    return received;
  }

  /** {@link #receive(MessageHandler, int)} with no limit beyond what is there now. */
  public int receive(MessageHandler handler) {
    return receive(handler, Integer.MAX_VALUE);
  }

  /** The type of the message {@link #receiveNext()} last returned. */
  public int type() {
    return type;
  }

  /** The payload length of the message {@link #receiveNext()} last returned. */
  public int length() {
    return length;
  }

  /**
   * The payload of the message {@link #receiveNext()} last returned: this receiver's copy, valid
   * until the next call.
   */
  public MemorySegment message() {
    return copy.asSlice(0, length);
  }

  /** The payload of the message {@link #receiveNext()} last returned, as a new array. */
  public byte[] messageBytes() {
    return message().toArray(ValueLayout.JAVA_BYTE);
  }

  // Whether no byte of a record at position p has been overwritten: the transmitter announces every
  // write in the tail intent before making it, and it overwrites p only once the intent passes p +
  // capacity.
  private boolean intact(long position) {
    return tailIntent() - position <= capacity;
  }

  private void lapped() {
    checkStillInTable();
    lappedCount++;
    LONG.setRelease(slotSegment, slotOffset + RECEIVER_LAPPED, lappedCount);
    while (true) {
      long latest = latest();
      if (intact(latest)) {
        cursor = latest;
        return;
      }
      // The transmitter moves the tail intent at most a record or two past latest before it moves
      // latest, so an intent read between two equal reads of latest that is a ring ahead of it is
      // not a race but a corrupted file (which would otherwise send this loop round forever).
      long tailIntent = tailIntent();
      if (latest() == latest && tailIntent - latest > capacity) {
        throw new UncheckedIOException(
            new FileFormatException(
                file.path(),
                "corrupted broadcast file: latest record at "
                    + latest
                    + " is more than the "
                    + capacity
                    + "-byte capacity behind the tail intent "
                    + tailIntent));
      }
    }
  }

  /**
   * A receiver whose slot no longer names its process was dropped (its slot may belong to another
   * receiver now): a reliable transmitter no longer waits for it, so it cannot go on pretending it
   * was merely lapped.
   */
  private void checkStillInTable() {
    if (slot >= 0 && receivers.owner(slot) != ProcessIdentity.current()) {
      throw new IllegalStateException(
          "this receiver was dropped from the receiver table of "
              + file.path()
              + " (slot "
              + slot
              + " now has owner word "
              + receivers.owner(slot)
              + "): messages may have been lost; open a new receiver");
    }
  }

  private void ensureCopySize(int size) {
    if (copy.byteSize() < size) {
      long newSize = Math.min(Long.highestOneBit((long) size - 1) << 1, maxMessageLength);
      copy = arena.allocate(Math.max(newSize, size), 8);
    }
  }

  /** Whether a message is waiting for this receiver. */
  public boolean available() {
    return cursor < tail();
  }

  /**
   * Sleeps until the transmitter transmits, the timeout passes or the thread is interrupted;
   * returns at once if a message is waiting. Sleeps on a futex word in the file, and the
   * transmitter pays for a wake-up only while some receiver sleeps. Needs native access; without
   * it, parks up to 50 µs instead. Use it through {@link BlockingIdleStrategy}.
   *
   * @return {@code true} if there may be a message to receive
   */
  @Override
  public boolean awaitMessages(long timeoutNanos) {
    if (available()) return true;
    if (slot < 0 || nativeAccess.isEmpty() || !sleepEnabled()) {
      LockSupport.parkNanos(Math.min(timeoutNanos, UNAWAITED_PARK_NANOS));
      return available();
    }
    // Its bit is someone else's once its slot is.
    checkStillInTable();
    int sequence = (int) INT.getVolatile(meta, WAKE_SEQUENCE_OFFSET);
    // One atomic or: killed at any point, this receiver leaves at most its own bit set, which
    // whoever drops its slot clears.
    receivers.sleep(slot);
    try {
      // Registered first, looked last: a transmitter that moved the tail after this look sees us.
      if (available()) return true;
      nativeAccess.get().futexWait(wakeWord, sequence, timeoutNanos);
    } finally {
      receivers.wake(slot);
    }
    return available();
  }

  // As in the rings: the first call announces that receivers sleep, which makes the transmitter
  // publish its tail with a volatile store; until a transmitter that read the flag before is sure
  // to have finished its release store, park briefly instead of sleeping.
  private boolean sleepEnabled() {
    if (sleepEnabledSinceNanos == 0) {
      INT.setVolatile(meta, SLEEP_ENABLED_OFFSET, 1);
      sleepEnabledSinceNanos = System.nanoTime();
      return false;
    }
    return System.nanoTime() - sleepEnabledSinceNanos >= SLEEP_GRACE_NANOS;
  }

  /** Leaves the receiver table and unmaps the file. */
  @Override
  public void close() throws IOException {
    if (closed) return;
    closed = true;
    // A receiver that was dropped leaves its former slot alone: it may be someone else's now.
    if (slot >= 0) receivers.leave(slot);
    if (locks != null) locks.close();
    file.close();
  }
}
