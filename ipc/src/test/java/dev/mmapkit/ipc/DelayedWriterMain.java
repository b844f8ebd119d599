package dev.mmapkit.ipc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * Child process: every {@code intervalMillis}, writes one message carrying {@link
 * System#nanoTime()} (CLOCK_MONOTONIC, the same clock in every process on the host), {@code count}
 * times, after 50,000 warm-up messages of type 4. Args: path count intervalMillis.
 */
public final class DelayedWriterMain {
  private DelayedWriterMain() {}

  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[1]);
    long interval = Long.parseLong(args[2]);
    try (RingBuffer ring = RingBuffers.open(Path.of(args[0]))) {
      MemorySegment message = MemorySegment.ofArray(new long[1]);
      // Warm the wake-up path (futex downcall) so the timings measure the wake-up, not linking.
      try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
        MemorySegment word = arena.allocate(4, 4);
        var futex = dev.mmapkit.internal.NativeAccess.get().orElseThrow();
        for (int i = 0; i < 20_000; i++) futex.futexWake(word, 1);
      }
      // And the write path, with messages of type 4 that the reader skips.
      for (int i = 0; i < 50_000; i++) {
        while (!ring.write(4, message)) Thread.onSpinWait();
      }
      for (int i = 0; i < count; i++) {
        Thread.sleep(interval);
        message.set(ValueLayout.JAVA_LONG, 0, System.nanoTime());
        if (!ring.write(3, message)) throw new AssertionError("full");
      }
    }
    System.out.println("done");
  }
}
