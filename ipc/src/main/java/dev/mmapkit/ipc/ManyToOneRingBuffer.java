package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.RingBufferDescriptor.*;

import dev.mmapkit.MappedFile;
import java.lang.foreign.MemorySegment;
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
    // Locals: one load of each segment for the whole claim, across the volatile accesses.
    MemorySegment meta = this.meta;
    MemorySegment data = this.data;
    long claims = slot.claimsOffset;
    boolean own = slot.owner != null;
    long counted = slot.claims;
    if (own) {
      LONG.setRelease(meta, claims, counted + 1);
    } else {
      LONG.getAndAdd(meta, claims, 1L);
    }
    int required = align(recordLength);
    long head = (long) LONG.getVolatile(meta, HEAD_CACHE_POSITION_OFFSET);
    long tail;
    long tailIndex;
    long padding;
    long needed;
    do {
      tail = (long) LONG.getVolatile(meta, TAIL_POSITION_OFFSET);
      tailIndex = tail & mask;
      long toEnd = capacity - tailIndex;
      padding = required > toEnd ? toEnd : 0;
      needed = required + padding;
      if (needed > capacity - (tail - head)) {
        head = (long) LONG.getVolatile(meta, HEAD_POSITION_OFFSET);
        if (needed > capacity - (tail - head)) {
          if (own) {
            LONG.setRelease(meta, claims, counted);
          } else {
            LONG.getAndAdd(meta, claims, -1L);
          }
          return BACK_PRESSURED;
        }
        LONG.setRelease(meta, HEAD_CACHE_POSITION_OFFSET, head);
      }
    } while (!LONG.compareAndSet(meta, TAIL_POSITION_OFFSET, tail, tail + needed));
    if (padding != 0) {
      LONG.setRelease(data, tailIndex, header((int) padding, PADDING_TYPE));
      tailIndex = 0;
    }
    // Type and negated length in one store.
    LONG.setRelease(data, tailIndex, header(-recordLength, typeAndSlot));
    // Out of flight (after the header) and one more record written, in one store or atomic add.
    if (own) {
      slot.claims = counted + ONE_RECORD_WRITTEN;
      LONG.setRelease(meta, claims, counted + ONE_RECORD_WRITTEN);
    } else {
      LONG.getAndAdd(meta, claims, ONE_RECORD_WRITTEN - 1);
    }
    // The header must be visible before any payload byte: recovery scans for the first non-zero
    // word after a dead claim and must never mistake a payload for a header.
    VarHandle.storeStoreFence();
    return tailIndex;
  }

  @Override
  void uncountRecord() {
    // Ring-wide: the claim may be aborted by another thread than the one whose slot counted it.
    LONG.getAndAdd(meta, RECORDS_ABORTED_OFFSET, 1L);
  }
}
