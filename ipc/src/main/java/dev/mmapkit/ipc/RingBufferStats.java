package dev.mmapkit.ipc;

/**
 * A snapshot of a ring's positions and counters, read from the file (so any process can take it).
 * Fields are read one by one, not atomically together.
 *
 * @param capacity data area bytes
 * @param manyToOne whether the ring accepts many producers
 * @param producerPosition bytes claimed since creation (= bytes written, padding included)
 * @param consumerPosition bytes consumed since creation
 * @param recordsWritten messages read, plus those waiting between the positions (open claims
 *     included, padding and aborted claims not); a copying write still in progress, and the
 *     messages after it, count once its header is written
 * @param recordsRead messages the consumer has read
 * @param backPressureEvents writes and claims refused because the ring was full
 * @param unblocks claims of dead producers turned into padding
 * @param wakeUps futex wake-ups producers issued
 * @param waiters consumers asleep now
 * @param heartbeatMillis epoch milliseconds of the consumer's last read; 0 if it never read
 * @param consumerPid the last consumer's process id; 0 if none
 * @param producers registered producer processes
 * @param pidNamespaces how many PID namespaces (containers) have written the file: above 1,
 *     processes judged by pid (those without native access) count as alive (docs/ipc.md, "Processes
 *     in different containers")
 */
public record RingBufferStats(
    long capacity,
    boolean manyToOne,
    long producerPosition,
    long consumerPosition,
    long recordsWritten,
    long recordsRead,
    long backPressureEvents,
    long unblocks,
    long wakeUps,
    int waiters,
    long heartbeatMillis,
    long consumerPid,
    int producers,
    int pidNamespaces) {

  /** Messages written (or being written) and not read yet. */
  public long recordBacklog() {
    return recordsWritten - recordsRead;
  }

  /** Bytes waiting to be read. */
  public long backlog() {
    return producerPosition - consumerPosition;
  }
}
