package dev.mmapkit.ipc;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** Parks for a fixed time each idle call: low CPU, latency up to that time plus timer slack. */
public final class SleepingIdleStrategy implements IdleStrategy {
  private final long sleepNanos;

  /**
   * @throws IllegalArgumentException if {@code sleep} is not positive
   */
  public SleepingIdleStrategy(Duration sleep) {
    if (sleep.isNegative() || sleep.isZero()) {
      throw new IllegalArgumentException("sleep must be positive, was " + sleep);
    }
    this.sleepNanos = sleep.toNanos();
  }

  @Override
  public void idle() {
    LockSupport.parkNanos(sleepNanos);
  }
}
