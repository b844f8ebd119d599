package dev.mmapkit.ipc;

import dev.mmapkit.internal.FileHeader;

/**
 * The layout of a ring buffer file, version {@link #VERSION}. Every offset is a constant here; the
 * code reads like this table.
 *
 * <table>
 *   <caption>Ring buffer file (all integers little-endian)</caption>
 *   <tr><th>offset</th><th>size</th><th>what</th></tr>
 *   <tr><td>0</td><td>4096</td><td>{@link FileHeader}: kind {@code "RING"}, version {@value
 *       #VERSION}, parameters [capacity, ring type ({@link #ONE_TO_ONE} or {@link
 *       #MANY_TO_ONE})]</td></tr>
 *   <tr><td>{@value #TAIL_POSITION_OFFSET}</td><td>8</td><td>tail: producer position, bytes
 *       claimed since creation (own 128-byte line)</td></tr>
 *   <tr><td>{@value #HEAD_CACHE_POSITION_OFFSET}</td><td>8</td><td>a recent head, cached by
 *       producers so they rarely read the consumer's line (own line)</td></tr>
 *   <tr><td>{@value #HEAD_POSITION_OFFSET}</td><td>8</td><td>head: consumer position, bytes
 *       consumed since creation (own line)</td></tr>
 *   <tr><td>{@value #CONSUMER_HEARTBEAT_OFFSET}</td><td>8</td><td>consumer heartbeat, epoch
 *       milliseconds of its last read</td></tr>
 *   <tr><td>{@value #CONSUMER_PID_OFFSET}</td><td>8</td><td>consumer process id</td></tr>
 *   <tr><td>{@value #CONSUMER_START_TIME_OFFSET}</td><td>8</td><td>consumer process start
 *       time</td></tr>
 *   <tr><td>{@value #RECORDS_READ_OFFSET}</td><td>8</td><td>records (not padding) the consumer
 *       has read</td></tr>
 *   <tr><td>{@value #CONSUMER_LIVENESS_OFFSET}</td><td>8</td><td>how the registered consumer is
 *       judged once it sleeps: {@value #LIVENESS_BY_LOCK} while it holds an open-file-description
 *       lock on the first byte of the consumer pid, {@value #LIVENESS_BY_PID} by pid and start time
 *       (stored before the pid when a consumer registers)</td></tr>
 *   <tr><td>{@value #WAKE_SEQUENCE_OFFSET}</td><td>4</td><td>futex word: producers increment it to
 *       wake a sleeping consumer (own line)</td></tr>
 *   <tr><td>{@value #SLEEP_ENABLED_OFFSET}</td><td>4</td><td>1 once a consumer has waited on the
 *       futex: from then on a one-to-one producer publishes its tail with a volatile store</td></tr>
 *   <tr><td>{@value #WAITERS_OFFSET}</td><td>8</td><td>the sleeping consumer: its process identity
 *       (pid × 2^41 + start time) while it sleeps on the futex word, else 0. Only the consumer
 *       stores it; others clear it only by compare-and-set from a dead process's identity</td></tr>
 *   <tr><td>{@value #BACK_PRESSURE_COUNT_OFFSET}</td><td>8</td><td>writes and claims refused
 *       because the ring was full by many-to-one producers without a slot of their own (atomic
 *       adds; own line). The ring's count is this plus every slot's refusals</td></tr>
 *   <tr><td>{@value #UNBLOCK_COUNT_OFFSET}</td><td>8</td><td>claims of dead producers turned into
 *       padding</td></tr>
 *   <tr><td>{@value #WAKE_COUNT_OFFSET}</td><td>8</td><td>futex wake-ups producers issued</td></tr>
 *   <tr><td>{@value #PRODUCERS_OFFSET}</td><td>{@value #PRODUCER_SLOT_SIZE} × {@value
 *       #PRODUCER_SLOTS}</td><td>producer table, one slot per line: per slot, process id (8, at
 *       {@value #PRODUCER_PID}; while the slot changes hands, minus the identity, pid × 2^41 + start
 *       time, of the process moving it, which holds the slot alive only while it runs), start
 *       time (8, at {@value #PRODUCER_START_TIME}), owning thread (8, at {@value
 *       #PRODUCER_THREAD}), claims in flight (8, at {@value #PRODUCER_CLAIMS}), claim start (8, at
 *       {@value #PRODUCER_CLAIM_START}), claim end (8, at {@value #PRODUCER_CLAIM_END}) and refusals
 *       (8, at {@value #PRODUCER_REFUSALS}): writes and claims refused because the ring was full,
 *       counted with plain stores by the slot's one writer (a thread's own slot, or the producer
 *       of a one-to-one ring), never reset, so they outlive the slot's owners; and how the owner's
 *       liveness is judged (8, at {@value #PRODUCER_LIVENESS}): {@value #LIVENESS_BY_LOCK} while
 *       its process holds an open-file-description lock on the slot's first byte, which the
 *       kernel drops when that process dies, whatever its PID namespace; {@value
 *       #LIVENESS_BY_PID} for an owner without native access, judged by pid and start time
 *       through {@code /proc} (and only while one PID namespace uses the file). Owning
 *       thread 0: the slot of a whole process, which all its threads without a slot of their own
 *       share; they count their claims in flight (tail moved, header maybe not written yet) in the
 *       claims word with atomic adds. Otherwise the Java thread id of the one thread that writes
 *       the slot, with plain stores: before each compare-and-set of the tail the position it
 *       expects (claim start), after a successful one the new tail (claim end), both before any
 *       byte of the claim. So an end above the start is a claim made, [start, end); an end at or
 *       below it, the thread's previous claim and an attempt at start that may have lost. Both are
 *       {@value #NO_CLAIM} in a slot that has not claimed yet; the start is {@value #NO_CLAIM}
 *       again once a thread whose attempt lost is refused for a full ring. Slot 0 has no process: it means
 *       "unregistered", and its claims word counts the claims in flight of producers without a
 *       slot</td></tr>
 *   <tr><td>{@value #PID_NAMESPACES_OFFSET}</td><td>8 × 8</td><td>the PID namespaces (inode of
 *       {@code /proc/self/ns/pid}, -1 if unknown) of the processes that wrote the file, 0 for a
 *       free entry: liveness is judged only while one namespace uses it ({@link
 *       PidNamespaces})</td></tr>
 *   <tr><td>{@value #DATA_OFFSET}</td><td>capacity</td><td>records</td></tr>
 * </table>
 *
 * <p>A record starts 8-byte aligned: length (int, header included, not the alignment), type (int),
 * payload. The type field holds the user type in bits 0–23 and the producer's slot in bits 24–30
 * (readers mask the slot off), so a claim left by a dead process can be attributed; bit 31 marks a
 * one-to-one producer's padding claim ({@link #PADDING_CLAIM_FLAG}). A committed record has a
 * positive length, written last with release semantics, so a reader that sees it sees the whole
 * record; while claimed ({@code tryClaim}), the length is negated. A record never wraps: when one
 * does not fit before the end, a padding record (type {@link #PADDING_TYPE}) fills the rest. A zero
 * length means "not written yet": in a many-to-one ring the consumer zeroes what it has read, in
 * whole lines ({@link #ZEROING_SLACK}), and a copying {@code write} by a thread with a slot of its
 * own writes the payload first and then type and length in one release store, so the consumer sees
 * such a record in one state change; in a one-to-one ring the producer writes its claimed header (a
 * copied record: the whole record) before it moves the tail and zeroes the header after its record,
 * and the consumer zeroes nothing.
 *
 * <p>Version 8 (this one): a producer slot says how its owner's liveness is judged, and an owner
 * with native access holds a lock on the slot's first byte, so a producer that dies in another
 * container is recovered like one of this container. Version 7 files are refused: a version 7
 * process would judge a lock-held slot by pid, where two namespaces never free it. Version 7: the
 * table of PID namespaces that wrote the file ({@link PidNamespaces}). Version 6: producers that
 * write a slot alone count their refused writes there with plain stores, not with an atomic add to
 * the shared back-pressure word, which a full ring's producers all hit on every refused attempt.
 * Version 5 files are refused: a version 5 process would neither count in the slots nor add them
 * up. Version 5: a many-to-one thread with a slot of its own records each claim's start and end in
 * its slot instead of counting claims in flight and records written, and its copying writes leave
 * the header for last; records written are counted from the consumer's count and the records
 * between head and tail. Version 4 files are refused: a version 4 consumer would take such a
 * header-less claim for a dead one and pad it, and a version 4 producer records no claim where a
 * version 5 consumer looks. Version 4: a producer slot changing hands names the process moving it
 * (minus its identity), so a slot whose mover died is freed (version 3 wrote −1 there, and such a
 * slot was lost for good); a many-to-one consumer zeroes only whole lines, its producers leaving
 * {@link #ZEROING_SLACK} bytes unclaimed behind the head. Version 3 files are refused: a version 3
 * process would take the new value for a dead owner's pid and free the slot under the process
 * moving it, and a version 3 producer would claim bytes the consumer has not zeroed yet. Version 3:
 * producer slots are a cache line each and may belong to one thread, whose claims then cost no
 * atomic add; aborted claims are counted ring-wide. Version 2 files are refused: a version 2
 * producer would count claims in flight where a version 3 consumer does not look. Version 2: the
 * one-to-one producer writes before moving the tail and the consumer no longer zeroes; the producer
 * slots hold a claims word; the waiter word is the sleeping consumer's identity. Version 1 files
 * are refused: a version 1 producer with this consumer would deliver stale records again.
 */
