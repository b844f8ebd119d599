package dev.mmapkit.ipc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * Child process: every {@code intervalMillis}, writes one message carrying {@link
 * System#nanoTime()} (CLOCK_MONOTONIC, the same clock in every process on the host), {@code count}
 * times. Args: path count intervalMillis.
 */
public final class DelayedWriterMain {
  private DelayedWriterMain() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[1]);
    long interval = Long.parseLong(args[2]);
    try (RingBuffer ring = RingBuffers.open(Path.of(args[0]))) {
      MemorySegment message = MemorySegment.ofArray(new long[1]);
      for (int i = 0; i < count; i++) {
        Thread.sleep(interval);
        message.set(ValueLayout.JAVA_LONG, 0, System.nanoTime());
        if (!ring.write(3, message)) throw new AssertionError("full");
      }
    }
    System.out.println("done");
  }
}
