package dev.mmapkit.log;

import static dev.mmapkit.log.LogChunkDescriptor.FIRST_RECORD_OFFSET;

import dev.mmapkit.FileFormatException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads an {@link AppendLog} in order from a position, following it as it grows (a tailer). Every
 * record is checked against its checksum before it is handed out; records are handed out as
 * zero-copy views of the mapped chunk. One reader is for one thread; any number of readers, in any
 * process, may read one log.
 */
public final class LogReader {
  /** Spins this many times (tens of microseconds) before sleeping on a futex. */
  private static final int SPINS = 20_000;

  /** The longest single sleep, so that a reader never depends on a wake-up alone. */
  private static final long MAX_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final AppendLog log;
  private final long chunkSize;
  private final long mask;
  private final int shift;
  private long position;

  LogReader(AppendLog log, long position) {
    this.log = log;
    this.chunkSize = log.chunkSize();
    this.mask = chunkSize - 1;
    this.shift = Long.numberOfTrailingZeros(chunkSize);
    this.position = position;
  }

  /** The position of the next record this reader will hand out (or of the space before it). */
  public long position() {
    return position;
  }

  /**
   * Hands every committed record from the current position on to {@code handler}, in order, and
   * returns how many. Returns 0 at once if none is there yet. If the handler throws, the record it
   * was given is handed out again by the next poll.
   *
   * @throws FileFormatException if a record fails its checksum or has an impossible length
   */
  public int poll(RecordHandler handler) throws IOException {
    return poll(handler, Integer.MAX_VALUE);
  }

  /**
   * As {@link #poll(RecordHandler)}, at most {@code limit} records.
   *
   * @throws FileFormatException if a record fails its checksum or has an impossible length
   * @throws dev.mmapkit.MmapkitException if the reader's position was deleted by retention
   */
  public int poll(RecordHandler handler, int limit) throws IOException {
    log.checkNotDeleted(normalized(position));
    int count = 0;
    while (count < limit) {
      long p = normalized(position);
      MemorySegment chunk = log.chunks().forRead(p >>> shift);
      if (chunk == null) break;
      long off = p & mask;
      int state = (int) LogMeta.INT_HANDLE.getAcquire(chunk, off);
      int type = LogChunkDescriptor.type(state);
      if (state == 0 || type == LogChunkDescriptor.TYPE_PENDING) break;
      if (type == LogChunkDescriptor.TYPE_PADDING) {
        position = (p & ~mask) + chunkSize;
        continue;
      }
      int frame = LogChunkDescriptor.frameLength(state);
      if (type == LogChunkDescriptor.TYPE_DATA) {
        MemorySegment payload = log.checkedPayload(chunk, p, state);
        handler.onRecord(p, payload);
        count++;
      } else if (frame < LogChunkDescriptor.HEADER_SIZE || off + frame > chunkSize) {
        throw new FileFormatException(
            log.chunks().path(p >>> shift),
            "aborted record at position " + p + " has impossible length " + frame);
      }
      position = p + LogChunkDescriptor.alignedLength(frame);
    }
    return count;
  }

  /**
   * Waits until a record (or the space a crashed appender left, or padding) is published at the
   * current position: spins briefly, then sleeps on a futex on the record's state word that the
   * appender wakes (without native access: short sleeps).
   *
   * @return {@code true} if something can be {@link #poll polled}, {@code false} on timeout
   * @throws InterruptedException if interrupted while sleeping
   */
  public boolean await(long timeout, TimeUnit unit) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    for (int i = 0; i < SPINS; i++) {
      if (published() != 0) return true;
      Thread.onSpinWait();
    }
    while (true) {
      if (Thread.interrupted()) throw new InterruptedException();
      long remaining = deadline - System.nanoTime();
      long p = normalized(position);
      MemorySegment chunk = log.chunks().forRead(p >>> shift);
      if (chunk != null && isPublished((int) LogMeta.INT_HANDLE.getAcquire(chunk, p & mask))) {
        return true;
      }
      if (remaining <= 0) return false;
      long sleep = Math.min(remaining, MAX_SLEEP_NANOS);
      if (chunk == null || log.nativeAccess().isEmpty()) {
        LockSupport.parkNanos(Math.min(sleep, TimeUnit.MICROSECONDS.toNanos(100)));
        continue;
      }
      MemorySegment word = chunk.asSlice(p & mask, 4);
      log.meta().addWaiters(1);
      try {
        int state = (int) LogMeta.INT_HANDLE.getVolatile(chunk, p & mask);
        if (!isPublished(state)) log.nativeAccess().get().futexWait(word, state, sleep);
      } finally {
        log.meta().addWaiters(-1);
      }
    }
  }

  /** The published state word at the position, or 0 if nothing is published there yet. */
  private int published() throws IOException {
    long p = normalized(position);
    MemorySegment chunk = log.chunks().mapped(p >>> shift);
    if (chunk == null) chunk = log.chunks().forRead(p >>> shift);
    if (chunk == null) return 0;
    int state = (int) LogMeta.INT_HANDLE.getAcquire(chunk, p & mask);
    return isPublished(state) ? state : 0;
  }

  private static boolean isPublished(int state) {
    return state != 0 && LogChunkDescriptor.type(state) != LogChunkDescriptor.TYPE_PENDING;
  }

  private long normalized(long p) {
    return (p & mask) < FIRST_RECORD_OFFSET ? (p & ~mask) + FIRST_RECORD_OFFSET : p;
  }

  @Override
  public String toString() {
    return "LogReader[" + log.directory() + " at " + position + "]";
  }
}
