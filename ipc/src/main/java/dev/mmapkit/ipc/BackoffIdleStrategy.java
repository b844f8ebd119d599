package dev.mmapkit.ipc;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Spins, then yields, then parks for doubling times up to a maximum: cheap when work comes back
 * quickly, cheap on CPU when it does not.
 */
public final class BackoffIdleStrategy implements IdleStrategy {
  private final int maxSpins;
  private final int maxYields;
  private final long minParkNanos;
  private final long maxParkNanos;

  private int spins;
  private int yields;
  private long parkNanos;

  /** 100 spins, 10 yields, parks from 1 µs to 1 ms. */
  public BackoffIdleStrategy() {
    this(100, 10, Duration.ofNanos(1_000), Duration.ofMillis(1));
  }

  /**
   * @throws IllegalArgumentException if a count is negative or the parks are not 0 < min ≤ max
   */
  public BackoffIdleStrategy(int maxSpins, int maxYields, Duration minPark, Duration maxPark) {
    if (maxSpins < 0 || maxYields < 0) {
      throw new IllegalArgumentException(
          "negative spins or yields: " + maxSpins + ", " + maxYields);
    }
    if (minPark.toNanos() <= 0 || maxPark.compareTo(minPark) < 0) {
      throw new IllegalArgumentException(
          "need 0 < minPark <= maxPark: " + minPark + ", " + maxPark);
    }
    this.maxSpins = maxSpins;
    this.maxYields = maxYields;
    this.minParkNanos = minPark.toNanos();
    this.maxParkNanos = maxPark.toNanos();
    reset();
  }

  @Override
  public void idle() {
    if (spins < maxSpins) {
      spins++;
      Thread.onSpinWait();
    } else if (yields < maxYields) {
      yields++;
      Thread.yield();
    } else {
      LockSupport.parkNanos(parkNanos);
      parkNanos = Math.min(parkNanos * 2, maxParkNanos);
    }
  }

  @Override
  public void reset() {
    spins = 0;
    yields = 0;
    parkNanos = minParkNanos;
  }
}