public final class RingBufferDescriptor {
  private RingBufferDescriptor() {}

  /** The file kind in the {@link FileHeader}. */
  public static final String KIND = "RING";

  /** The layout version this code reads and writes. */
  public static final int VERSION = 9;

  /** Ring type parameter: one producer thread, one consumer. */
  public static final int ONE_TO_ONE = 1;

  /** Ring type parameter: many producer threads in many processes, one consumer. */
  public static final int MANY_TO_ONE = 2;

  /** Header parameter index of the capacity. */
  public static final int CAPACITY_PARAMETER = 0;

  /** Header parameter index of the ring type. */
  public static final int TYPE_PARAMETER = 1;

  /** Counters are padded to this, so no two writers share a cache line (and its neighbour). */
  public static final int LINE = 128;

  /** See the table. */
  public static final long TAIL_POSITION_OFFSET = FileHeader.SIZE,
      HEAD_CACHE_POSITION_OFFSET = TAIL_POSITION_OFFSET + LINE,
      HEAD_POSITION_OFFSET = HEAD_CACHE_POSITION_OFFSET + LINE,
      CONSUMER_HEARTBEAT_OFFSET = HEAD_POSITION_OFFSET + LINE,
      CONSUMER_PID_OFFSET = CONSUMER_HEARTBEAT_OFFSET + 8,
      CONSUMER_START_TIME_OFFSET = CONSUMER_PID_OFFSET + 8,
      RECORDS_READ_OFFSET = CONSUMER_START_TIME_OFFSET + 8,
      CONSUMER_LIVENESS_OFFSET = RECORDS_READ_OFFSET + 8,
      WAKE_SEQUENCE_OFFSET = CONSUMER_HEARTBEAT_OFFSET + LINE,
      SLEEP_ENABLED_OFFSET = WAKE_SEQUENCE_OFFSET + 4,
      WAITERS_OFFSET = WAKE_SEQUENCE_OFFSET + 8,
      BACK_PRESSURE_COUNT_OFFSET = WAKE_SEQUENCE_OFFSET + LINE,
      UNBLOCK_COUNT_OFFSET = BACK_PRESSURE_COUNT_OFFSET + 8,
      WAKE_COUNT_OFFSET = UNBLOCK_COUNT_OFFSET + 8,
      PRODUCERS_OFFSET = BACK_PRESSURE_COUNT_OFFSET + 2 * LINE,
      PID_NAMESPACES_OFFSET = PRODUCERS_OFFSET + 128 * 64,
      DATA_OFFSET = 4 * FileHeader.SIZE;

