package dev.mmapkit.ipc;

import java.nio.file.Path;

/**
 * Child process: opens a full ring and, from each of {@code threads} threads at once, makes {@code
 * attempts} writes and claims, alternating, each of which must be refused; exits 1 if one is not.
 * Args: path threads attempts.
 */
public final class RefusedWriterMain {
  private RefusedWriterMain() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    int attempts = Integer.parseInt(args[2]);
    boolean[] accepted = new boolean[threads];
    try (RingBuffer ring = RingBuffers.open(path)) {
      ChildThreads.runAndJoin(
          threads,
          thread -> {
            for (int i = 0; i < attempts; i++) {
              boolean written =
                  (i & 1) == 0
                      ? ring.write(1, new byte[56])
                      : ring.tryClaim(1, 56) != RingBuffer.BACK_PRESSURED;
              accepted[thread] |= written;
            }
          });
    }
    for (boolean written : accepted) if (written) System.exit(1);
    System.out.println("done");
  }
}
