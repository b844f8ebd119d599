package dev.mmapkit.log;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * Space claimed in an {@link AppendLog} for one record, written in place: fill {@link #payload()},
 * then {@link #commit()} (or {@link #abort()}). One thread uses a claim; it is not reusable.
 */
public final class LogClaim {
  private final AppendLog log;
  private final MemorySegment chunk;
  private final long position;
  private final int frame;
  private boolean done;

  LogClaim(AppendLog log, MemorySegment chunk, long position, int frame) {
    this.log = log;
    this.chunk = chunk;
    this.position = position;
    this.frame = frame;
  }

  /** The record's position in the log. */
  public long position() {
    return position;
  }

  /** The payload space, directly in the mapped chunk; write the record here before committing. */
  public MemorySegment payload() {
    return chunk.asSlice(
        offset() + LogChunkDescriptor.HEADER_SIZE, frame - LogChunkDescriptor.HEADER_SIZE);
  }

  /**
   * Checksums and timestamps the payload and publishes the record to readers, then does what the
   * log's {@link Durability} mode asks.
   *
   * @throws IllegalStateException if already committed or aborted
   */
  public void commit() throws IOException {
    finish();
    long timestamp = AppendLog.epochNanos();
    int checksum = RecordChecksum.of(position, frame, timestamp, payload());
    chunk.set(LogMeta.LONG, offset() + LogChunkDescriptor.TIMESTAMP_OFFSET, timestamp);
    log.publish(chunk, position, LogChunkDescriptor.TYPE_DATA, frame, checksum);
  }

  /**
   * Gives the space up: readers skip it.
   *
   * @throws IllegalStateException if already committed or aborted
   */
  public void abort() throws IOException {
    finish();
    log.publish(chunk, position, LogChunkDescriptor.TYPE_ABORTED, frame, 0);
  }

  private void finish() {
    if (done) throw new IllegalStateException("claim at " + position + " already finished");
    done = true;
  }

  private long offset() {
    return position & (log.chunkSize() - 1);
  }
}
