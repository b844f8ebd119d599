package dev.mmapkit.ipc;

import java.lang.foreign.MemorySegment;

/**
 * Receives messages read from a {@link RingBuffer}, in place, or from a {@link BroadcastReceiver},
 * as a validated copy in the receiver's own buffer (also valid only during the call).
 */
@FunctionalInterface
public interface MessageHandler {
  /**
   * Called once per message, on the reading thread.
   *
   * <p>The payload is {@code buffer[offset, offset + length)}: the ring's own memory, not a copy,
   * and valid only during this call (the ring zeroes and reuses it afterwards). Nothing is
   * allocated to call this.
   *
   * @param type the message type the producer wrote, in [0, {@link RingBufferDescriptor#MAX_TYPE}]
   * @param buffer the ring's data area
   * @param offset where the payload starts in {@code buffer}
   * @param length payload bytes
   */
  void onMessage(int type, MemorySegment buffer, long offset, int length);
}
