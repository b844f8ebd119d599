package dev.mmapkit.bench.ipc;

import dev.mmapkit.internal.NativeAccess;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The wake-up floor between two JVMs: a thread blocked in a bare futex wait on a word in a shared
 * file, and a waker that stores {@link System#nanoTime()}, bumps the word and calls futex wake.
 * That is what {@link dev.mmapkit.ipc.BlockingIdleStrategy} and a producer do, without the ring: no
 * spinning first, no waiter word, no heartbeat, no record. {@link WakeUpMeasurement} paces these
 * wake-ups as it paces the ring's writes, so the ratio of the two says what the ring adds to the
 * cost of waking a JVM thread on this machine, which no ring can go below.
 */
final class FutexPeer implements AutoCloseable {
  private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
  private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

  /** The file's layout: the futex word, and on a line of its own the waker's time stamp. */
  private static final long WORD = 0, STAMP = 64, SIZE = 4096;

  private final NativeAccess access = NativeAccess.get().orElseThrow();
  private final Arena arena = Arena.ofShared();
  private final MemorySegment shared;
  private final MemorySegment word;

  /** Maps {@code file}, creating it if it is missing. */
  FutexPeer(Path file) throws IOException {
    try (FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      shared = channel.map(FileChannel.MapMode.READ_WRITE, 0, SIZE, arena);
    }
    word = shared.asSlice(WORD, 4);
  }

  /**
   * The waker's side: publishes {@code stamp} (see {@link WakeUpLatencies}), then bumps the word
   * and wakes its sleeper.
   */
  void wake(long stamp) {
    LONG.setVolatile(shared, STAMP, stamp);
    INT.getAndAdd(shared, WORD, 1);
    access.futexWake(word, 1);
  }

  /**
   * The sleeper's side, in {@link PeerMain}: each time the word changes, hands the waker's stamp to
   * {@link WakeUpLatencies}, until killed. A word is not a queue: a sleeper that comes back later
   * than the next wake-up sees two as one and times only the later, so a report may hold fewer than
   * were sent; it never waits for a wake-up that already came.
   */
  void sleepAndReport(int count) {
    WakeUpLatencies latencies = new WakeUpLatencies(count);
    int seen = (int) INT.getVolatile(shared, WORD);
    while (true) {
      access.futexWait(word, seen, 100_000_000L); // returns at once if the word changed already
      int now = (int) INT.getVolatile(shared, WORD);
      if (now == seen) continue; // timed out, or woken spuriously
      seen = now;
      latencies.onStamp((long) LONG.getVolatile(shared, STAMP));
    }
  }

  @Override
  public void close() {
    arena.close();
  }
}
