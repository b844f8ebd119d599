package dev.mmapkit.ipc;

import java.nio.file.Path;

/**
 * Child process: opens a ring and writes {@code count} messages from each of {@code threads}
 * threads, sizes cycling up to {@code maxLength}, alternating copying writes and claims; retries on
 * back-pressure. Args: path producerId threads count maxLength.
 */
public final class ProducerMain {
  private ProducerMain() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int producer = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    long count = Long.parseLong(args[3]);
    int maxLength = Integer.parseInt(args[4]);
    try (RingBuffer ring = RingBuffers.open(path)) {
      Thread[] workers = new Thread[threads];
      for (int t = 0; t < threads; t++) {
        int thread = t;
        workers[t] =
            new Thread(
                () -> {
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
                });
        workers[t].start();
      }
      for (Thread worker : workers) worker.join();
    }
    System.out.println("done");
  }
}
