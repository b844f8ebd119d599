package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.RingBufferDescriptor.*;

import dev.mmapkit.MappedFile;
import dev.mmapkit.internal.RawMemory;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * A ring that any number of producer threads in any number of processes write to, and one consumer
 * thread reads. A producer claims space with a compare-and-set on the tail, its only atomic
 * instruction while the thread has a producer slot of its own (the first 16 producer threads of a
 * process, while the table has room); messages of one thread are read in the order it wrote them,
 * messages of different threads in claim order. Create or open with {@link RingBuffers}.
 */
public final class ManyToOneRingBuffer extends MappedRingBuffer {

  ManyToOneRingBuffer(MappedFile file, Path path, long capacity) {
    super(file, path, capacity, true);
  }

  @Override
  long claim(ProducerSlot slot, int typeAndSlot, int recordLength) {
    // Counted in flight before the tail moves, until the header is written: a consumer that sees
    // the tail past a header-less claim and no claim in flight sees the header (see unblock). A
    // thread that owns its slot counts with plain stores, which the tail's compare-and-set orders
    // before it (and the header's release store after it): the claim's only atomic instruction.
    // The rare paths (a shared slot's atomic adds, padding, a full ring, a lost race) are methods
    // of their own, so that this one stays small enough for the JIT to inline into write().
    RawMemory memory = this.memory;
    long claims = slot.claimsOffset;
    long counted = slot.claims;
    boolean own = slot.owner != null;
    if (own) {
      memory.setLongRelease(claims, counted + 1);
    } else {
      addToSharedSlot(slot, 1L);
    }
    int required = align(recordLength);
    long tail = memory.getLongVolatile(TAIL_POSITION_OFFSET);
    long head = memory.getLongVolatile(HEAD_CACHE_POSITION_OFFSET);
    long tailIndex = tail & mask;
    if (required > capacity - tailIndex
        || required > capacity - ZEROING_SLACK - (tail - head)
        || !memory.compareAndSetLong(TAIL_POSITION_OFFSET, tail, tail + required)) {
      tailIndex = claimSlowly(required);
      if (tailIndex == BACK_PRESSURED) {
        uncountInFlight(slot, own, counted);
        return BACK_PRESSURED;
      }
    }
    // Type and negated length in one store.
    memory.setLongRelease(DATA_OFFSET + tailIndex, header(-recordLength, typeAndSlot));
    // Out of flight (after the header) and one more record written, in one store or atomic add.
    if (own) {
      slot.claims = counted + ONE_RECORD_WRITTEN;
      memory.setLongRelease(claims, counted + ONE_RECORD_WRITTEN);
    } else {
      addToSharedSlot(slot, ONE_RECORD_WRITTEN - 1);
    }
    // The header must be visible before any payload byte: recovery scans for the first non-zero
    // word after a dead claim and must never mistake a payload for a header.
    VarHandle.storeStoreFence();
    return tailIndex;
  }

  /**
   * Moves the tail past {@code required} bytes, first padding to the end of the data area if they
   * do not fit before it, re-reading the head when the ring looks full.
   *
   * @return the index claimed, or {@link #BACK_PRESSURED}
   */
  private long claimSlowly(int required) {
    long head = memory.getLongVolatile(HEAD_CACHE_POSITION_OFFSET);
    long tail;
    long tailIndex;
    long padding;
    do {
      tail = memory.getLongVolatile(TAIL_POSITION_OFFSET);
      tailIndex = tail & mask;
      long toEnd = capacity - tailIndex;
      padding = required > toEnd ? toEnd : 0;
      long needed = required + padding;
      if (needed > capacity - ZEROING_SLACK - (tail - head)) {
        head = memory.getLongVolatile(HEAD_POSITION_OFFSET);
        if (needed > capacity - ZEROING_SLACK - (tail - head)) return BACK_PRESSURED;
        memory.setLongRelease(HEAD_CACHE_POSITION_OFFSET, head);
      }
    } while (!memory.compareAndSetLong(TAIL_POSITION_OFFSET, tail, tail + required + padding));
    if (padding == 0) return tailIndex;
    memory.setLongRelease(DATA_OFFSET + tailIndex, header((int) padding, PADDING_TYPE));
    return 0;
  }

  /** Takes back the claim in flight of a claim that found the ring full. */
  private void uncountInFlight(ProducerSlot slot, boolean own, long counted) {
    if (own) {
      memory.setLongRelease(slot.claimsOffset, counted);
    } else {
      addToSharedSlot(slot, -1L);
    }
  }

  /** Adds {@code delta} to the claims word of a slot that threads of this process share. */
  private void addToSharedSlot(ProducerSlot slot, long delta) {
    LONG.getAndAdd(meta, slot.claimsOffset, delta);
  }

  @Override
  void uncountRecord() {
    // Ring-wide: the claim may be aborted by another thread than the one whose slot counted it.
    LONG.getAndAdd(meta, RECORDS_ABORTED_OFFSET, 1L);
  }
}
