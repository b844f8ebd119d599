package dev.mmapkit.ipc;

import java.time.Duration;

/**
 * For a ring's consumer or a broadcast receiver: spins briefly, then sleeps on the file's shared
 * futex until a producer writes ({@link MessageSource#awaitMessages}). An idle consumer costs
 * almost no CPU; producers pay one extra load per message while nobody sleeps and a wake-up system
 * call while someone does. Sleeps are bounded by {@code maxSleep} so the consumer's heartbeat and
 * dead-claim checks go on.
 */
public final class BlockingIdleStrategy implements IdleStrategy {
  private final MessageSource ring;
  private final int maxSpins;
  private final long maxSleepNanos;
  private int spins;

  /** Spins 1000 times, then sleeps up to 100 ms at a time. */
  public BlockingIdleStrategy(MessageSource ring) {
    this(ring, 1000, Duration.ofMillis(100));
  }

  /**
   * @param ring the ring or broadcast receiver whose producers wake this consumer
   * @param maxSpins how many idle calls spin before the first sleep
   * @param maxSleep the longest single sleep
   * @throws IllegalArgumentException if {@code maxSpins} is negative or {@code maxSleep} not
   *     positive
   */
  public BlockingIdleStrategy(MessageSource ring, int maxSpins, Duration maxSleep) {
    if (maxSpins < 0) throw new IllegalArgumentException("negative maxSpins " + maxSpins);
    if (maxSleep.isNegative() || maxSleep.isZero()) {
      throw new IllegalArgumentException("maxSleep must be positive, was " + maxSleep);
    }
    this.ring = ring;
    this.maxSpins = maxSpins;
    this.maxSleepNanos = maxSleep.toNanos();
  }

  @Override
  public void idle() {
    if (spins < maxSpins) {
      spins++;
      Thread.onSpinWait();
    } else {
      ring.awaitMessages(maxSleepNanos);
    }
  }

  @Override
  public void reset() {
    spins = 0;
  }
}
