package dev.mmapkit.log;

import static dev.mmapkit.log.LogChunkDescriptor.FIRST_RECORD_OFFSET;

import dev.mmapkit.FileFormatException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads an {@link AppendLog} in order from a position, following it as it grows (a tailer). Every
 * record is checked against its checksum before it is handed out; records are handed out as
 * zero-copy views of the mapped chunk. One reader is for one thread; any number of readers, in any
 * process, may read one log.
 *
 * <p>Inside the handler (and after it), {@link #sequence()} and {@link #timestamp()} give the
 * record's sequence number and timestamp. A reader waiting at a record whose appender died between
 * claiming and committing skips it once it finds the appender's process gone (checked every 100 ms
 * of waiting), if this process can judge that: it is in the pid namespace {@code log.meta} records,
 * and the mounted {@code /proc} is of that namespace and hides no process. Otherwise it waits there
 * until another process skips it or the next recovery.
 */
public final class LogReader {
  /** Spins this many times (tens of microseconds) before sleeping on a futex. */
  private static final int SPINS = 20_000;

  /** The longest single sleep, so that a reader never depends on a wake-up alone. */
  private static final long MAX_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /**
   * How long a reader waits at a claimed, uncommitted record before it checks whether the claimer
   * is still alive (and again after each such period).
   */
  static final long DEAD_CLAIM_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final AppendLog log;
  private final long chunkSize;
  private final long mask;
  private final int shift;
  private long position;

  /** The sequence number of the next data record, or -1 while not known. */
  private long nextSequence;

  private long sequence = -1;
  private long timestamp;

  /** The chunk this reader is in, so that a poll reads its state word and nothing shared else. */
  private long currentIndex = -1;

  private MemorySegment currentChunk;

  /** The position this reader has been stuck at, at a pending record, and since when. */
  private long stuckAt = -1;

  private long stuckSince;

  LogReader(AppendLog log, long position, long nextSequence) {
    this.log = log;
    this.chunkSize = log.chunkSize();
    this.mask = chunkSize - 1;
    this.shift = Long.numberOfTrailingZeros(chunkSize);
    this.position = position;
    this.nextSequence = nextSequence;
  }

  /** The position of the next record this reader will hand out (or of the space before it). */
  public long position() {
    return position;
  }

  /**
   * The sequence number of the record last handed to a handler (valid during the handler's call and
   * after it): records are numbered from 0 in log order, across all appenders, without gaps. -1
   * before the first record, or if the reader started at a position whose number could not be
   * determined yet because an earlier record was still being written (then it is determined again
   * at the next record).
   */
  public long sequence() {
    return sequence;
  }

  /**
   * The timestamp of the record last handed to a handler: the appender's wall clock when it wrote
   * it ({@link AppendLog#append(byte[])}: after the claim, before the copy; {@link LogClaim}: at
   * {@code commit}), in nanoseconds since the epoch; 0 before the first record.
   */
  public long timestampNanos() {
    return timestamp;
  }

  /** {@link #timestampNanos()} as an {@link Instant}. */
  public Instant timestamp() {
    return Instant.ofEpochSecond(0, timestamp);
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
    int count = 0;
    while (count < limit) {
      long p = normalized(position);
      MemorySegment chunk = chunkAt(p);
      if (chunk == null) break;
      long off = p & mask;
      int state = (int) LogMeta.INT_HANDLE.getAcquire(chunk, off);
      int type = LogChunkDescriptor.type(state);
      if (state == 0) break;
      if (type == LogChunkDescriptor.TYPE_PENDING) {
        if (stuckAtDeadClaim(chunk, p, state)) continue;
        break;
      }
      int frame = LogChunkDescriptor.frameLength(state);
      if (type == LogChunkDescriptor.TYPE_PADDING) {
        if (off + frame != chunkSize) {
          throw new FileFormatException(
              log.chunks().path(p >>> shift),
              "padding at position " + p + " of " + frame + " bytes does not end the chunk");
        }
        position = (p & ~mask) + chunkSize;
        continue;
      }
      if (type == LogChunkDescriptor.TYPE_DATA) {
        MemorySegment payload = log.checkedPayload(chunk, p, state);
        if (nextSequence < 0) nextSequence = log.index().sequenceAt(p);
        sequence = nextSequence;
        timestamp = chunk.get(LogMeta.LONG, off + LogChunkDescriptor.TIMESTAMP_OFFSET);
        handler.onRecord(p, payload);
        if (nextSequence >= 0) nextSequence++;
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
      MemorySegment chunk = chunkAt(p);
      if (chunk != null) {
        int state = (int) LogMeta.INT_HANDLE.getAcquire(chunk, p & mask);
        if (isPublished(state)) return true;
        if (state != 0 && stuckAtDeadClaim(chunk, p, state)) return true;
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
    MemorySegment chunk = chunkAt(p);
    if (chunk == null) return 0;
    int state = (int) LogMeta.INT_HANDLE.getAcquire(chunk, p & mask);
    return isPublished(state) ? state : 0;
  }

  /**
   * The mapped chunk holding {@code p}, or null if it does not exist yet. Only when the reader
   * enters another chunk (or this process unmapped the current one) does it look at the retention
   * mark in {@code log.meta} and this process's chunk table.
   *
   * @throws dev.mmapkit.MmapkitException if retention deleted the chunk
   */
  private MemorySegment chunkAt(long p) throws IOException {
    long index = p >>> shift;
    MemorySegment c = currentChunk;
    if (index == currentIndex && c.scope().isAlive()) return c;
    log.checkNotDeleted(p);
    c = log.chunks().forRead(index);
    if (c != null) {
      currentIndex = index;
      currentChunk = c;
    }
    return c;
  }

  /**
   * Called while the record at {@code p} is pending: once the reader has waited there for {@link
   * #DEAD_CLAIM_CHECK_NANOS}, checks whether the claimer still lives and, if not, aborts the claim
   * so that readers go on. Returns whether the record is no longer pending.
   */
  private boolean stuckAtDeadClaim(MemorySegment chunk, long p, int pending) {
    long now = System.nanoTime();
    if (stuckAt != p) {
      stuckAt = p;
      stuckSince = now;
      return false;
    }
    if (now - stuckSince < DEAD_CLAIM_CHECK_NANOS) return false;
    stuckSince = now;
    return log.abortIfClaimerDead(chunk, p, pending);
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
