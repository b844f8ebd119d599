package dev.mmapkit.cache;

import dev.mmapkit.internal.FileHeader;

/**
 * The layout of a {@link SharedCache} file. All values are in the platform's native byte order
 * (little-endian on the supported platforms) at naturally aligned offsets, so that they can be read
 * and written atomically by every process that maps the file.
 *
 * <table>
 *   <caption>file</caption>
 *   <tr><th>offset</th><th>size</th><th>region</th></tr>
 *   <tr><td>0</td><td>4096</td><td>{@link FileHeader}, kind {@value #KIND}, version {@value
 *       #VERSION}; layout parameters at the {@code PARAM_*} indexes</td></tr>
 *   <tr><td>{@value #GLOBAL_OFFSET}</td><td>{@value #GLOBAL_SIZE}</td><td>global area</td></tr>
 *   <tr><td>{@value #PROCESSES_OFFSET}</td><td>{@value #PROCESS_SLOTS} × {@value
 *       #PROCESS_SLOT_SIZE}</td><td>attached-process slots</td></tr>
 *   <tr><td>{@value #LOADS_OFFSET}</td><td>{@value #LOAD_SLOTS} × {@value #LOAD_SLOT_SIZE}</td>
 *       <td>loads in progress (compute-once across processes)</td></tr>
 *   <tr><td>{@value #SEGMENTS_OFFSET}</td><td>segments × stride</td><td>segments</td></tr>
 * </table>
 *
 * <table>
 *   <caption>global area (each field on its own 64-byte cache line)</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th></tr>
 *   <tr><td>{@value #GENERATION}</td><td>8</td><td>cache generation; {@code invalidateAll} adds
 *       one, and a segment whose generation differs holds nothing</td></tr>
 *   <tr><td>{@value #INVALIDATIONS}</td><td>8</td><td>number of {@code invalidateAll} calls</td></tr>
 *   <tr><td>{@value #RESETS}</td><td>8</td><td>number of {@code clear} calls</td></tr>
 * </table>
 *
 * <table>
 *   <caption>attached-process slot; the owner of a lock is a slot index and its epoch</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th></tr>
 *   <tr><td>{@value #SLOT_CLAIM}</td><td>8</td><td>pid of the attached process; 0 free;
 *       negative while being claimed. Byte 0 of the slot is also the range of the process's
 *       open-file-description lock (fcntl {@code F_OFD_SETLK}, 1 byte), held while it is
 *       attached if {@link #SLOT_LIVENESS} says so</td></tr>
 *   <tr><td>{@value #SLOT_START_TIME}</td><td>8</td><td>its start time (clock ticks since
 *       boot)</td></tr>
 *   <tr><td>{@value #SLOT_EPOCH}</td><td>8</td><td>incremented at each claim, so a lock held by a
 *       previous claimant is recognised as orphaned</td></tr>
 *   <tr><td>{@value #SLOT_PID_NAMESPACE}</td><td>8</td><td>inode of the process's PID namespace
 *       ({@code /proc/self/ns/pid}), 0 unknown: pid and start time can only be checked from the
 *       same namespace, when liveness is judged by pid</td></tr>
 *   <tr><td>{@value #SLOT_LIVENESS}</td><td>8</td><td>how its liveness is judged: {@link
 *       #LIVENESS_LOCK} (the kernel's slot lock; a released lock is a dead or detached process) or
 *       {@link #LIVENESS_PID} (pid, start time and namespace through {@code /proc}; what cannot be
 *       seen counts as running)</td></tr>
 *   <tr><td>{@value #SLOT_HITS}..{@value #SLOT_LOCK_RECOVERIES}</td><td>8 each</td><td>counters:
 *       hits, misses, loads, load nanoseconds, waits on other processes' loads, such waits that
 *       timed out, evictions, lock recoveries; kept when the process detaches</td></tr>
 * </table>
 *
 * <table>
 *   <caption>load slot (indexed by key hash)</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th></tr>
 *   <tr><td>{@value #LOAD_CLAIM}</td><td>8</td><td>owner id of the loading process (as in the lock
 *       word), written by the claiming CAS; 0 free</td></tr>
 *   <tr><td>{@value #LOAD_HASH}</td><td>8</td><td>hash of the key being loaded with bit 0 set,
 *       written after the claim; 0 until then</td></tr>
 *   <tr><td>{@value #LOAD_DONE}</td><td>4</td><td>futex word, incremented when a load ends</td></tr>
 *   <tr><td>{@value #LOAD_CLAIMED_AT}</td><td>8</td><td>when the load was claimed, epoch ms:
 *       waiters wait at most the load-wait timeout from then</td></tr>
 * </table>
 *
 * <table>
 *   <caption>segment: a header, then the index and the entry area</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th></tr>
 *   <tr><td>{@value #SEG_LOCK}</td><td>8</td><td>lock word: 0 free, else owner id: (slot + 1)
 *       &lt;&lt; 48 | (slot epoch &amp; 0xFFFF) &lt;&lt; 32 | 1; {@code 1} alone is a writer that failed
 *       half-way (poisoned)</td></tr>
 *   <tr><td>{@value #SEG_VERSION}</td><td>8</td><td>seqlock: odd while a writer changes the
 *       segment</td></tr>
 *   <tr><td>{@value #SEG_GENERATION}</td><td>8</td><td>cache generation of the contents</td></tr>
 *   <tr><td>{@value #SEG_USED}</td><td>8</td><td>bytes of the entry area handed out (bump
 *       pointer)</td></tr>
 *   <tr><td>{@value #SEG_LIVE}</td><td>8</td><td>bytes of live entries; used − live is
 *       wasted until compaction</td></tr>
 *   <tr><td>{@value #SEG_COUNT}</td><td>8</td><td>number of entries</td></tr>
 *   <tr><td>{@value #SEG_HAND}</td><td>8</td><td>CLOCK hand: next index slot to consider for
 *       eviction</td></tr>
 *   <tr><td>{@value #SEG_HEADER_SIZE}</td><td>8 × capacity</td><td>index: open addressing with
 *       linear probing; a slot is (hash &gt;&gt;&gt; 32) &lt;&lt; 32 | {@link #SLOT_REFERENCED} if
 *       referenced since the CLOCK hand last passed | (entry offset / 4 + 1), 0 empty; readers set
 *       the reference bit with a CAS, only when it is clear</td></tr>
 *   <tr><td>after the index, on a cache line</td><td>data capacity</td><td>entries, 4-byte
 *       aligned</td></tr>
 * </table>
 *
 * <table>
 *   <caption>entry</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th></tr>
 *   <tr><td>{@value #ENTRY_KEY_LENGTH}</td><td>4</td><td>key length; bit 31 ({@link
 *       #FLAG_SOURCE}) set if a source block follows the value</td></tr>
 *   <tr><td>{@value #ENTRY_VALUE_LENGTH}</td><td>4</td><td>value length</td></tr>
 *   <tr><td>{@value #ENTRY_CHECKSUM}</td><td>4</td><td>CRC32C of both length words, key, value
 *       and the first 24 bytes of the source block: how repair after a crash finds a torn
 *       entry</td></tr>
 *   <tr><td>{@value #ENTRY_HEADER_SIZE}</td><td>key length</td><td>key bytes, then the value
 *       bytes, then the source block if any; the entry is padded to a multiple of 4</td></tr>
 * </table>
 *
 * <table>
 *   <caption>source block (for {@code getValidated}; unaligned)</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th></tr>
 *   <tr><td>{@value #SOURCE_MODIFIED}</td><td>8</td><td>source file's modification time, ns</td></tr>
 *   <tr><td>{@value #SOURCE_LENGTH}</td><td>8</td><td>its size in bytes</td></tr>
 *   <tr><td>{@value #SOURCE_PATH_HASH}</td><td>8</td><td>hash of its real path (a symlink switched
 *       to another target no longer matches)</td></tr>
 *   <tr><td>{@value #SOURCE_CHECKED_AT}</td><td>8</td><td>when it was last compared with the file,
 *       epoch ms; not covered by the checksum</td></tr>
 * </table>
 */
