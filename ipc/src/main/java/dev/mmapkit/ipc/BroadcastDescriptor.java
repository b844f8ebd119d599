package dev.mmapkit.ipc;

import dev.mmapkit.internal.FileHeader;

/**
 * The layout of a broadcast file, version {@link #VERSION}: one transmitter, any number of
 * receivers, each at its own pace. In a {@link #LOSSY} broadcast a receiver that falls more than a
 * ring behind is lapped and skips ahead; in a {@link #RELIABLE} one the transmitter waits for the
 * slowest live receiver instead. Every offset is a constant here; the code reads like this table.
 *
 * <table>
 *   <caption>Broadcast file (all integers little-endian)</caption>
 *   <tr><th>offset</th><th>size</th><th>what</th></tr>
 *   <tr><td>0</td><td>4096</td><td>{@link FileHeader}: kind {@code "BCST"}, version {@value
 *       #VERSION}, parameters [capacity, mode ({@link #LOSSY} or {@link #RELIABLE})]</td></tr>
 *   <tr><td>{@value #TAIL_INTENT_OFFSET}</td><td>8</td><td>tail intent: where the tail will be once
 *       the record being written is complete; stored (release, then a store-store fence) before
 *       any byte of the record (the transmitter's 128-byte line, with the next three)</td></tr>
 *   <tr><td>{@value #TAIL_OFFSET}</td><td>8</td><td>tail: bytes transmitted since creation, padding
 *       included; stored (release) after the record is complete</td></tr>
 *   <tr><td>{@value #RECORDS_WRITTEN_OFFSET}</td><td>8</td><td>messages transmitted, stored just
 *       before the tail</td></tr>
 *   <tr><td>{@value #LATEST_OFFSET}</td><td>8</td><td>latest: position of the most recent complete
 *       record, where a lapped receiver resumes</td></tr>
 *   <tr><td>{@value #WAKE_SEQUENCE_OFFSET}</td><td>4</td><td>futex word: the transmitter increments
 *       it to wake sleeping receivers (own line)</td></tr>
 *   <tr><td>{@value #SLEEP_ENABLED_OFFSET}</td><td>4</td><td>1 once a receiver has slept: from then
 *       on the transmitter publishes its tail with a volatile store</td></tr>
 *   <tr><td>{@value #WAITERS_OFFSET}</td><td>8</td><td>receivers asleep on the futex word: bit
 *       {@code s} is set while the receiver in slot {@code s} sleeps (one atomic or / and)</td></tr>
 *   <tr><td>{@value #TRANSMITTER_PID_OFFSET}</td><td>8</td><td>the transmitter's process id (own
 *       line, with the counters after it)</td></tr>
 *   <tr><td>{@value #TRANSMITTER_START_TIME_OFFSET}</td><td>8</td><td>its process start time</td></tr>
 *   <tr><td>{@value #BACK_PRESSURE_COUNT_OFFSET}</td><td>8</td><td>transmits refused because the
 *       slowest receiver was a ring behind (reliable mode)</td></tr>
 *   <tr><td>{@value #WAKE_COUNT_OFFSET}</td><td>8</td><td>futex wake-ups the transmitter
 *       issued</td></tr>
 *   <tr><td>{@value #DROPPED_RECEIVERS_OFFSET}</td><td>8</td><td>receivers dropped because their
 *       process was gone</td></tr>
 *   <tr><td>{@value #TRANSMITTER_LIVENESS_OFFSET}</td><td>8</td><td>how the transmitter's liveness
 *       is judged: {@value #LIVENESS_BY_LOCK} while it holds an open-file-description lock on the
 *       first byte of its pid word, {@value #LIVENESS_BY_PID} by pid and start time</td></tr>
 *   <tr><td>{@value #PID_NAMESPACES_OFFSET}</td><td>8 × 8</td><td>the PID namespaces of the
 *       processes that wrote the file, as in a ring ({@link PidNamespaces})</td></tr>
 *   <tr><td>{@value #RECEIVERS_OFFSET}</td><td>{@value #RECEIVER_SLOT_SIZE} × {@value
 *       #RECEIVER_SLOTS}</td><td>receiver table, one 128-byte line per slot: owner (8, at {@value
 *       #RECEIVER_OWNER}; 0 = free, the owner process's identity (pid × 2^41 + start time) once
 *       joined, minus the identity of the process that joins, leaves or frees the slot meanwhile),
 *       position (8, at {@value #RECEIVER_POSITION}: bytes it has read past), lapped count (8, at
 *       {@value #RECEIVER_LAPPED}), liveness (8, at {@value #RECEIVER_LIVENESS}: {@value
 *       #LIVENESS_BY_LOCK} while the owner holds an open-file-description lock on the slot's first
 *       byte, {@value #LIVENESS_BY_PID} if it is judged by its identity; stored before the owner
 *       word that publishes it)</td></tr>
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
  public static final int VERSION = 5;

  /** Header parameter index of the capacity. */
  public static final int CAPACITY_PARAMETER = 0;

  /** Header parameter index of the mode. */
  public static final int MODE_PARAMETER = 1;

  /** Mode: the transmitter never waits; slow receivers are lapped. */
  public static final int LOSSY = 1;

  /** Mode: the transmitter waits for the slowest live receiver; nothing is lost. */
  public static final int RELIABLE = 2;

  /**
   * Groups of fields are padded to this, so no two writers share a cache line (and its neighbour).
   * The transmitter's positions share one line: it alone writes them, and a receiver reads them all
   * for every message, so one line transfer brings them.
   */
  public static final int LINE = 128;

  /** See the table. */
  public static final long TAIL_INTENT_OFFSET = FileHeader.SIZE,
      TAIL_OFFSET = TAIL_INTENT_OFFSET + 8,
      RECORDS_WRITTEN_OFFSET = TAIL_OFFSET + 8,
      LATEST_OFFSET = RECORDS_WRITTEN_OFFSET + 8,
      WAKE_SEQUENCE_OFFSET = TAIL_INTENT_OFFSET + LINE,
      SLEEP_ENABLED_OFFSET = WAKE_SEQUENCE_OFFSET + 4,
      WAITERS_OFFSET = WAKE_SEQUENCE_OFFSET + 8,
      TRANSMITTER_PID_OFFSET = WAKE_SEQUENCE_OFFSET + LINE,
      TRANSMITTER_START_TIME_OFFSET = TRANSMITTER_PID_OFFSET + 8,
      BACK_PRESSURE_COUNT_OFFSET = TRANSMITTER_START_TIME_OFFSET + 8,
      WAKE_COUNT_OFFSET = BACK_PRESSURE_COUNT_OFFSET + 8,
      DROPPED_RECEIVERS_OFFSET = WAKE_COUNT_OFFSET + 8,
      TRANSMITTER_LIVENESS_OFFSET = DROPPED_RECEIVERS_OFFSET + 8,
      PID_NAMESPACES_OFFSET = TRANSMITTER_PID_OFFSET + LINE,
      RECEIVERS_OFFSET = 2 * FileHeader.SIZE,
      DATA_OFFSET = 4 * FileHeader.SIZE;

  /** Receiver table size. */
  public static final int RECEIVER_SLOTS = 64;

  /** Bytes per receiver slot: a cache line pair of its own, since the receiver writes it often. */
  public static final int RECEIVER_SLOT_SIZE = 128;

  /** Offsets within a receiver slot. */
  public static final int RECEIVER_OWNER = 0,
      RECEIVER_POSITION = 8,
      RECEIVER_LAPPED = 16,
      RECEIVER_LIVENESS = 24;

  /**
   * A liveness word's value: the owner holds an open-file-description lock on the first byte of its
   * slot (a receiver's owner word, the transmitter's pid word), which the kernel drops when its
   * process dies, in whatever PID namespace; as in a ring ({@link
   * RingBufferDescriptor#LIVENESS_BY_LOCK}).
   */
  public static final long LIVENESS_BY_LOCK = RingBufferDescriptor.LIVENESS_BY_LOCK;

  /**
   * A liveness word's value: the owner is judged by pid and start time through {@code /proc} (no
   * native access, or no such locks on the file's file system), only within one PID namespace.
   */
  public static final long LIVENESS_BY_PID = RingBufferDescriptor.LIVENESS_BY_PID;

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
    if (TRANSMITTER_LIVENESS_OFFSET + 8 > PID_NAMESPACES_OFFSET
        || PID_NAMESPACES_OFFSET + 8L * PidNamespaces.ENTRIES > RECEIVERS_OFFSET
        || RECEIVERS_OFFSET + (long) RECEIVER_SLOTS * RECEIVER_SLOT_SIZE > DATA_OFFSET) {
      throw new AssertionError("counters, namespace table or receiver table overlap");
    }
  }

  /** The file size of a broadcast of {@code capacity} bytes. */
  public static long fileSize(long capacity) {
    return DATA_OFFSET + capacity;
  }

  /** Offset of receiver slot {@code slot} in the file. */
  public static long receiverOffset(int slot) {
    return RECEIVERS_OFFSET + (long) slot * RECEIVER_SLOT_SIZE;
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
