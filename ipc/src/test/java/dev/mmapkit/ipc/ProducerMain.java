package dev.mmapkit.ipc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * Child process: opens a ring and writes {@code count} messages from each of {@code threads}
 * threads, sizes cycling up to {@code maxLength}, alternating copying writes and claims; retries on
 * back-pressure. With {@code copying}, only copying writes from segments (a thread with a slot of
 * its own writes such a record's header last), of payloads built in advance so that the write is
 * most of the loop: {@code maxLength - Payloads.HEADER + 1} must then divide 256. Args: path
 * producerId threads count maxLength [copying].
 */
public final class ProducerMain {
  private ProducerMain() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int producer = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    long count = Long.parseLong(args[3]);
    int maxLength = Integer.parseInt(args[4]);
    boolean copying = args.length > 5 && args[5].equals("copying");
    try (RingBuffer ring = RingBuffers.open(path)) {
      ChildThreads.runAndJoin(
          threads,
          thread -> {
            if (copying) copy(ring, producer, thread, count, maxLength);
            else writeAndClaim(ring, producer, thread, count, maxLength);
          });
    }
    System.out.println("done");
  }

  private static void writeAndClaim(
      RingBuffer ring, int producer, int thread, long count, int maxLength) {
    for (long seq = 0; seq < count; seq++) {
      int len = Payloads.length(seq, maxLength);
      int type = (int) (seq & RingBufferDescriptor.MAX_TYPE);
      if ((seq & 1) == 0) {
        byte[] bytes = Payloads.bytes(producer, thread, seq, len);
        while (!ring.write(type, bytes)) Thread.yield();
      } else {
        long index;
        while ((index = ring.tryClaim(type, len)) < 0) Thread.yield();
        Payloads.fill(ring.buffer(), index, producer, thread, seq, len);
        ring.commit(index);
      }
    }
  }

  /**
   * Copying writes only. A payload's length and filler depend on its sequence number modulo 256
   * (given the constraint on {@code maxLength}), so 256 prepared payloads serve every message, each
   * with its sequence number patched in.
   */
  private static void copy(RingBuffer ring, int producer, int thread, long count, int maxLength) {
    if (256 % (maxLength - Payloads.HEADER + 1) != 0) {
      throw new IllegalArgumentException("maxLength - 15 must divide 256, was " + maxLength);
    }
    MemorySegment[] payloads = new MemorySegment[256];
    for (int k = 0; k < payloads.length; k++) {
      payloads[k] =
          MemorySegment.ofArray(Payloads.bytes(producer, thread, k, Payloads.length(k, maxLength)));
    }
    for (long seq = 0; seq < count; seq++) {
      MemorySegment payload = payloads[(int) (seq & 255)];
      payload.set(ValueLayout.JAVA_LONG_UNALIGNED, 8, seq);
      int type = (int) (seq & RingBufferDescriptor.MAX_TYPE);
      while (!ring.write(type, payload)) Thread.yield();
    }
  }
}
