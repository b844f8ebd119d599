package dev.mmapkit.log;

import static dev.mmapkit.log.LogChunkDescriptor.FIRST_RECORD_OFFSET;
import static dev.mmapkit.log.LogChunkDescriptor.HEADER_SIZE;

import dev.mmapkit.FileFormatException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the true end of a log after a crash and makes everything before it readable: run by the
 * first opener, alone (see {@link DirectoryLock}).
 *
 * <p>It walks the records from the first chunk. A position that does not hold a whole record (state
 * word 0 or pending, a length that does not fit, a checksum that does not match) is either a hole
 * left by an appender that died between claiming and committing while others appended after it, or
 * the end. To tell them apart it looks further, up to the end of the last chunk file, for a whole
 * record (one whose position-bound checksum matches); if there is one, the hole becomes an aborted
 * record readers skip, so no committed record after it is lost. Otherwise the log ends there and
 * every non-zero byte after it is zeroed, so a stale record can never reappear later.
 *
 * <p>Cost: one pass over the log's records with checksums, plus a scan for non-zero bytes over the
 * unused rest of the last chunks.
 */
final class Recovery {
  private static final long BLOCK = 64 * 1024;
  private static final MemorySegment ZEROS = MemorySegment.ofArray(new byte[(int) BLOCK]);

  private final ChunkFiles chunks;
  private final LogMeta meta;
  private final long chunkSize;
  private final int shift;
  private final long mask;
  private long lastIndex;

  Recovery(ChunkFiles chunks, LogMeta meta) {
    this.chunks = chunks;
    this.meta = meta;
    this.chunkSize = meta.chunkSize();
    this.shift = Long.numberOfTrailingZeros(chunkSize);
    this.mask = chunkSize - 1;
  }

  RecoveryReport run() throws IOException {
    chunks.removeLeftovers();
    long claimed = meta.tail();
    long[] indices = chunks.existingIndices();
    if (indices.length > 0) meta.raiseFirstChunk(indices[0]);
    // Retention raises the first chunk, then deletes in ascending order: finish what a crash cut.
    long retained = meta.firstChunk();
    int kept = 0;
    while (kept < indices.length && indices[kept] < retained) {
      java.nio.file.Files.deleteIfExists(chunks.path(indices[kept++]));
    }
    indices = java.util.Arrays.copyOfRange(indices, kept, indices.length);
    // A machine crash right after a chunk was prepared ahead can leave it linked in but with
    // nothing, not even its header, on disk: such trailing chunks are dropped (and made again when
    // needed). A zero header in the middle of the log stays an error.
    int live = indices.length;
    List<Long> dropped = new ArrayList<>();
    while (live > 0 && chunks.neverWritten(indices[live - 1])) {
      java.nio.file.Files.delete(chunks.path(indices[live - 1]));
      dropped.add(indices[--live]);
    }
    indices = java.util.Arrays.copyOf(indices, live);
    long first = indices.length == 0 ? retained : indices[0];
    for (int i = 1; i < indices.length; i++) {
      if (indices[i] != indices[i - 1] + 1) {
        throw new FileFormatException(
            chunks.path(indices[i - 1] + 1),
            "chunk file is missing: the log has chunks "
                + LogChunkDescriptor.fileName(indices[i - 1])
                + " and "
                + LogChunkDescriptor.fileName(indices[i])
                + " but nothing between; restore it, or delete the chunks after the gap");
      }
    }
    lastIndex = indices.length == 0 ? -1 : indices[indices.length - 1];
    for (long index : indices) chunks.forRead(index); // validates every header up front

    long records = 0;
    List<RecoveryReport.Skipped> skipped = new ArrayList<>();
    String cutReason = "";
    long p = first * chunkSize + FIRST_RECORD_OFFSET;
    while ((p >>> shift) <= lastIndex) {
      if ((p & mask) < FIRST_RECORD_OFFSET) p = (p & ~mask) + FIRST_RECORD_OFFSET;
      MemorySegment seg = chunks.forRead(p >>> shift);
      long off = p & mask;
      int state = seg.get(LogMeta.INT, off);
      String problem = problemAt(seg, p, state);
      if (problem == null) {
        int type = LogChunkDescriptor.type(state);
        if (type == LogChunkDescriptor.TYPE_DATA) records++;
        p =
            type == LogChunkDescriptor.TYPE_PADDING
                ? (p & ~mask) + chunkSize
                : p + LogChunkDescriptor.alignedLength(LogChunkDescriptor.frameLength(state));
        continue;
      }
      long next = nextWholeRecord(p + HEADER_SIZE); // a record is at least a header long
      if (next < 0) {
        if (state != 0 || p < claimed) cutReason = "at position " + p + ": " + problem;
        break;
      }
      markAborted(p, next);
      skipped.add(new RecoveryReport.Skipped(p, next - p, problem));
      p = next;
    }
    long end = p;
    long cut = zeroFrom(end);
    meta.setTail(end);
    meta.force();
    rebuildIndex(indices);
    return new RecoveryReport(true, records, end, claimed, cut, cutReason, skipped, dropped);
  }

