package dev.mmapkit.log;

import java.util.List;

/**
 * What {@link AppendLog#open} found and repaired when it was the first in any process to open the
 * log since everyone last closed it (or crashed).
 *
 * @param ran whether recovery ran; {@code false} when another {@code AppendLog} (in this or another
 *     process) had the log open, in which case the other fields are zero
 * @param records committed records found
 * @param end the recovered end: the position the next append claims from
 * @param claimedTail the tail recorded in {@code log.meta} before recovery: positions up to it had
 *     been claimed by appenders
 * @param cutBytes bytes after {@code end} that held data but no whole record (a record being
 *     written when its process died) and were zeroed, counted from the first to the last non-zero
 *     byte of each 64 KiB block
 * @param cutReason why the record at {@code end} was not accepted, or empty if the log ended
 *     cleanly
 * @param skipped ranges inside the log that held no whole record but were followed by whole records
 *     (an appender died between claiming and committing while others went on); they are marked as
 *     aborted records that readers skip
 * @param droppedChunks indices of trailing chunk files that held only zeros, not even a header (a
 *     machine crash right after they were prepared ahead), and were deleted
 */
public record RecoveryReport(
    boolean ran,
    long records,
    long end,
    long claimedTail,
    long cutBytes,
    String cutReason,
    List<Skipped> skipped,
    List<Long> droppedChunks) {

  /**
   * A range recovery marked as aborted (or as padding, up to a chunk end).
   *
   * @param position where the range starts
   * @param length its length in bytes
   * @param reason what was found at {@code position} instead of a whole record
   */
  public record Skipped(long position, long length, String reason) {}

  /** The compact constructor copies {@code skipped}. */
  public RecoveryReport {
    skipped = List.copyOf(skipped);
    droppedChunks = List.copyOf(droppedChunks);
  }

  static RecoveryReport notRun() {
    return new RecoveryReport(false, 0, 0, 0, 0, "", List.of(), List.of());
  }

  /** Whether recovery found anything to cut or skip. */
  public boolean repaired() {
    return cutBytes > 0 || !skipped.isEmpty() || !cutReason.isEmpty() || !droppedChunks.isEmpty();
  }
}
