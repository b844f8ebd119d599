package dev.mmapkit.log;

import java.time.Instant;

/**
 * The clock records are stamped with: the wall clock in nanoseconds since the epoch, read as {@code
 * System.nanoTime()} plus an offset taken from {@link Instant#now()} at most a second earlier.
 * {@code nanoTime} is an intrinsic; {@code Instant.now()} is a native call that cost about 15 ns
 * more on the test host, a fifth of a small append. The offset is taken again every second, so a
 * step of the wall clock (NTP, an administrator) shows within a second; frequency corrections apply
 * to both clocks alike.
 */
final class RecordClock {
  private RecordClock() {}

  private static final long REBASE_NANOS = 1_000_000_000L;

  /** The wall clock at {@code nanoTime}, both in nanoseconds. */
  private record Base(long epochNanos, long nanoTime) {}

  private static volatile Base base = rebase();

  /** Now, in nanoseconds since the epoch. */
  static long epochNanos() {
    long now = System.nanoTime();
    Base b = base;
    if (now - b.nanoTime() >= REBASE_NANOS) {
      b = rebase();
      base = b;
    }
    return b.epochNanos() + (now - b.nanoTime());
  }

  private static Base rebase() {
    Instant wall = Instant.now();
    long nano = System.nanoTime();
    return new Base(wall.getEpochSecond() * 1_000_000_000L + wall.getNano(), nano);
  }
}
