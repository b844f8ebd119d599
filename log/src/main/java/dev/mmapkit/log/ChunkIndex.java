package dev.mmapkit.log;

import static dev.mmapkit.log.LogChunkDescriptor.BASE_MAX_TIME_OFFSET;
import static dev.mmapkit.log.LogChunkDescriptor.BASE_SEQUENCE_OFFSET;
import static dev.mmapkit.log.LogChunkDescriptor.END_COUNT_OFFSET;
import static dev.mmapkit.log.LogChunkDescriptor.END_MAX_TIME_OFFSET;
import static dev.mmapkit.log.LogChunkDescriptor.ENTRIES_OFFSET;
import static dev.mmapkit.log.LogChunkDescriptor.ENTRY_SIZE;
import static dev.mmapkit.log.LogChunkDescriptor.FIRST_RECORD_OFFSET;
import static dev.mmapkit.log.LogChunkDescriptor.HEADER_SIZE;
import static dev.mmapkit.log.LogChunkDescriptor.INDEXED_OFFSET;
import static dev.mmapkit.log.LogChunkDescriptor.INDEX_ENTRIES;
import static dev.mmapkit.log.LogChunkDescriptor.TIMESTAMP_OFFSET;

import dev.mmapkit.FileFormatException;
import dev.mmapkit.MmapkitException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * The sparse index kept in each chunk's header page (see {@link LogChunkDescriptor}): maps sequence
 * numbers and timestamps to positions with a binary search over chunks, one over the chunk's 128
 * entries, then a scan of at most 1/128 of a chunk.
 *
 * <p>Appenders never touch it, so appends cost nothing extra. It is extended lazily, by whoever
 * needs it (a seek, a tailer, retention, recovery) and by the background thread of an appending
 * process when a chunk is sealed, and only over records already published: every field is a
 * function of committed records, so racing writers in several processes store the same bytes, and
 * the counts are raised with a compare-and-set.
 */
final class ChunkIndex {
  /** The sequence number and latest timestamp at a point of the log. */
  record Mark(long sequence, long maxTime) {}

  private final ChunkFiles chunks;
  private final LogMeta meta;
  private final long chunkSize;
  private final int shift;
  private final long mask;
  private final long[] blockStarts = new long[INDEX_ENTRIES];

  /** The most data records one chunk can hold: its record space in header-only records. */
  private final long maxRecords;

  ChunkIndex(ChunkFiles chunks, LogMeta meta) {
    this.chunks = chunks;
    this.meta = meta;
    this.chunkSize = meta.chunkSize();
    this.shift = Long.numberOfTrailingZeros(chunkSize);
    this.mask = chunkSize - 1;
    this.maxRecords = (chunkSize - FIRST_RECORD_OFFSET) / HEADER_SIZE;
    for (int b = 0; b < INDEX_ENTRIES; b++) {
      blockStarts[b] = LogChunkDescriptor.blockStart(chunkSize, b);
    }
  }

  /**
   * The sequence number of the first data record of chunk {@code index} and the latest timestamp
   * before it, or null if not determinable yet (a record before it is still being written, or the
   * chunk does not exist). Computes and stores the bases of the chunks on the way.
   *
   * @throws FileFormatException if the first retained chunk has no base (chunks were deleted by
   *     hand) or a record on the way is damaged
   */
  Mark base(long index) throws IOException {
    long first = meta.firstChunk();
    if (index < first) throw chunks.deleted(index, first);
    long i = index;
    Mark known;
    while (true) {
      if (i == 0) {
        known = new Mark(0, 0);
        break;
      }
      MemorySegment c = chunks.forRead(i);
      if (c == null) {
        if (i == index) return null;
        throw new FileFormatException(chunks.path(i), "chunk file is missing inside the log");
      }
      long stored = (long) LogMeta.LONG_HANDLE.getAcquire(c, BASE_SEQUENCE_OFFSET);
      if (stored < 0) {
        throw damagedHeader(i, "sequence number of its first record is " + (stored - 1));
      }
      if (stored != 0) {
        known = new Mark(stored - 1, c.get(LogMeta.LONG, BASE_MAX_TIME_OFFSET));
        break;
      }
      if (i <= first) {
        throw new FileFormatException(
            chunks.path(i),
            "the first chunk of the log does not know the sequence number of its first record:"
                + " the chunks before it were deleted other than by retention");
      }
      i--;
    }
    while (i < index) {
      Mark end = end(i, known);
      if (end == null) return null;
      i++;
      MemorySegment next = chunks.forRead(i);
      if (next == null) return null;
      next.set(LogMeta.LONG, BASE_MAX_TIME_OFFSET, end.maxTime());
      LogMeta.LONG_HANDLE.setRelease(next, BASE_SEQUENCE_OFFSET, end.sequence() + 1);
      known = end;
    }
    return known;
  }

