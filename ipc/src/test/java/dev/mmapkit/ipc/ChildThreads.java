package dev.mmapkit.ipc;

import java.util.function.IntConsumer;

/** For the child processes' mains: work in several threads at once. */
final class ChildThreads {
  private ChildThreads() {}

  /**
   * Runs {@code work} with each index below {@code threads}, each in a thread of its own; joins.
   */
  static void runAndJoin(int threads, IntConsumer work) throws InterruptedException {
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int thread = t;
      workers[t] = new Thread(() -> work.accept(thread));
      workers[t].start();
    }
    for (Thread worker : workers) worker.join();
  }
}
