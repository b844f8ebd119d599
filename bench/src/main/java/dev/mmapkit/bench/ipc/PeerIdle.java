package dev.mmapkit.bench.ipc;

import java.util.concurrent.locks.LockSupport;

/**
 * How a benchmark peer waits for its next message. By default it spins ({@link
 * Thread#onSpinWait()}), which JMH's benchmarks and the goals assume. With {@code
 * -Dmmapkit.bench.peerIdle=park} (set by {@link Peer} for {@link IpcPaired}) it parks in 2 ms steps
 * once it has seen no message for a millisecond (shorter steps measurably slowed the link being
 * measured: each wake-up takes a vCPU from it), so that the peer of a paused link leaves the two
 * vCPUs to the link being measured; while messages flow it spins exactly as by default.
 */
final class PeerIdle {
  static final String PROPERTY = "mmapkit.bench.peerIdle";
  private static final boolean PARK = "park".equals(System.getProperty(PROPERTY));
  private static final int POLLS_PER_CLOCK_READ = 1024;
  private static final long IDLE_BEFORE_PARKING_NANOS = 1_000_000;
  private static final long PARK_NANOS = 2_000_000;

  private int emptyPolls;
  private long idleSinceNanos;

  /** Called after each poll with the number of messages it found. */
  void idle(int messagesFound) {
    if (!PARK) {
      if (messagesFound == 0) Thread.onSpinWait();
      return;
    }
    if (messagesFound > 0) {
      emptyPolls = 0;
      idleSinceNanos = 0;
      return;
    }
    Thread.onSpinWait();
    if (++emptyPolls % POLLS_PER_CLOCK_READ != 0) return;
    long now = System.nanoTime();
    if (idleSinceNanos == 0) {
      idleSinceNanos = now;
    } else if (now - idleSinceNanos >= IDLE_BEFORE_PARKING_NANOS) {
      LockSupport.parkNanos(PARK_NANOS);
    }
  }
}
