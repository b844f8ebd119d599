package dev.mmapkit.bench.ipc;

/**
 * What each sleeping peer of {@link WakeUpMeasurement} does with a stamp it was woken with: times
 * it against {@link System#nanoTime()}, ignores a warm-up stamp (0), and on {@link #REPORT} prints
 * the latencies since its last report as {@code latencies N N ...}, the line {@link
 * WakeUpMeasurement} reads. Reporting on request, rather than every so many messages, is what a
 * futex peer needs (a futex word can merge two wake-ups into one), and one protocol serves all.
 */
final class WakeUpLatencies {
  /** A stamp that asks the peer for the latencies it has, instead of a wake-up to time. */
  static final long REPORT = -1;

  private final long[] latencies;
  private int received;

  /** Holds up to {@code capacity} latencies per report; more are not timed. */
  WakeUpLatencies(int capacity) {
    latencies = new long[capacity];
  }

  void onStamp(long sent) {
    long now = System.nanoTime();
    if (sent == REPORT) {
      StringBuilder line = new StringBuilder("latencies");
      for (int i = 0; i < received; i++) line.append(' ').append(latencies[i]);
      System.out.println(line);
      System.out.flush();
      received = 0;
    } else if (sent != 0 && received < latencies.length) {
      latencies[received++] = now - sent;
    }
  }
}
