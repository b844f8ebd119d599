package dev.mmapkit.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gets the futex calls compiled before a process needs them fast. A consumer that sleeps between
 * messages makes a few futex calls per message at most, too few for the JIT to compile them soon:
 * run interpreted, one call took 12 to 54 µs against 1 to 5 µs compiled (measured on JDK 25), which
 * was most of a wake-up's latency. So the first futex call of a process starts a background thread
 * that makes {@value #CALLS} calls of each kind that return at once, on a word of its own that
 * nobody waits on, and ends (tens of milliseconds of one core, once per process). The system
 * property {@code mmapkit.futexWarmUp=false} turns it off.
 */
final class FutexWarmUp {
  /** Calls of each kind: enough for C2 to compile both (its threshold is 5000 invocations). */
  static final int CALLS = 20_000;

  private static final boolean ENABLED =
      Boolean.parseBoolean(System.getProperty("mmapkit.futexWarmUp", "true"));
  private static final AtomicBoolean STARTED = new AtomicBoolean();
  private static volatile Thread thread;

  private FutexWarmUp() {}

  /** Starts the warm-up of {@code access}'s futex calls, if this process has not yet. */
  static void startOnce(NativeAccess access) {
    if (!ENABLED || STARTED.get() || !STARTED.compareAndSet(false, true)) return;
    Thread started =
        Thread.ofPlatform()
            .daemon()
            .name("mmapkit-futex-warm-up")
            .unstarted(() -> callRepeatedly(access));
    started.setPriority(Thread.MIN_PRIORITY);
    thread = started;
    try {
      started.start();
    } catch (OutOfMemoryError e) {
      // No thread to be had: the caller's own futex call, which may follow a published message,
      // must not fail for an optimisation. The calls stay interpreted until the JIT gets to them.
    }
  }

  private static void callRepeatedly(NativeAccess access) {
    MemorySegment word = Arena.ofAuto().allocate(4, 4); // holds 0
    try {
      for (int i = 0; i < CALLS; i++) {
        access.futexWake(word, 1); // wakes nobody
        access.futexWait(word, 1, 0); // the word does not hold 1: returns at once
      }
    } catch (RuntimeException e) {
      // A futex call that fails here fails for the callers too, who report it: stop quietly.
    }
  }

  /** The warm-up thread, once started (for tests). */
  static Thread thread() {
    return thread;
  }
}
