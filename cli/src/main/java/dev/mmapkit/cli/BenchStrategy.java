package dev.mmapkit.cli;

import java.io.IOException;

/**
 * One way of reading a file that {@code mmapkit bench} times. Each run opens the file afresh (a new
 * mapping, a new channel), so a run includes the page faults a real first use would take.
 */
interface BenchStrategy {
  /** The name in reports and JSON, e.g. {@code mmap+sequential}. */
  String name();

  /**
   * Does the work once.
   *
   * @return a value computed from every byte read, which the caller consumes so that the JIT cannot
   *     drop the reads
   */
  long run() throws IOException;
}
