package dev.mmapkit.ipc;

import java.lang.foreign.MemorySegment;

/**
 * Receives messages read from a {@link RingBuffer} and decides, per message, how reading goes on.
 */
@FunctionalInterface
public interface ControlledMessageHandler {

  /** What to do after a message. */
  enum Action {
    /** Consume the message and go on. */
    CONTINUE,
    /** Consume the message and stop this read. */
    BREAK,
    /** Do not consume the message (it is delivered again next read) and stop this read. */
    ABORT,
    /**
     * Consume the message and publish the position now, so producers can reuse the space before the
     * read ends; then go on.
     */
    COMMIT
  }

  /**
   * Called once per message, on the reading thread, with the payload in place as in {@link
   * MessageHandler#onMessage}.
   *
   * @return what to do next; never null
   */
  Action onMessage(int type, MemorySegment buffer, long offset, int length);
}