  /** Producer table size; slot 0 means "not registered", so 127 processes can be told apart. */
  public static final int PRODUCER_SLOTS = 128;

  /**
   * Bytes per producer slot: a cache line, so producers writing their own slots do not slow each
   * other down.
   */
  public static final int PRODUCER_SLOT_SIZE = 64;

  /**
   * Offsets within a producer slot (longs): process id, start time, owning thread, claims in flight
   * (shared slots), claim start and claim end (a thread's own slot), refusals (a slot with one
   * writer), how the owner's liveness is judged.
   */
  public static final int PRODUCER_PID = 0,
      PRODUCER_START_TIME = 8,
      PRODUCER_CLAIMS = 16,
      PRODUCER_THREAD = 24,
      PRODUCER_CLAIM_START = 32,
      PRODUCER_CLAIM_END = 40,
      PRODUCER_REFUSALS = 48,
      PRODUCER_LIVENESS = 56;

  /**
   * {@link #PRODUCER_LIVENESS}: the owner holds an open-file-description lock on the slot's first
   * byte ({@link #PRODUCER_PID}) while its process runs.
   */
  public static final long LIVENESS_BY_LOCK = 1;

  /**
   * {@link #PRODUCER_LIVENESS}: the owner is judged by pid and start time through {@code /proc}.
   */
  public static final long LIVENESS_BY_PID = 0;

