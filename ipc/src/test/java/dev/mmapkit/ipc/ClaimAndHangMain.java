package dev.mmapkit.ipc;

import java.nio.file.Path;

/**
 * Child process: writes one message (unless the second argument is {@code claim-only}), claims one
 * of 100 bytes and never commits it, then waits to be killed. Args: path [claim-only].
 */
public final class ClaimAndHangMain {
  private ClaimAndHangMain() {}

  public static void main(String[] args) throws Exception {
    try (RingBuffer ring = RingBuffers.open(Path.of(args[0]))) {
      boolean claimOnly = args.length > 1 && args[1].equals("claim-only");
      if (!claimOnly && !ring.write(1, Payloads.bytes(7, 0, 0, 40))) {
        throw new AssertionError("full");
      }
      long index = ring.tryClaim(2, 100);
      if (index < 0) throw new AssertionError("full");
      System.out.println("claimed");
      System.out.flush();
      Thread.sleep(60_000);
    }
  }
}
