package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.BroadcastDescriptor.*;

import dev.mmapkit.MappedFile;
import dev.mmapkit.internal.ByteLocks;
import dev.mmapkit.internal.MappedAtomics;
import dev.mmapkit.internal.NativeAccess;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The one writer of a broadcast file, made by {@link Broadcast#createTransmitter} (lossy) or {@link
 * Broadcast#createReliableTransmitter} (reliable). Use it from one thread at a time; there is one
 * transmitter per file.
 *
 * <p>Lossy: each message overwrites the oldest bytes of the ring; {@link #transmit} always returns
 * {@code true}. Reliable: a message that would overwrite bytes the slowest live receiver has not
 * read yet is refused ({@code false}, back-pressure, as a full ring); receivers whose process is
 * gone are dropped after {@link #receiverTimeout(Duration)} of back-pressure, so a dead receiver
 * cannot wedge the transmitter.
 *
 * <p>For every record it stores the tail intent (release, then a store-store fence) before writing
 * any byte, then the record, then latest and tail (release). A receiver that reads a record and
 * then finds the tail intent no more than a ring ahead of it knows no byte of it was overwritten.
 * After the tail it loads the sleepers' bitmask, one load while no receiver sleeps, and wakes
 * sleeping receivers through the futex word in the file.
 */
public final class BroadcastTransmitter implements AutoCloseable {
  private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
  private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
  private static final long WAITER_CHECK_NANOS = 1_000_000_000;

  private final MappedFile file;
  private final Path path;
  private final MemorySegment meta;
  private final MemorySegment data;
  private final MemorySegment wakeWord;
  private final long capacity;
  private final long mask;
  private final int maxMessageLength;
  private final boolean reliable;
  private final ByteLocks locks; // holds the transmitter's pid word; null: judged by pid
  private final ReceiverTable receivers;
  private final Optional<NativeAccess> nativeAccess = NativeAccess.get();

  // Reliable mode: how far the tail may go before the receiver table is looked at again.
  private long limit;
  private long backPressuredSinceNanos;
  private long receiverTimeoutNanos = Duration.ofSeconds(1).toNanos();
  private long lastWaiterCheckNanos = System.nanoTime();

  BroadcastTransmitter(
      MappedFile file, Path path, long capacity, boolean reliable, ByteLocks locks) {
    this.file = file;
    this.path = path;
    this.meta = file.chunk(0);
    this.data = meta.asSlice(DATA_OFFSET, capacity);
    this.wakeWord = meta.asSlice(WAKE_SEQUENCE_OFFSET, 4);
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.maxMessageLength = BroadcastDescriptor.maxMessageLength(capacity);
    this.reliable = reliable;
    this.locks = locks;
    this.receivers = new ReceiverTable(meta, locks);
    if (locks != null) SharedMemoryFile.CLEANER.register(this, locks::close);
    this.limit = capacity;
  }

  /** The data area's size in bytes. */
  public long capacity() {
    return capacity;
  }

  /** Whether this transmitter waits for the slowest receiver instead of lapping it. */
  public boolean reliable() {
    return reliable;
  }

  /** The largest payload {@link #transmit} accepts: an eighth of the capacity. */
  public int maxMessageLength() {
    return maxMessageLength;
  }

  /** Bytes transmitted since the file was created, padding and headers included. */
  public long position() {
    return (long) LONG.getAcquire(meta, TAIL_OFFSET);
  }

  /**
   * Sets how long a reliable transmitter stays back-pressured by a receiver before it checks
   * whether that receiver's process is still alive, and drops it if not (default 1 s). A live
   * receiver is never dropped, however slow.
   *
   * @return this transmitter
   */
  public BroadcastTransmitter receiverTimeout(Duration timeout) {
    if (timeout.isNegative()) throw new IllegalArgumentException("negative timeout " + timeout);
    receiverTimeoutNanos = timeout.toNanos();
    return this;
  }

  /**
   * Transmits {@code src} as one message of type {@code type}. Never blocks.
   *
   * @return {@code false} if this is a reliable transmitter and the slowest live receiver is a
   *     whole ring behind (nothing was written; try again later); always {@code true} when lossy
   * @throws IllegalArgumentException if the type is negative or the message is longer than {@link
   *     #maxMessageLength()}
   */
  public boolean transmit(int type, MemorySegment src) {
    return transmit(type, src, 0, src.byteSize());
  }

  /**
   * As {@link #transmit(int, MemorySegment)}, from {@code src[offset, offset + length)}: forwards a
   * payload (a handler's, say) without slicing it first.
   *
   * @throws IndexOutOfBoundsException if the range is not inside {@code src}
   */
  public boolean transmit(int type, MemorySegment src, long offset, long length) {
    Objects.checkFromIndexSize(offset, length, src.byteSize());
    int checked = checkedLength(type, length);
    long index = begin(type, checked);
    if (index < 0) return false;
    MemorySegment.copy(src, offset, data, index + HEADER_LENGTH, checked);
    end(checked);
    return true;
  }

  /** As {@link #transmit(int, MemorySegment)}, for a byte array. */
  public boolean transmit(int type, byte[] src) {
    int length = checkedLength(type, src.length);
    long index = begin(type, length);
    if (index < 0) return false;
    MemorySegment.copy(src, 0, data, ValueLayout.JAVA_BYTE, index + HEADER_LENGTH, length);
    end(length);
    return true;
  }

  private int checkedLength(int type, long length) {
    if (type < 0) throw new IllegalArgumentException("message type must be >= 0, was " + type);
    if (length > maxMessageLength) {
      throw new IllegalArgumentException(
          "message of "
              + length
              + " bytes is longer than this broadcast's maximum of "
              + maxMessageLength
              + " bytes (an eighth of its "
              + capacity
              + "-byte capacity); use a larger capacity or split the message");
    }
    return (int) length;
  }

  // Announces the record, pads to the end if needed and writes the header; returns the record's
  // offset in data, or -1 if back-pressured. The payload is copied by the caller; end() publishes.
  private long begin(int type, int length) {
    long tail = (long) LONG.get(meta, TAIL_OFFSET);
    int recordLength = length + HEADER_LENGTH;
    int aligned = align(recordLength);
    long index = tail & mask;
    long toEnd = capacity - index;
    boolean pad = aligned > toEnd;
    long newTail = tail + (pad ? toEnd : 0) + aligned;
    if (reliable && newTail > limit && !roomFor(tail, newTail)) return -1;
    LONG.setRelease(meta, TAIL_INTENT_OFFSET, newTail);
    // No byte of the record may become visible before the tail intent that covers it.
    VarHandle.storeStoreFence();
    if (pad) {
      data.set(ValueLayout.JAVA_INT, index + TYPE_OFFSET, PADDING_TYPE);
      data.set(ValueLayout.JAVA_INT, index + LENGTH_OFFSET, (int) toEnd);
      index = 0;
    }
    data.set(ValueLayout.JAVA_INT, index + TYPE_OFFSET, type);
    data.set(ValueLayout.JAVA_INT, index + LENGTH_OFFSET, recordLength);
    return index;
  }

  /**
   * Looks at the receiver table: the tail may go up to the slowest receiver's position plus the
   * capacity. Receivers that join after this look start at a tail read after it, so they are never
   * behind the new limit. When refused for longer than the receiver timeout, drops receivers whose
   * process is gone (joiners and leavers included), then looks again.
   */
  private boolean roomFor(long tail, long newTail) {
    // The tail store before the table's loads: a joiner that this look misses sees this tail.
    VarHandle.fullFence();
    limit = receivers.slowestPosition(tail) + capacity;
    if (newTail <= limit) {
      backPressuredSinceNanos = 0;
      return true;
    }
    long now = System.nanoTime();
    if (backPressuredSinceNanos == 0) {
      backPressuredSinceNanos = now;
    } else if (now - backPressuredSinceNanos >= receiverTimeoutNanos) {
      backPressuredSinceNanos = now;
      receivers.dropDead();
      limit = receivers.slowestPosition(tail) + capacity;
      if (newTail <= limit) {
        backPressuredSinceNanos = 0;
        return true;
      }
    }
    MappedAtomics.getAndAddLong(meta, BACK_PRESSURE_COUNT_OFFSET, 1L);
    return false;
  }

  private void end(int length) {
    long tail = (long) LONG.get(meta, TAIL_INTENT_OFFSET);
    long recordPosition = tail - align(length + HEADER_LENGTH);
    LONG.setRelease(meta, LATEST_OFFSET, recordPosition);
    LONG.set(meta, RECORDS_WRITTEN_OFFSET, (long) LONG.get(meta, RECORDS_WRITTEN_OFFSET) + 1);
    if ((int) INT.getOpaque(meta, SLEEP_ENABLED_OFFSET) == 0) {
      LONG.setRelease(meta, TAIL_OFFSET, tail);
      // Sleeping enabled meanwhile: the sleepers' mask must not be read before the tail is visible.
      if ((int) INT.getOpaque(meta, SLEEP_ENABLED_OFFSET) != 0) VarHandle.fullFence();
    } else {
      // Once receivers may sleep: the sleepers' mask must not be read before the tail is visible.
      LONG.setVolatile(meta, TAIL_OFFSET, tail);
    }
    // The sleepers' bitmask: one load while no receiver sleeps.
    if ((long) LONG.getVolatile(meta, WAITERS_OFFSET) != 0) wakeReceivers();
  }

  private void wakeReceivers() {
    MappedAtomics.getAndAddInt(meta, WAKE_SEQUENCE_OFFSET, 1);
    MappedAtomics.getAndAddLong(meta, WAKE_COUNT_OFFSET, 1L);
    nativeAccess.ifPresent(n -> n.futexWake(wakeWord, Integer.MAX_VALUE));
    // A receiver killed asleep leaves its bit set: once a second, drop receivers that are gone.
    long now = System.nanoTime();
    if (now - lastWaiterCheckNanos >= WAITER_CHECK_NANOS) {
      lastWaiterCheckNanos = now;
      receivers.dropDead();
    }
  }

  /** Unmaps the file. The file stays; receivers keep reading what is there. */
  @Override
  public void close() throws IOException {
    if (locks != null) locks.close();
    file.close();
  }

  @Override
  public String toString() {
    return "BroadcastTransmitter[" + path + ", " + (reliable ? "reliable" : "lossy") + "]";
  }
}