  /**
   * Computes every chunk's sequence index again from the records as recovery left them: entries
   * written before a crash may point past the new end or count records recovery skipped. The first
   * chunk keeps its base sequence number (retention wrote it, durably, before deleting the chunks
   * that counted it).
   */
  private void rebuildIndex(long[] indices) throws IOException {
    if (indices.length == 0) return;
    ChunkIndex index = new ChunkIndex(chunks, meta);
    for (int i = 0; i < indices.length; i++) index.reset(indices[i], i == 0);
    long last = indices[indices.length - 1];
    index.base(last);
    index.advance(last);
    // Not synced: the index is derived from the records, and the next recovery rebuilds it.
  }

  /** Why {@code p} does not hold a whole record, or null if it does. */
  private String problemAt(MemorySegment seg, long p, int state) {
    long off = p & mask;
    if (state == 0) return "nothing was written (claimed but never committed, or the end)";
    int type = LogChunkDescriptor.type(state);
    int length = LogChunkDescriptor.frameLength(state);
    if (type == LogChunkDescriptor.TYPE_PENDING)
      return "record of " + length + " bytes never committed";
    if (type == LogChunkDescriptor.TYPE_PADDING) {
      return off + length == chunkSize
          ? null
          : "padding of " + length + " bytes does not end the chunk";
    }
    if (length < HEADER_SIZE || off + LogChunkDescriptor.alignedLength(length) > chunkSize) {
      return "length " + length + " does not fit in the chunk";
    }
    if (type == LogChunkDescriptor.TYPE_ABORTED) return null;
    int stored = seg.get(LogMeta.INT, off + LogChunkDescriptor.CHECKSUM_OFFSET);
    long timestamp = seg.get(LogMeta.LONG, off + LogChunkDescriptor.TIMESTAMP_OFFSET);
    int actual =
        RecordChecksum.of(
            p, length, timestamp, seg.asSlice(off + HEADER_SIZE, length - HEADER_SIZE));
    return stored == actual ? null : "checksum does not match (torn or corrupted record)";
  }

  /** The first position at or after {@code from} holding a whole data record, or -1. */
  private long nextWholeRecord(long from) throws IOException {
    long p = from;
    while ((p >>> shift) <= lastIndex) {
      if ((p & mask) < FIRST_RECORD_OFFSET) p = (p & ~mask) + FIRST_RECORD_OFFSET;
      MemorySegment seg = chunks.forRead(p >>> shift);
      long off = p & mask;
      // Skip zero blocks at memory speed; candidates are only where something was written.
      long blockEnd = Math.min(chunkSize, (off & -BLOCK) + BLOCK);
      if (MemorySegment.mismatch(seg, off, blockEnd, ZEROS, 0, blockEnd - off) < 0) {
        p = (p & ~mask) + blockEnd;
        continue;
      }
      int state = seg.get(LogMeta.INT, off);
      if (state != 0
          && LogChunkDescriptor.type(state) == LogChunkDescriptor.TYPE_DATA
          && problemAt(seg, p, state) == null) {
        return p;
      }
      p += LogChunkDescriptor.ALIGNMENT;
    }
    return -1;
  }

  /** Marks {@code [from, to)} as skipped: padding to each chunk end, an aborted record after. */
  private void markAborted(long from, long to) throws IOException {
    long p = from;
    while (p < to) {
      if ((p & mask) < FIRST_RECORD_OFFSET) p = (p & ~mask) + FIRST_RECORD_OFFSET;
      if (p >= to) break;
      MemorySegment seg = chunks.forRead(p >>> shift);
      long off = p & mask;
      long chunkEnd = (p & ~mask) + chunkSize;
      int type = to >= chunkEnd ? LogChunkDescriptor.TYPE_PADDING : LogChunkDescriptor.TYPE_ABORTED;
      long length = Math.min(to, chunkEnd) - p;
      seg.set(LogMeta.INT, off, LogChunkDescriptor.state(type, (int) length));
      chunks.file(p >>> shift).force(off, 8);
      p = Math.min(to, chunkEnd);
    }
  }

  /** Zeroes every non-zero block from {@code end} to the end of the last chunk; returns bytes. */
  private long zeroFrom(long end) throws IOException {
    long zeroed = 0;
    long p = end;
    while ((p >>> shift) <= lastIndex) {
      if ((p & mask) < FIRST_RECORD_OFFSET) p = (p & ~mask) + FIRST_RECORD_OFFSET;
      long index = p >>> shift;
      MemorySegment seg = chunks.forRead(index);
      long off = p & mask;
      long blockEnd = Math.min(chunkSize, (off & -BLOCK) + BLOCK);
      long mismatch = MemorySegment.mismatch(seg, off, blockEnd, ZEROS, 0, blockEnd - off);
      if (mismatch >= 0) {
        long dirtyEnd = blockEnd;
        while (dirtyEnd > off && seg.get(ValueLayout.JAVA_BYTE, dirtyEnd - 1) == 0) dirtyEnd--;
        seg.asSlice(off, dirtyEnd - off).fill((byte) 0);
        chunks.file(index).force(off, dirtyEnd - off);
        zeroed += dirtyEnd - off - mismatch;
      }
      p = (p & ~mask) + blockEnd;
    }
    return zeroed;
  }
}