  /** The mark after the last record of chunk {@code index}, whose base is {@code base}. */
  private Mark end(long index, Mark base) throws IOException {
    if (!advance(index)) return null;
    MemorySegment c = chunks.forRead(index);
    int count = (int) LogMeta.INT_HANDLE.getAcquire(c, END_COUNT_OFFSET) - 1;
    if (count < 0 || count > maxRecords) {
      throw damagedHeader(index, "index says it holds " + count + " records");
    }
    long max = c.get(LogMeta.LONG, END_MAX_TIME_OFFSET);
    return new Mark(base.sequence() + count, Math.max(base.maxTime(), max));
  }

  /**
   * Extends chunk {@code index}'s entries over every published record; returns whether the whole
   * chunk is indexed (it ends with padding or a record that fills it).
   */
  boolean advance(long index) throws IOException {
    MemorySegment c = chunks.forRead(index);
    if (c == null) return false;
    if ((int) LogMeta.INT_HANDLE.getAcquire(c, END_COUNT_OFFSET) != 0) return true;
    int next = indexed(index, c);
    long off = next == 0 ? FIRST_RECORD_OFFSET : entryOffset(index, c, next - 1);
    int data = next == 0 ? 0 : entryData(index, c, next - 1);
    long maxTime = next == 0 ? 0 : entryMaxTime(c, next - 1);
    while (off < chunkSize) {
      int state = (int) LogMeta.INT_HANDLE.getAcquire(c, off);
      int type = LogChunkDescriptor.type(state);
      if (state == 0 || type == LogChunkDescriptor.TYPE_PENDING) break;
      while (next < INDEX_ENTRIES && blockStarts[next] <= off) {
        writeEntry(c, next++, off, data, maxTime);
      }
      int frame = LogChunkDescriptor.frameLength(state);
      if (type == LogChunkDescriptor.TYPE_PADDING) {
        if (off + frame != chunkSize) throw damaged(index, off, "padding does not end the chunk");
        off = chunkSize;
        break;
      }
      long aligned = step(index, off, state);
      if (type == LogChunkDescriptor.TYPE_DATA) {
        data++;
        maxTime = Math.max(maxTime, c.get(LogMeta.LONG, off + TIMESTAMP_OFFSET));
      }
      off += aligned;
    }
    if (off >= chunkSize) {
      while (next < INDEX_ENTRIES) writeEntry(c, next++, chunkSize, data, maxTime);
      raiseIndexed(c, next);
      c.set(LogMeta.LONG, END_MAX_TIME_OFFSET, maxTime);
      LogMeta.INT_HANDLE.setRelease(c, END_COUNT_OFFSET, data + 1);
      return true;
    }
    raiseIndexed(c, next);
    return false;
  }

  /**
   * The position of the data record numbered {@code sequence}, or -1 if there is none yet (past the
   * end, or a record before it is still being written).
   *
   * @throws MmapkitException if retention deleted it
   */
  long positionOfSequence(long sequence) throws IOException {
    if (sequence < 0) throw new IllegalArgumentException("negative sequence number " + sequence);
    long first = meta.firstChunk();
    Mark firstBase = base(first);
    if (firstBase == null) return -1;
    if (sequence < firstBase.sequence()) {
      throw new MmapkitException(
          chunks.dir(),
          "record "
              + sequence
              + " was deleted by retention; the log now starts at record "
              + firstBase.sequence());
    }
    long lo = first;
    long hi = meta.tail() >>> shift;
    while (lo < hi) {
      long mid = (lo + hi + 1) >>> 1;
      Mark m = base(mid);
      if (m != null && m.sequence() <= sequence) lo = mid;
      else hi = mid - 1;
    }
    Mark base = base(lo);
    MemorySegment c = chunks.forRead(lo);
    if (c == null) return -1;
    advance(lo);
    long target = sequence - base.sequence();
    long chunk = lo;
    int n = indexed(chunk, c);
    int b = lastEntry(n, e -> entryData(chunk, c, e) <= target);
    long off = b < 0 ? FIRST_RECORD_OFFSET : entryOffset(chunk, c, b);
    long data = b < 0 ? 0 : entryData(chunk, c, b);
    while (off < chunkSize) {
      int state = (int) LogMeta.INT_HANDLE.getAcquire(c, off);
      int type = LogChunkDescriptor.type(state);
      if (state == 0 || type == LogChunkDescriptor.TYPE_PENDING) return -1;
      if (type == LogChunkDescriptor.TYPE_PADDING) break;
      long aligned = step(chunk, off, state);
      if (type == LogChunkDescriptor.TYPE_DATA && data++ == target) return (chunk << shift) + off;
      off += aligned;
    }
    return -1;
  }

