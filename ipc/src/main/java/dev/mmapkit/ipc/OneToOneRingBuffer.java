package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.RingBufferDescriptor.*;

import dev.mmapkit.MappedFile;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * A ring with one producer thread (in one process) and one consumer thread. The producer writes a
 * record's header and zeroes the header after it, then advances the tail with a release store (a
 * volatile one once a consumer has slept on the ring), no compare-and-set; so the consumer never
 * meets a claim without a header and need not zero what it reads. A copying {@code write} goes
 * further: the whole record, header last, before the tail. The ring keeps {@value
 * RingBufferDescriptor#HEADER_LENGTH} bytes free for that next header. Two producers at once
 * corrupt it: use {@link ManyToOneRingBuffer} when in doubt. Create or open with {@link
 * RingBuffers}.
 */
public final class OneToOneRingBuffer extends MappedRingBuffer {

  // The producer's last look at the head: re-read only when the ring seems full.
  private long headCache;

  OneToOneRingBuffer(MappedFile file, Path path, long capacity) {
    super(file, path, capacity, false);
  }

  @Override
  boolean append(
      ProducerSlot slot, int typeAndSlot, MemorySegment src, long srcOffset, int length) {
    // A copied record is complete before the tail covers it: the next header zeroed, the payload,
    // then type and length in one release store. A consumer polling the head sees the record in
    // one state change, and the line it polls is written once, not three times (claim, payload,
    // commit). A copy that throws has published nothing.
    int recordLength = length + HEADER_LENGTH;
    int required = align(recordLength);
    long tail = memory.getLong(TAIL_POSITION_OFFSET);
    long tailIndex = tail & mask;
    if (!fitsAtTail(tail, tailIndex, required)) {
      return super.append(slot, typeAndSlot, src, srcOffset, length);
    }
    memory.setLong(DATA_OFFSET + ((tailIndex + required) & mask), 0L);
    memory.copyFrom(src, srcOffset, DATA_OFFSET + tailIndex + HEADER_LENGTH, length);
    memory.setLongRelease(DATA_OFFSET + tailIndex, header(recordLength, typeAndSlot));
    advanceTail(tail + required);
    wakeConsumerIfWaiting();
    return true;
  }

  /**
   * Whether {@code required} bytes fit before the end of the data area and, by the cached head,
   * leave room for the header after them: the common case, small enough for the JIT to inline.
   */
  private boolean fitsAtTail(long tail, long tailIndex, int required) {
    return required <= capacity - tailIndex
        && required + HEADER_LENGTH <= capacity - (tail - headCache);
  }

  @Override
  long claim(ProducerSlot slot, int typeAndSlot, int recordLength) {
    // The common case only, so that the JIT inlines this into tryClaim(); anything else is
    // claimSlowly.
    int required = align(recordLength);
    long tail = memory.getLong(TAIL_POSITION_OFFSET);
    long tailIndex = tail & mask;
    if (!fitsAtTail(tail, tailIndex, required)) return claimSlowly(typeAndSlot, recordLength);
    // One plain store of type and negated length: the tail store below orders it, and a negative
    // length means "not ready".
    memory.setLong(DATA_OFFSET + tailIndex, header(-recordLength, typeAndSlot));
    // The consumer does not zero what it reads: a stale record from the last lap must never look
    // like the next one, so the producer zeroes the next header before it publishes this record.
    memory.setLong(DATA_OFFSET + ((tailIndex + required) & mask), 0L);
    advanceTail(tail + required);
    return tailIndex;
  }

  /** {@link #claim} in general: after reading the head again, and with padding at the end. */
  private long claimSlowly(int typeAndSlot, int recordLength) {
    int required = align(recordLength);
    long tail = memory.getLong(TAIL_POSITION_OFFSET);
    long tailIndex = tail & mask;
    long toEnd = capacity - tailIndex;
    long padding = required > toEnd ? toEnd : 0;
    long needed = required + padding;
    // HEADER_LENGTH more: the header after the record is zeroed, and must not be unread data.
    if (needed + HEADER_LENGTH > capacity - (tail - headCache)) {
      headCache = memory.getLongAcquire(HEAD_POSITION_OFFSET);
      if (needed + HEADER_LENGTH > capacity - (tail - headCache)) return BACK_PRESSURED;
    }
    long recordIndex = padding != 0 ? 0 : tailIndex;
    // It goes before the padding, so a consumer that skips the padding finds it.
    memory.setLong(DATA_OFFSET + recordIndex, header(-recordLength, typeAndSlot));
    // Padding is claimed (negative, with this producer's slot) until the tail has moved: a producer
    // that dies before its tail store must not leave a padding the consumer would read past the
    // tail. After the store, a dead producer's padding claim is padded by the consumer's recovery.
    if (padding != 0) {
      memory.setLong(
          DATA_OFFSET + tailIndex,
          header(-(int) padding, (typeAndSlot & ~MAX_TYPE) | MAX_TYPE | PADDING_CLAIM_FLAG));
    }
    memory.setLong(DATA_OFFSET + ((recordIndex + required) & mask), 0L);
    advanceTail(tail + needed);
    if (padding != 0)
      memory.setLongRelease(DATA_OFFSET + tailIndex, header((int) padding, PADDING_TYPE));
    return recordIndex;
  }

  /** Publishes the tail that covers the record claimed. */
  private void advanceTail(long newTail) {
    if (memory.getIntOpaque(SLEEP_ENABLED_OFFSET) == 0) {
      memory.setLongRelease(TAIL_POSITION_OFFSET, newTail);
      // A producer preempted between the check and the store may find sleeping enabled now; then
      // the waiter word must not be read before the tail is visible. The grace period only has to
      // cover the store buffer draining, not a preemption.
      if (memory.getIntOpaque(SLEEP_ENABLED_OFFSET) != 0) VarHandle.fullFence();
    } else {
      // Volatile once consumers may sleep: the waiter word must not be read before this store.
      // A full fence here waits for every earlier store to drain, ~150 ns in a ping-pong, so
      // rings whose consumer never sleeps do not pay it.
      memory.setLongVolatile(TAIL_POSITION_OFFSET, newTail);
    }
  }
}
