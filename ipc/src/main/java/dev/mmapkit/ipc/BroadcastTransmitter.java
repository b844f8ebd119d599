package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.BroadcastDescriptor.*;

import dev.mmapkit.MappedFile;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The one writer of a broadcast file, made by {@link Broadcast#createTransmitter}. It never waits
 * for receivers: each message overwrites the oldest bytes of the ring. Use it from one thread at a
 * time; there is one transmitter per file.
 *
 * <p>For every record it stores the tail intent (release, then a store-store fence) before writing
 * any byte, then the record, then latest and tail (release). A receiver that reads a record and
 * then finds the tail intent no more than a ring ahead of it knows no byte of it was overwritten.
 */
public final class BroadcastTransmitter implements AutoCloseable {
  private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

  private final MappedFile file;
  private final MemorySegment meta;
  private final MemorySegment data;
  private final long capacity;
  private final long mask;
  private final int maxMessageLength;

  BroadcastTransmitter(MappedFile file, long capacity) {
    this.file = file;
    this.meta = file.chunk(0);
    this.data = meta.asSlice(DATA_OFFSET, capacity);
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.maxMessageLength = BroadcastDescriptor.maxMessageLength(capacity);
  }

  /** The data area's size in bytes. */
  public long capacity() {
    return capacity;
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
   * Transmits {@code src} as one message of type {@code type}. Never blocks.
   *
   * @throws IllegalArgumentException if the type is negative or the message is longer than {@link
   *     #maxMessageLength()}
   */
  public void transmit(int type, MemorySegment src) {
    int length = checkedLength(type, src.byteSize());
    long index = begin(type, length);
    MemorySegment.copy(src, 0, data, index + HEADER_LENGTH, length);
    end(length);
  }

  /** As {@link #transmit(int, MemorySegment)}, for a byte array. */
  public void transmit(int type, byte[] src) {
    int length = checkedLength(type, src.length);
    long index = begin(type, length);
    MemorySegment.copy(src, 0, data, ValueLayout.JAVA_BYTE, index + HEADER_LENGTH, length);
    end(length);
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
  // offset in data. The payload is copied by the caller; end() publishes.
  private long begin(int type, int length) {
    long tail = (long) LONG.get(meta, TAIL_OFFSET);
    int recordLength = length + HEADER_LENGTH;
    int aligned = align(recordLength);
    long index = tail & mask;
    long toEnd = capacity - index;
    boolean pad = aligned > toEnd;
    long newTail = tail + (pad ? toEnd : 0) + aligned;
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

  private void end(int length) {
    long tail = (long) LONG.get(meta, TAIL_INTENT_OFFSET);
    long recordPosition = tail - align(length + HEADER_LENGTH);
    LONG.setRelease(meta, LATEST_OFFSET, recordPosition);
    LONG.setRelease(meta, TAIL_OFFSET, tail);
  }

  /** Unmaps the file. The file stays; receivers keep reading what is there. */
  @Override
  public void close() throws IOException {
    file.close();
  }
}
