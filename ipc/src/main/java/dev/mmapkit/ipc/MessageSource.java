package dev.mmapkit.ipc;

/**
 * Something a consumer polls for messages and can sleep on until one arrives: a {@link RingBuffer}
 * or a {@link BroadcastReceiver}. What {@link BlockingIdleStrategy} sleeps on.
 */
public interface MessageSource {

  /**
   * Sleeps until a message may be there, the timeout passes or the thread is interrupted; returns
   * at once if one is waiting.
   *
   * @return {@code true} if there may be a message to read
   */
  boolean awaitMessages(long timeoutNanos);
}
