package dev.mmapkit.log;

import java.io.IOException;

/**
 * Group commit for {@link Durability#SYNC} within one process: appenders that finish a record while
 * another appender's {@code msync} is running wait for it to end, then one of them syncs the whole
 * range all of them wrote in a single {@code msync} per chunk, instead of one each.
 *
 * <p>Correctness: an appender registers its record's range after publishing it, and returns only
 * when a sync that <em>started after</em> its registration has completed; that sync's range covers
 * every range registered before it started.
 */
final class GroupSync {
  private final ChunkFiles chunks;
  private final long chunkSize;
  private final int shift;

  /** Range registered since the last sync started: [low, high), empty when low >= high. */
  private long low = Long.MAX_VALUE;

  private long high = Long.MIN_VALUE;
  private long started;
  private long completed;
  private boolean syncing;
  private long syncs;

  GroupSync(ChunkFiles chunks, long chunkSize) {
    this.chunks = chunks;
    this.chunkSize = chunkSize;
    this.shift = Long.numberOfTrailingZeros(chunkSize);
  }

  /** Returns once {@code [position, position + length)} is on the device. */
  void sync(long position, long length) throws IOException {
    long from;
    long to;
    synchronized (this) {
      low = Math.min(low, position);
      high = Math.max(high, position + length);
      long needed = started + 1;
      while (true) {
        if (completed >= needed) return;
        if (!syncing) break;
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted waiting for a group sync");
        }
      }
      syncing = true;
      started++;
      from = low;
      to = high;
      low = Long.MAX_VALUE;
      high = Long.MIN_VALUE;
    }
    boolean ok = false;
    try {
      forceRange(from, to);
      ok = true;
    } finally {
      synchronized (this) {
        syncing = false;
        if (ok) {
          completed = started;
          syncs++;
        } else {
          // Nothing became durable: hand the range back to whoever leads next.
          low = Math.min(low, from);
          high = Math.max(high, to);
        }
        notifyAll();
      }
    }
  }

  /** How many syncs ran: fewer than appends when appenders were grouped. */
  synchronized long syncs() {
    return syncs;
  }

  private void forceRange(long from, long to) throws IOException {
    for (long index = from >>> shift; index <= (to - 1) >>> shift; index++) {
      long chunkStart = index * chunkSize;
      long start = Math.max(from, chunkStart + LogChunkDescriptor.FIRST_RECORD_OFFSET);
      long end = Math.min(to, chunkStart + chunkSize);
      if (start < end && chunks.mapped(index) != null) {
        chunks.file(index).force(start - chunkStart, end - start);
      }
    }
  }
}
