package dev.mmapkit.ipc;

import dev.mmapkit.internal.FileHeader;

/**
 * The layout of a broadcast file, version {@link #VERSION}: one transmitter, any number of
 * receivers, each at its own pace; a receiver that falls more than a ring behind is lapped and
 * skips ahead. Every offset is a constant here; the code reads like this table.
 *
 * <table>
 *   <caption>Broadcast file (all integers little-endian)</caption>
 *   <tr><th>offset</th><th>size</th><th>what</th></tr>
 *   <tr><td>0</td><td>4096</td><td>{@link FileHeader}: kind {@code "BCST"}, version {@value
 *       #VERSION}, parameters [capacity]</td></tr>
 *   <tr><td>{@value #TAIL_INTENT_OFFSET}</td><td>8</td><td>tail intent: where the tail will be once
 *       the record being written is complete; stored (release, then a store-store fence) before
 *       any byte of the record (own 128-byte line)</td></tr>
 *   <tr><td>{@value #TAIL_OFFSET}</td><td>8</td><td>tail: bytes transmitted since creation, padding
 *       included; stored (release) after the record is complete (own line)</td></tr>
 *   <tr><td>{@value #LATEST_OFFSET}</td><td>8</td><td>latest: position of the most recent complete
 *       record, where a lapped receiver resumes (own line)</td></tr>
 *   <tr><td>{@value #DATA_OFFSET}</td><td>capacity</td><td>records</td></tr>
 * </table>
 *
 * <p>A record starts 8-byte aligned: length (int, header included, not the alignment), type (int),
 * payload. A record never wraps: when one does not fit before the end, a padding record (type
 * {@link #PADDING_TYPE}) fills the rest. Records are never zeroed; a receiver knows a record is
 * complete because its position is below the tail, and knows it read it intact because, after
 * reading it, the tail intent is at most its position plus the capacity.
 */
public final class BroadcastDescriptor {
  private BroadcastDescriptor() {}

  /** The file kind in the {@link FileHeader}. */
  public static final String KIND = "BCST";

  /** The layout version this code reads and writes. */
  public static final int VERSION = 1;

  /** Header parameter index of the capacity. */
  public static final int CAPACITY_PARAMETER = 0;

  /** Counters are padded to this, so no two of them share a cache line (and its neighbour). */
  public static final int LINE = 128;

  /** See the table. */
  public static final long TAIL_INTENT_OFFSET = FileHeader.SIZE,
      TAIL_OFFSET = TAIL_INTENT_OFFSET + LINE,
      LATEST_OFFSET = TAIL_OFFSET + LINE,
      DATA_OFFSET = 2 * FileHeader.SIZE;

  /** Record header: length int at 0, type int at 4. */
  public static final int HEADER_LENGTH = 8, LENGTH_OFFSET = 0, TYPE_OFFSET = 4;

  /** Records start at multiples of this. */
  public static final int ALIGNMENT = 8;

  /** The type of a padding record, which receivers skip. */
  public static final int PADDING_TYPE = -1;

  /** The smallest capacity: one page. */
  public static final long MIN_CAPACITY = 4096;

  /** The largest capacity: 2^40 bytes. */
  public static final long MAX_CAPACITY = 1L << 40;

  /** The largest record length, header included. */
  public static final int MAX_RECORD_LENGTH = 1 << 30;

  static {
    if (LATEST_OFFSET + LINE > DATA_OFFSET) throw new AssertionError("counters overlap the data");
  }

  /** The file size of a broadcast of {@code capacity} bytes. */
  public static long fileSize(long capacity) {
    return DATA_OFFSET + capacity;
  }

  /**
   * The largest payload a broadcast of {@code capacity} bytes accepts: an eighth of the capacity,
   * so a ring holds several messages and a receiver has a chance to read one before it is
   * overwritten, and at most {@link #MAX_RECORD_LENGTH} with header.
   */
  public static int maxMessageLength(long capacity) {
    return (int) Math.min(capacity / 8, MAX_RECORD_LENGTH - HEADER_LENGTH);
  }

  /**
   * @throws IllegalArgumentException unless {@code capacity} is a power of two in [{@link
   *     #MIN_CAPACITY}, {@link #MAX_CAPACITY}]
   */
  public static void checkCapacity(long capacity) {
    if (Long.bitCount(capacity) != 1 || capacity < MIN_CAPACITY || capacity > MAX_CAPACITY) {
      throw new IllegalArgumentException(
          "capacity must be a power of two between 4096 and 2^40 bytes, was " + capacity);
    }
  }

  /** {@code length} rounded up to {@link #ALIGNMENT}. */
  public static int align(int length) {
    return (length + ALIGNMENT - 1) & -ALIGNMENT;
  }
}