public final class SharedCacheDescriptor {
  private SharedCacheDescriptor() {}

  /** The header kind of a cache file. */
  public static final String KIND = "CACH";

  /** The format version this code reads and writes. */
  public static final int VERSION = 3;

  /** Header layout parameter indexes. */
  public static final int PARAM_FILE_SIZE = 0,
      PARAM_MAX_ENTRIES = 1,
      PARAM_SEGMENTS = 2,
      PARAM_MAX_KEY_SIZE = 3,
      PARAM_MAX_VALUE_SIZE = 4,
      PARAM_LOCK_TIMEOUT_MILLIS = 5,
      PARAM_LOAD_WAIT_MILLIS = 6,
      PARAM_INDEX_CAPACITY = 7,
      PARAM_DATA_CAPACITY = 8,
      PARAM_SEGMENT_STRIDE = 9,
      PARAM_REVALIDATE_MILLIS = 10,
      PARAM_FILE_MODE = 11,
      PARAM_COUNT = 12;

  /** The cache line size counters are spread over. */
  public static final int CACHE_LINE = 64;

  /** Global area. */
  public static final long GLOBAL_OFFSET = FileHeader.SIZE, GLOBAL_SIZE = 4096;

  /** Global fields, relative to {@link #GLOBAL_OFFSET}. */
  public static final long GENERATION = 0, INVALIDATIONS = 64, RESETS = 128;