  /** {@link #PRODUCER_THREAD} of a slot that all threads of its process share. */
  public static final long PROCESS_SLOT = 0;

  /**
   * {@link #PRODUCER_CLAIM_START} and {@link #PRODUCER_CLAIM_END} of a slot that has not claimed;
   * the start of a thread that has no claim made or being made.
   */
  public static final long NO_CLAIM = -1;

  /**
   * Many-to-one: the consumer zeroes what it has read in whole lines of this many bytes, so that it
   * never writes a line a producer may be writing the next record in; the bytes it has read in its
   * last, partial line stay as they are until it reads past that line. Producers leave this many
   * bytes unclaimed behind the head, so they never claim a byte that is not zero yet.
   */
  public static final int ZEROING_SLACK = LINE;

  /** Record header: length int at 0, type int at 4. */
  public static final int HEADER_LENGTH = 8, LENGTH_OFFSET = 0, TYPE_OFFSET = 4;

  /** Records start at multiples of this. */
  public static final int ALIGNMENT = 8;

  /** The type of a padding record, which readers skip. */
  public static final int PADDING_TYPE = -1;

  /**
   * Bit 31 of a claimed (negative-length) header's type field: the padding claim of a one-to-one
   * producer (user bits all set), which becomes a padding record once the tail has moved. No other
   * header has it set, except a committed padding record ({@link #PADDING_TYPE}).
   */
  public static final int PADDING_CLAIM_FLAG = 1 << 31;

  /** The largest message type; the bits above it carry the producer slot. */
  public static final int MAX_TYPE = (1 << 24) - 1;

  /** Shift of the producer slot within a claimed record's type field. */
  public static final int SLOT_SHIFT = 24;

  /** The smallest capacity: one page. */
  public static final long MIN_CAPACITY = 4096;

  /** The largest capacity: 2^40 bytes. */
  public static final long MAX_CAPACITY = 1L << 40;

  /** The largest record length, header included. */
  public static final int MAX_RECORD_LENGTH = 1 << 30;

  static {
    if (PRODUCERS_OFFSET + (long) PRODUCER_SLOTS * PRODUCER_SLOT_SIZE != PID_NAMESPACES_OFFSET
        || PID_NAMESPACES_OFFSET + 8L * PidNamespaces.ENTRIES > DATA_OFFSET) {
      throw new AssertionError("producer table, namespace table and data overlap");
    }
  }

  /** The file size of a ring of {@code capacity} bytes. */
  public static long fileSize(long capacity) {
    return DATA_OFFSET + capacity;
  }

  /**
   * The largest payload a ring of {@code capacity} bytes accepts: an eighth of the capacity, so a
   * full ring still holds several messages, and at most {@link #MAX_RECORD_LENGTH} with header.
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
