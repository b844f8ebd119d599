package dev.mmapkit.ipc;

import java.nio.file.Path;

/**
 * Child process: writes one message, claims a second and never commits it, then waits to be killed.
 * Args: path.
 */
public final class ClaimAndHangMain {
  private ClaimAndHangMain() {}

  public static void main(String[] args) throws Exception {
    try (RingBuffer ring = RingBuffers.open(Path.of(args[0]))) {
      if (!ring.write(1, Payloads.bytes(7, 0, 0, 40))) throw new AssertionError("full");
      long index = ring.tryClaim(2, 100);
      if (index < 0) throw new AssertionError("full");
      System.out.println("claimed");
      System.out.flush();
      Thread.sleep(60_000);
    }
  }
}
