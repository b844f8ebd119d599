package dev.mmapkit.ipc;

/**
 * What a polling thread does when a poll found no work: trade latency against CPU. Call {@link
 * #idle(int)} after every poll with the work it did; implementations reset themselves when work was
 * done. Not thread-safe: one instance per polling thread.
 *
 * <table>
 *   <caption>Choosing one</caption>
 *   <tr><th>strategy</th><th>wake-up latency</th><th>idle CPU</th></tr>
 *   <tr><td>{@link BusySpinIdleStrategy}</td><td>lowest</td><td>one core, always</td></tr>
 *   <tr><td>{@link YieldingIdleStrategy}</td><td>low</td><td>one core unless others run</td></tr>
 *   <tr><td>{@link BackoffIdleStrategy}</td><td>up to its longest park</td><td>low</td></tr>
 *   <tr><td>{@link SleepingIdleStrategy}</td><td>up to its sleep</td><td>low</td></tr>
 *   <tr><td>{@link BlockingIdleStrategy}</td><td>microseconds (futex wake-up)</td><td>~0</td></tr>
 * </table>
 */
public interface IdleStrategy {

  /** Idles if {@code workCount} is 0, else resets; the usual call after each poll. */
  default void idle(int workCount) {
    if (workCount > 0) {
      reset();
    } else {
      idle();
    }
  }

  /** Idles once, escalating with repeated calls where the strategy does. */
  void idle();

  /** Forgets the escalation: the next idle starts from the cheapest wait. */
  default void reset() {}
}