  /** Attached-process slots. */
  public static final long PROCESSES_OFFSET = GLOBAL_OFFSET + GLOBAL_SIZE;

  /** How many processes may be attached at once. */
  public static final int PROCESS_SLOTS = 128;

  /** Bytes per attached-process slot: identity on one cache line, counters on the next. */
  public static final int PROCESS_SLOT_SIZE = 128;

  /** Attached-process slot fields. */
  public static final long SLOT_CLAIM = 0,
      SLOT_START_TIME = 8,
      SLOT_EPOCH = 16,
      SLOT_PID_NAMESPACE = 24,
      SLOT_LIVENESS = 32,
      SLOT_HITS = 64,
      SLOT_MISSES = 72,
      SLOT_LOADS = 80,
      SLOT_LOAD_NANOS = 88,
      SLOT_LOAD_WAITS = 96,
      SLOT_LOAD_WAIT_TIMEOUTS = 104,
      SLOT_EVICTIONS = 112,
      SLOT_LOCK_RECOVERIES = 120;

  /**
   * {@link #SLOT_LIVENESS} values: the process holds an open-file-description lock on the slot's
   * first byte while attached; or it could not (no native access), and is judged by pid.
   */
  public static final long LIVENESS_PID = 1, LIVENESS_LOCK = 2;

  /** Load slots. */
  public static final long LOADS_OFFSET =
      PROCESSES_OFFSET + (long) PROCESS_SLOTS * PROCESS_SLOT_SIZE;

  /** Number of load slots (a power of two). */
  public static final int LOAD_SLOTS = 256;

  /** Bytes per load slot. */
  public static final int LOAD_SLOT_SIZE = 64;

  /** Load slot fields. */
  public static final long LOAD_CLAIM = 0, LOAD_HASH = 8, LOAD_DONE = 16, LOAD_CLAIMED_AT = 24;

  /** Where the first segment starts (page-aligned). */
  public static final long SEGMENTS_OFFSET = LOADS_OFFSET + (long) LOAD_SLOTS * LOAD_SLOT_SIZE;

  /** Segment header fields. */
  public static final long SEG_LOCK = 0,
      SEG_VERSION = 64,
      SEG_GENERATION = 72,
      SEG_USED = 128,
      SEG_LIVE = 136,
      SEG_COUNT = 144,
      SEG_HAND = 152,
      SEG_HEADER_SIZE = 192;

  /** Entry fields. */
  public static final int ENTRY_KEY_LENGTH = 0,
      ENTRY_VALUE_LENGTH = 4,
      ENTRY_CHECKSUM = 8,
      ENTRY_HEADER_SIZE = 12;

  /** Bit 31 of the key length: the entry carries a source block. */
  public static final int FLAG_SOURCE = 0x8000_0000;

  /** Source block fields, relative to the end of the value, and its size. */
  public static final int SOURCE_MODIFIED = 0,
      SOURCE_LENGTH = 8,
      SOURCE_PATH_HASH = 16,
      SOURCE_CHECKED_AT = 24,
      SOURCE_SIZE = 32;

  /** Entries are padded to a multiple of this. */
  public static final int ENTRY_ALIGNMENT = 4;

  /** Index slot bit 31: the entry was hit since the CLOCK hand last passed it. */
  public static final long SLOT_REFERENCED = 1L << 31;

  /** Index slot bits 0..30: entry offset / 4 + 1. */
  public static final long SLOT_UNITS = SLOT_REFERENCED - 1;

  /** The largest entry area of one segment: index slots hold offset / 4 in 31 bits. */
  public static final long MAX_DATA_CAPACITY = 4L * (SLOT_UNITS - 1);

  /** The bytes an entry with these key and value lengths takes in the entry area. */
  public static long entrySize(int keyLength, int valueLength) {
    long raw = ENTRY_HEADER_SIZE + (long) keyLength + valueLength;
    return (raw + ENTRY_ALIGNMENT - 1) & -ENTRY_ALIGNMENT;
  }

  /** Offset of attached-process slot {@code slot}. */
  public static long processSlotOffset(int slot) {
    return PROCESSES_OFFSET + (long) slot * PROCESS_SLOT_SIZE;
  }

  /** Offset of load slot {@code slot}. */
  public static long loadSlotOffset(int slot) {
    return LOADS_OFFSET + (long) slot * LOAD_SLOT_SIZE;
  }
}
