package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.RingBufferDescriptor.*;

import dev.mmapkit.MappedFile;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A ring with one producer thread (in one process) and one consumer thread. The producer advances
 * the tail with a release store (a volatile one once a consumer has slept on the ring), no
 * compare-and-set; two producers at once corrupt it, so use {@link ManyToOneRingBuffer} when in
 * doubt. Create or open with {@link RingBuffers}.
 */
public final class OneToOneRingBuffer extends MappedRingBuffer {

  // The producer's last look at the head: re-read only when the ring seems full.
  private long headCache;

  OneToOneRingBuffer(MappedFile file, long capacity) {
    super(file, capacity);
  }

  @Override
  long claim(int required) {
    long tail = (long) LONG.getAcquire(meta, TAIL_POSITION_OFFSET);
    long tailIndex = tail & mask;
    long toEnd = capacity - tailIndex;
    long padding = required > toEnd ? toEnd : 0;
    long needed = required + padding;
    if (needed > capacity - (tail - headCache)) {
      headCache = (long) LONG.getAcquire(meta, HEAD_POSITION_OFFSET);
      if (needed > capacity - (tail - headCache)) return BACK_PRESSURED;
    }
    if (padding != 0) {
      data.set(ValueLayout.JAVA_INT, tailIndex + TYPE_OFFSET, PADDING_TYPE);
      INT.setRelease(data, tailIndex + LENGTH_OFFSET, (int) padding);
      tailIndex = 0;
    }
    if ((int) INT.getOpaque(meta, SLEEP_ENABLED_OFFSET) == 0) {
      LONG.setRelease(meta, TAIL_POSITION_OFFSET, tail + needed);
      // A producer preempted between the check and the store may find sleeping enabled now; then
      // the waiter count must not be read before the tail is visible. The grace period only has to
      // cover the store buffer draining, not a preemption.
      if ((int) INT.getOpaque(meta, SLEEP_ENABLED_OFFSET) != 0) VarHandle.fullFence();
    } else {
      // Volatile once consumers may sleep: the waiter count must not be read before this store.
      // A full fence here waits for every earlier store to drain, ~150 ns in a ping-pong, so
      // rings whose consumer never sleeps do not pay it.
      LONG.setVolatile(meta, TAIL_POSITION_OFFSET, tail + needed);
    }
    return tailIndex;
  }
}
