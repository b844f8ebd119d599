package dev.mmapkit.log;

/**
 * What {@link AppendLog#append} has done about the disk by the time it returns.
 *
 * <p>In every mode a record that {@code append} returned for is in the page cache, shared with
 * every process, and survives the crash or {@code kill -9} of the appending process. The modes
 * differ in what survives a crash of the machine (power loss, kernel panic).
 */
public enum Durability {
  /**
   * Nothing beyond the page cache: the kernel writes the record back when it decides (typically
   * within 30 s). A machine crash may lose any records not yet written back; recovery then cuts the
   * log at the first record that did not reach the disk whole. Cost: none.
   */
  NONE,

  /**
   * After each append, write-back of the record's pages is started ({@code sync_file_range(WRITE)})
   * without waiting. Promises nothing more than {@link #NONE}; it keeps the amount of dirty data
   * small so that write-back is smooth and a machine crash loses less. Cost: one system call per
   * append (about a microsecond), no device wait.
   */
  WRITE_START,

  /**
   * Before {@code append} (or {@link LogClaim#commit}) returns, the pages holding the record are
   * written to the device and waited for ({@code msync(MS_SYNC)} of the page-aligned range, which
   * on Linux is an {@code fdatasync} of that range), and a new chunk file's directory entry is
   * synced when the chunk is created. A returned append survives a machine crash. Cost: the
   * device's write latency per append; appenders of one process that finish while a sync runs share
   * the next one (group commit), appenders in different processes sync separately.
   */
  SYNC
}
