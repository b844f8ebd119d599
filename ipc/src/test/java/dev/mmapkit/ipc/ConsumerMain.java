package dev.mmapkit.ipc;

import java.nio.file.Path;

/**
 * Child process: reads exactly {@code count} messages of producer thread 0, checking they continue
 * from {@code firstSeq} in order and intact, then exits. Args: path count firstSeq maxLength.
 */
public final class ConsumerMain {
  private ConsumerMain() {}

  public static void main(String[] args) throws Exception {
    long count = Long.parseLong(args[1]);
    long[] expected = {Long.parseLong(args[2])};
    int maxLength = Integer.parseInt(args[3]);
    long deadline = System.nanoTime() + 60_000_000_000L;
    String[] failure = {null};
    try (RingBuffer ring = RingBuffers.open(Path.of(args[0]))) {
      long end = expected[0] + count;
      while (expected[0] < end && failure[0] == null) {
        int n =
            ring.read(
                (type, buffer, offset, length) -> {
                  long seq = Payloads.seq(buffer, offset);
                  if (seq != expected[0]) failure[0] = "expected " + expected[0] + ", got " + seq;
                  else if (length != Payloads.length(seq, maxLength)) failure[0] = "length";
                  else failure[0] = Payloads.checkFiller(buffer, offset, seq, length);
                  expected[0]++;
                },
                1);
        if (n == 0) Thread.onSpinWait();
        if (System.nanoTime() > deadline) failure[0] = "timed out at " + expected[0];
      }
    }
    if (failure[0] != null) {
      System.out.println("FAILED " + failure[0]);
      System.exit(1);
    }
    System.out.println("next=" + expected[0]);
  }
}
