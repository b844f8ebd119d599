package dev.mmapkit.ipc;

import java.nio.file.Path;

/** Child process: the consumer of a ring that sleeps in {@code awaitMessages} until killed. */
public final class AwaitMain {
  private AwaitMain() {}

  public static void main(String[] args) throws Exception {
    try (RingBuffer ring = RingBuffers.open(Path.of(args[0]))) {
      while (true) ring.awaitMessages(60_000_000_000L);
    }
  }
}
