package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.RingBufferDescriptor.*;

import dev.mmapkit.MappedFile;
import java.lang.foreign.ValueLayout;

/**
 * A ring that any number of producer threads in any number of processes write to, and one consumer
 * thread reads. A producer claims space with a compare-and-set on the tail; messages of one thread
 * are read in the order it wrote them, messages of different threads in claim order. Create or open
 * with {@link RingBuffers}.
 */
public final class ManyToOneRingBuffer extends MappedRingBuffer {

  ManyToOneRingBuffer(MappedFile file, long capacity) {
    super(file, capacity);
  }

  @Override
  long claim(int required) {
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
        if (needed > capacity - (tail - head)) return BACK_PRESSURED;
        LONG.setRelease(meta, HEAD_CACHE_POSITION_OFFSET, head);
      }
    } while (!LONG.compareAndSet(meta, TAIL_POSITION_OFFSET, tail, tail + needed));
    if (padding != 0) {
      data.set(ValueLayout.JAVA_INT, tailIndex + TYPE_OFFSET, PADDING_TYPE);
      INT.setRelease(data, tailIndex + LENGTH_OFFSET, (int) padding);
      tailIndex = 0;
    }
    return tailIndex;
  }
}
