package dev.mmapkit.bench.ipc;

import dev.mmapkit.internal.NativeAccess;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * What one futex call costs a process that makes few of them, as a sleeping consumer and its
 * producers do: times 50 wake calls (nobody waiting) and 50 wait calls that return at once, 5 ms
 * apart, first straight after the process's first futex call, then again after a second. The first
 * batch runs while the core's background warm-up is still compiling the calls; the second after it.
 * Prints the medians and maxima.
 *
 * <p>{@code java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * dev.mmapkit.bench.ipc.FutexCallCost}
 */
public final class FutexCallCost {
  private FutexCallCost() {}

  private static final int CALLS = 50;

  public static void main(String[] args) {
    NativeAccess access = NativeAccess.get().orElseThrow();
    MemorySegment word = Arena.global().allocate(4, 4);
    measure("at once", access, word);
    LockSupport.parkNanos(1_000_000_000L);
    measure("after 1 s", access, word);
  }

  private static void measure(String when, NativeAccess access, MemorySegment word) {
    long[] wake = new long[CALLS];
    long[] wait = new long[CALLS];
    for (int i = 0; i < CALLS; i++) {
      LockSupport.parkNanos(5_000_000);
      long start = System.nanoTime();
      access.futexWake(word, 1);
      long woken = System.nanoTime();
      access.futexWait(word, 1, 0); // the word holds 0: returns at once
      wait[i] = System.nanoTime() - woken;
      wake[i] = woken - start;
    }
    Arrays.sort(wake);
    Arrays.sort(wait);
    System.out.printf(
        "%-9s wake p50 %6.2f us (max %7.1f), wait p50 %6.2f us (max %7.1f)%n",
        when,
        wake[CALLS / 2] / 1e3,
        wake[CALLS - 1] / 1e3,
        wait[CALLS / 2] / 1e3,
        wait[CALLS - 1] / 1e3);
  }
}
