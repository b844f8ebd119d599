package dev.mmapkit.log;

import java.lang.foreign.MemorySegment;

/** Receives records read from an {@link AppendLog}. */
@FunctionalInterface
public interface RecordHandler {
  /**
   * Called once per record.
   *
   * @param position the record's position in the log
   * @param payload a read-only zero-copy view of the payload in the mapped chunk; valid while the
   *     log is open, but do not keep it beyond the call if the log may be closed
   */
  void onRecord(long position, MemorySegment payload);
}
