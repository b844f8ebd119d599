package dev.mmapkit.ipc;

import dev.mmapkit.internal.Processes;

/**
 * A process's identity in one 64-bit word, so that an owner or sleeper field in a shared file can
 * be stored, compared and cleared with one atomic instruction and never be seen half-written: the
 * pid times 2^41 plus the process start time (clock ticks since boot; 2^41 ticks are centuries).
 * Always positive; 0 means nobody. Linux pids are below 2^22, so the word never overflows.
 */
final class ProcessIdentity {
  private ProcessIdentity() {}

  static final int START_TIME_BITS = 41;
  private static final long START_TIME_MASK = (1L << START_TIME_BITS) - 1;
  private static final long CURRENT_PID = Processes.currentPid();
  private static final long CURRENT =
      fits(CURRENT_PID) ? of(CURRENT_PID, Processes.currentStartTime()) : 0;

  /**
   * This process.
   *
   * @throws IllegalStateException if its pid is 2^22 or more (beyond Linux's limit)
   */
  static long current() {
    if (CURRENT == 0) of(CURRENT_PID, 0);
    return CURRENT;
  }

  static long of(long pid, long startTime) {
    if (!fits(pid)) {
      throw new IllegalStateException(
          "process id " + pid + " does not fit an identity word (pids must be below 2^22)");
    }
    return (pid << START_TIME_BITS) | (startTime & START_TIME_MASK);
  }

  private static boolean fits(long pid) {
    return pid > 0 && pid < 1L << (63 - START_TIME_BITS);
  }

  /** Whether {@code identity} is this process's (false for any identity if this pid has none). */
  static boolean isCurrent(long identity) {
    return CURRENT != 0 && identity == CURRENT;
  }

  /** Whether {@code identity} names the process with {@code pid} and {@code startTime}. */
  static boolean names(long identity, long pid, long startTime) {
    return pid(identity) == pid && startTime(identity) == (startTime & START_TIME_MASK);
  }

  static long pid(long identity) {
    return identity >>> START_TIME_BITS;
  }

  static long startTime(long identity) {
    return identity & START_TIME_MASK;
  }
}
