package dev.mmapkit.ipc;

import java.util.List;

/**
 * A snapshot of a broadcast file's positions, counters and receiver table, read from the file (so
 * any process can take it). Fields are read one by one, not atomically together.
 *
 * @param capacity data area bytes
 * @param reliable whether the transmitter waits for the slowest receiver (else lossy)
 * @param transmitterPosition bytes transmitted since creation, padding included
 * @param recordsWritten messages transmitted
 * @param backPressureEvents transmits refused because the slowest receiver was a ring behind
 * @param wakeUps futex wake-ups the transmitter issued
 * @param waiters receivers asleep now
 * @param droppedReceivers receivers dropped from the table because their process was gone
 * @param transmitterPid the process that created the file
 * @param transmitterAlive whether the transmitter may still be running: by its lock (false once it
 *     is closed or its process is gone, in whatever PID namespace), or for a transmitter without
 *     native access by pid (false only if shown gone)
 * @param receivers the receivers in the table
 * @param pidNamespaces how many PID namespaces (containers) have written the file: above 1,
 *     processes judged by pid (those without native access) count as alive (docs/ipc.md, "Processes
 *     in different containers")
 */
public record BroadcastStats(
    long capacity,
    boolean reliable,
    long transmitterPosition,
    long recordsWritten,
    long backPressureEvents,
    long wakeUps,
    int waiters,
    long droppedReceivers,
    long transmitterPid,
    boolean transmitterAlive,
    List<Receiver> receivers,
    int pidNamespaces) {

  /**
   * One receiver in the table.
   *
   * @param slot its slot
   * @param pid its process id ({@code -1} while the slot is in flux: joining, leaving or being
   *     freed)
   * @param position bytes of the stream it has read past
   * @param lag bytes transmitted that it has not read
   * @param lappedCount times it was overwritten and skipped ahead (lossy mode)
   * @param waiting whether it sleeps now
   * @param alive whether it may be running: by its slot's lock (false once it is closed or
   *     unreachable, or its process is gone), or by pid for a receiver without native access
   */
  public record Receiver(
      int slot,
      long pid,
      long position,
      long lag,
      long lappedCount,
      boolean waiting,
      boolean alive) {}
}