  /**
   * The position of the first data record, in log order, whose timestamp is at or after {@code
   * epochNanos}, or -1 if there is none yet. Exact whatever the order of timestamps, because the
   * index keeps the latest timestamp <em>before</em> each point.
   */
  long positionAtOrAfter(long epochNanos) throws IOException {
    long first = meta.firstChunk();
    Mark firstBase = base(first);
    if (firstBase == null) return -1;
    long lo = first;
    long hi = meta.tail() >>> shift;
    while (lo < hi) {
      long mid = (lo + hi + 1) >>> 1;
      Mark m = base(mid);
      if (m != null && m.maxTime() < epochNanos) lo = mid;
      else hi = mid - 1;
    }
    Mark base = base(lo);
    MemorySegment c = chunks.forRead(lo);
    if (c == null) return -1;
    advance(lo);
    long chunk = lo;
    int n = indexed(chunk, c);
    int b = lastEntry(n, e -> Math.max(base.maxTime(), entryMaxTime(c, e)) < epochNanos);
    long p = (chunk << shift) + (b < 0 ? FIRST_RECORD_OFFSET : entryOffset(chunk, c, b));
    while (true) {
      if ((p & mask) < FIRST_RECORD_OFFSET) p = (p & ~mask) + FIRST_RECORD_OFFSET;
      MemorySegment segment = chunks.forRead(p >>> shift);
      if (segment == null) return -1;
      long off = p & mask;
      int state = (int) LogMeta.INT_HANDLE.getAcquire(segment, off);
      int type = LogChunkDescriptor.type(state);
      if (state == 0 || type == LogChunkDescriptor.TYPE_PENDING) return -1;
      if (type == LogChunkDescriptor.TYPE_PADDING) {
        p = (p & ~mask) + chunkSize;
        continue;
      }
      long aligned = step(p >>> shift, off, state);
      if (type == LogChunkDescriptor.TYPE_DATA
          && segment.get(LogMeta.LONG, off + TIMESTAMP_OFFSET) >= epochNanos) {
        return p;
      }
      p += aligned;
    }
  }

  /**
   * The sequence number the data record at {@code position} has (or the next data record will have,
   * if {@code position} is the end), or -1 if not determinable yet because a record before it is
   * still being written.
   *
   * @throws IllegalArgumentException if {@code position} is not where a record starts
   */
  long sequenceAt(long position) throws IOException {
    long index = position >>> shift;
    Mark base = base(index);
    if (base == null) return -1;
    MemorySegment c = chunks.forRead(index);
    long target = position & mask;
    if (c == null) return target == FIRST_RECORD_OFFSET ? base.sequence() : -1;
    advance(index);
    int n = indexed(index, c);
    int b = lastEntry(n, e -> entryOffset(index, c, e) <= target);
    long off = b < 0 ? FIRST_RECORD_OFFSET : entryOffset(index, c, b);
    long data = b < 0 ? 0 : entryData(index, c, b);
    while (off < target) {
      int state = (int) LogMeta.INT_HANDLE.getAcquire(c, off);
      int type = LogChunkDescriptor.type(state);
      if (state == 0 || type == LogChunkDescriptor.TYPE_PENDING) return -1;
      if (type == LogChunkDescriptor.TYPE_PADDING) {
        off = chunkSize;
        break;
      }
      long aligned = step(index, off, state);
      if (type == LogChunkDescriptor.TYPE_DATA) data++;
      off += aligned;
    }
    if (off != target) {
      throw new IllegalArgumentException(
          "position "
              + position
              + " is not where a record starts in "
              + chunks.dir()
              + " (records there start at "
              + ((index << shift) + off)
              + " and before)");
    }
    return base.sequence() + data;
  }

