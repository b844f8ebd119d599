package dev.mmapkit.ipc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Test payloads that say who wrote them: producer, thread, sequence number, then filler bytes
 * derived from the sequence, so a torn, shifted or duplicated message is caught.
 */
final class Payloads {
  private Payloads() {}

  static final int HEADER = 16;

  /** Length of message {@code seq} cycling through every size from HEADER to maxLength. */
  static int length(long seq, int maxLength) {
    return HEADER + (int) (seq % (maxLength - HEADER + 1));
  }

  static void fill(MemorySegment buffer, long offset, int producer, int thread, long seq, int len) {
    buffer.set(ValueLayout.JAVA_INT_UNALIGNED, offset, producer);
    buffer.set(ValueLayout.JAVA_INT_UNALIGNED, offset + 4, thread);
    buffer.set(ValueLayout.JAVA_LONG_UNALIGNED, offset + 8, seq);
    for (int i = HEADER; i < len; i++) {
      buffer.set(ValueLayout.JAVA_BYTE, offset + i, filler(seq, i));
    }
  }

  static byte[] bytes(int producer, int thread, long seq, int len) {
    byte[] bytes = new byte[len];
    fill(MemorySegment.ofArray(bytes), 0, producer, thread, seq, len);
    return bytes;
  }

  static int producer(MemorySegment buffer, long offset) {
    return buffer.get(ValueLayout.JAVA_INT_UNALIGNED, offset);
  }

  static int thread(MemorySegment buffer, long offset) {
    return buffer.get(ValueLayout.JAVA_INT_UNALIGNED, offset + 4);
  }

  static long seq(MemorySegment buffer, long offset) {
    return buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, offset + 8);
  }

  /** Null if the filler is intact, else what is wrong. */
  static String checkFiller(MemorySegment buffer, long offset, long seq, int len) {
    for (int i = HEADER; i < len; i++) {
      byte b = buffer.get(ValueLayout.JAVA_BYTE, offset + i);
      if (b != filler(seq, i)) {
        return "message " + seq + " byte " + i + " is " + b + ", expected " + filler(seq, i);
      }
    }
    return null;
  }

  private static byte filler(long seq, int i) {
    return (byte) (seq * 31 + i * 7);
  }
}
