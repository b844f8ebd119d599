package dev.mmapkit.ipc;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * A ring buffer of typed messages in a file mapped by several processes: producers write, one
 * consumer reads. See {@link RingBufferDescriptor} for the layout and {@link RingBuffers} to create
 * or open one.
 *
 * <p>Writing never blocks and never overwrites unread messages: when the ring is full, {@link
 * #write} returns {@code false} and {@link #tryClaim} returns {@link #BACK_PRESSURED}. Messages
 * from one producer thread are read in the order it wrote them.
 *
 * <p>Reading is for one consumer thread at a time (in any one process).
 */
public interface RingBuffer extends AutoCloseable, MessageSource {

  /** {@link #tryClaim} result: the ring has no room for the message now; try again later. */
  long BACK_PRESSURED = -1;

  /** Bytes of the data area: a power of two. */
  long capacity();

  /** The largest payload a message may have. */
  int maxMessageLength();

  /**
   * Copies {@code src} into the ring as one message.
   *
   * @param type in [0, {@link RingBufferDescriptor#MAX_TYPE}]
   * @return {@code false} if the ring is full (back-pressure); nothing was written
   * @throws IllegalArgumentException if the type is out of range or {@code src} is larger than
   *     {@link #maxMessageLength()}
   */
  boolean write(int type, MemorySegment src);

  /**
   * As {@link #write(int, MemorySegment)}, from {@code src[offset, offset + length)}: forwards a
   * payload (a handler's, say) without slicing it first.
   *
   * @throws IndexOutOfBoundsException if the range is not inside {@code src}
   */
  boolean write(int type, MemorySegment src, long offset, long length);

  /** As {@link #write(int, MemorySegment)}, from an array. */
  boolean write(int type, byte[] src);

  /**
   * Claims room for a message of {@code length} bytes to be written in place: write the payload at
   * {@code buffer()[index, index + length)}, then {@link #commit} or {@link #abort} it. Until then,
   * the consumer cannot read past it, so keep claims short. Costs one atomic operation on the tail
   * (many-to-one) or a plain store (one-to-one).
   *
   * @return the payload's offset in {@link #buffer()}, or {@link #BACK_PRESSURED}
   * @throws IllegalArgumentException if the type is out of range or the length is negative or
   *     larger than {@link #maxMessageLength()}
   */
  long tryClaim(int type, int length);

  /** Publishes the message claimed at {@code index}, waking a sleeping consumer if there is one. */
  void commit(long index);

  /** Gives up the claim at {@code index}: it becomes padding that the consumer skips. */
  void abort(long index);

  /** The data area, for writing a claimed payload; offsets are those {@link #tryClaim} returns. */
  MemorySegment buffer();

  /**
   * Reads up to {@code limit} messages that are ready, in order, handing each to {@code handler} in
   * place; across the end of the ring too, so it returns 0 only when the message at the head is not
   * ready (or {@code limit} is 0), never because padding came first. Also updates the consumer
   * heartbeat and, when the head has been stuck on a claim for longer than {@link
   * #claimTimeout(Duration)}, checks whether its producer is dead and, if so, turns the claim into
   * padding.
   *
   * @return messages read (padding not counted); 0 if none was ready
   */
  int read(MessageHandler handler, int limit);

  /**
   * As {@link #read}, with a handler that can continue, break, abort or commit early.
   *
   * @return messages consumed
   */
  int controlledRead(ControlledMessageHandler handler, int limit);

  /**
   * Sleeps until a producer writes, the timeout passes or the thread is interrupted; returns at
   * once if messages are waiting. Producers pay for a wake-up only while someone sleeps here. Needs
   * native access (futex); without it, sleeps up to 50 µs instead.
   *
   * @return {@code true} if there may be messages to read
   */
  @Override
  boolean awaitMessages(long timeoutNanos);

  /**
   * Sets how long the head may rest on an uncommitted claim before the consumer checks whether the
   * claiming process is still alive (default 1 s). A live producer's claim is never taken away.
   *
   * @return this ring
   */
  RingBuffer claimTimeout(Duration timeout);

  /** Bytes claimed since creation. */
  long producerPosition();

  /** Bytes consumed since creation. */
  long consumerPosition();

  /** Bytes between consumer and producer positions: what is waiting to be read. */
  default long size() {
    return producerPosition() - consumerPosition();
  }

  /** A snapshot of the positions and counters in the file. */
  RingBufferStats stats();

  /**
   * Closes this ring object: later writes, claims and reads throw {@link IllegalStateException}.
   * The ring (and its messages) stay for other processes. The file is unmapped once this object is
   * unreachable, not at once: the hot paths reach the mapping without a segment's per-access checks
   * (see {@code docs/ipc.md}, "Closing"), so a thread still holding the ring must never find it
   * unmapped. Idempotent.
   */
  @Override
  void close() throws IOException;
}