  /**
   * Forgets the entries of chunk {@code index} (and its base, unless {@code keepBase}) so that they
   * are computed again from the records: for recovery, which may have cut or skipped records.
   */
  void reset(long index, boolean keepBase) throws IOException {
    MemorySegment c = chunks.forRead(index);
    if (c == null) return;
    c.set(LogMeta.INT, INDEXED_OFFSET, 0);
    c.set(LogMeta.INT, END_COUNT_OFFSET, 0);
    c.set(LogMeta.LONG, END_MAX_TIME_OFFSET, 0);
    if (!keepBase) {
      c.set(LogMeta.LONG, BASE_SEQUENCE_OFFSET, 0);
      c.set(LogMeta.LONG, BASE_MAX_TIME_OFFSET, 0);
    }
  }

  /** How many of chunk {@code index}'s entries are valid: for tests and statistics. */
  int indexedEntries(long index) throws IOException {
    MemorySegment c = chunks.forRead(index);
    return c == null ? 0 : indexed(index, c);
  }

  private interface EntryTest {
    boolean test(int entry) throws FileFormatException;
  }

  /**
   * The last entry below {@code n} that passes {@code test} (monotone: true, then false), or -1.
   */
  private static int lastEntry(int n, EntryTest test) throws FileFormatException {
    int lo = -1;
    int hi = n - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (test.test(mid)) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** How many entries of chunk {@code index} are valid, checked to be 0 to 128. */
  private int indexed(long index, MemorySegment c) throws FileFormatException {
    int n = indexed(c);
    if (n < 0 || n > INDEX_ENTRIES) {
      throw damagedHeader(
          index, "index says " + n + " of its " + INDEX_ENTRIES + " entries are valid");
    }
    return n;
  }

  private static int indexed(MemorySegment c) {
    return (int) LogMeta.INT_HANDLE.getAcquire(c, INDEXED_OFFSET);
  }

  /**
   * The aligned length of the data or aborted record at {@code off} of chunk {@code index}, checked
   * to be at least a record header and to end inside the chunk, so that a scan always moves forward
   * and stays in the chunk.
   */
  private long step(long index, long off, int state) throws FileFormatException {
    int frame = LogChunkDescriptor.frameLength(state);
    long aligned = LogChunkDescriptor.alignedLength(frame);
    if (frame < HEADER_SIZE || off + aligned > chunkSize) {
      throw damaged(index, off, "impossible length " + frame);
    }
    return aligned;
  }

  private static void raiseIndexed(MemorySegment c, int count) {
    while (true) {
      int current = indexed(c);
      if (current >= count || LogMeta.INT_HANDLE.compareAndSet(c, INDEXED_OFFSET, current, count)) {
        return;
      }
    }
  }

  private static void writeEntry(MemorySegment c, int entry, long offset, int data, long maxTime) {
    long at = ENTRIES_OFFSET + (long) entry * ENTRY_SIZE;
    c.set(LogMeta.INT, at, (int) offset);
    c.set(LogMeta.INT, at + 4, data);
    c.set(LogMeta.LONG, at + 8, maxTime);
  }

  /**
   * The offset an entry points at, checked: a record's offset (from 4096, 8-byte aligned) or the
   * chunk's end (entries past its last record).
   */
  private long entryOffset(long index, MemorySegment c, int entry) throws FileFormatException {
    long off =
        Integer.toUnsignedLong(c.get(LogMeta.INT, ENTRIES_OFFSET + (long) entry * ENTRY_SIZE));
    if (off < FIRST_RECORD_OFFSET
        || off > chunkSize
        || (off & (LogChunkDescriptor.ALIGNMENT - 1)) != 0) {
      throw damagedHeader(index, "index entry " + entry + " points at offset " + off);
    }
    return off;
  }

  /** The data records before an entry, checked to be no more than a chunk can hold. */
  private int entryData(long index, MemorySegment c, int entry) throws FileFormatException {
    int data = c.get(LogMeta.INT, ENTRIES_OFFSET + (long) entry * ENTRY_SIZE + 4);
    if (data < 0 || data > maxRecords) {
      throw damagedHeader(index, "index entry " + entry + " counts " + data + " records");
    }
    return data;
  }

  private static long entryMaxTime(MemorySegment c, int entry) {
    return c.get(LogMeta.LONG, ENTRIES_OFFSET + (long) entry * ENTRY_SIZE + 8);
  }

  private FileFormatException damagedHeader(long index, String problem) {
    return new FileFormatException(
        chunks.path(index), "damaged chunk header (sequence index): " + problem);
  }

  private FileFormatException damaged(long index, long off, String problem) {
    return new FileFormatException(
        chunks.path(index), "record at position " + ((index << shift) + off) + ": " + problem);
  }
}
