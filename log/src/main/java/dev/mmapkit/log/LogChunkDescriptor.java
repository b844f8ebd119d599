package dev.mmapkit.log;

import dev.mmapkit.internal.FileHeader;

/**
 * The layout of an {@link AppendLog}'s chunk files and of the records in them.
 *
 * <p>A log is a directory of chunk files, all {@code chunkSize} bytes (a power of two), named
 * {@code <index>.chunk} with the index in ten decimal digits. Positions are 64-bit and global: the
 * byte at offset {@code o} of chunk {@code i} has position {@code i * chunkSize + o}. Each chunk
 * starts with the mmapkit {@link FileHeader} (kind {@value #KIND}, version {@value #VERSION}); its
 * records follow from offset {@link #FIRST_RECORD_OFFSET}. A record never straddles two chunks: the
 * space a record does not fit in is filled with one padding record.
 *
 * <table>
 *   <caption>chunk header layout parameters</caption>
 *   <tr><th>parameter</th><th>meaning</th></tr>
 *   <tr><td>{@link #PARAM_CHUNK_SIZE}</td><td>chunk size in bytes</td></tr>
 *   <tr><td>{@link #PARAM_CHUNK_INDEX}</td><td>this chunk's index</td></tr>
 *   <tr><td>{@link #PARAM_LOG_ID}</td><td>the random id of the log (as in {@code log.meta}), so a
 *       chunk copied from another log is refused</td></tr>
 * </table>
 *
 * <table>
 *   <caption>chunk index, in the header page after the file header (little-endian)</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th></tr>
 *   <tr><td>{@link #BASE_SEQUENCE_OFFSET}</td><td>8</td><td>sequence number of the chunk's first
 *       data record, plus one; 0 while not known</td></tr>
 *   <tr><td>{@link #BASE_MAX_TIME_OFFSET}</td><td>8</td><td>the latest timestamp of any data
 *       record before this chunk (0 if none); valid when the base sequence is</td></tr>
 *   <tr><td>{@link #INDEXED_OFFSET}</td><td>4</td><td>how many index entries are valid (0 to
 *       {@link #INDEX_ENTRIES})</td></tr>
 *   <tr><td>{@link #END_COUNT_OFFSET}</td><td>4</td><td>data records in this chunk plus one; 0
 *       until the whole chunk is indexed</td></tr>
 *   <tr><td>{@link #END_MAX_TIME_OFFSET}</td><td>8</td><td>the latest timestamp of a data record
 *       in this chunk (0 if none); valid when the end count is</td></tr>
 *   <tr><td>{@link #ENTRIES_OFFSET}</td><td>16 × {@value #INDEX_ENTRIES}</td><td>entry {@code b}
 *       describes the first record that starts at or after {@link #blockStart block start}
 *       {@code b}: its offset in the chunk (4 bytes; the chunk size if none does), how many data
 *       records of this chunk come before it (4), the latest timestamp of those (8; 0 if
 *       none)</td></tr>
 * </table>
 *
 * <p>Every index field is a function of the committed records, so any process may compute and write
 * it (racing writers store the same bytes); the index never covers a record that is not published
 * yet. Recovery rebuilds it.
 *
 * <table>
 *   <caption>record layout (little-endian, every record starts 8-byte aligned)</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th></tr>
 *   <tr><td>{@link #STATE_OFFSET}</td><td>4</td><td>state word: type in bits 30–31, frame length
 *       (header + payload, unaligned) in bits 0–29; 0 while nothing has been written</td></tr>
 *   <tr><td>{@link #CHECKSUM_OFFSET}</td><td>4</td><td>CRC32C of the payload, mixed with the
 *       record's position, frame length and timestamp (see {@code RecordChecksum}); while the
 *       record is pending: the claimer's process id (0 if unknown), stored together with the state
 *       word in one 8-byte store, and replaced together with it when the record is published</td></tr>
 *   <tr><td>{@link #TIMESTAMP_OFFSET}</td><td>8</td><td>when the record was written, epoch
 *       nanoseconds by the appender's wall clock: {@code append} takes it after the claim, before
 *       copying the payload; a {@code LogClaim} at {@code commit}</td></tr>
 *   <tr><td>{@link #HEADER_SIZE}</td><td>n</td><td>payload</td></tr>
 *   <tr><td>16 + n</td><td>0–7</td><td>zero padding to the next multiple of 8</td></tr>
 * </table>
 *
 * <p>Records are numbered in log order from 0 (data records only): the <em>sequence number</em>. It
 * is not stored in the record (concurrent appenders cannot know it without a second shared
 * counter); the chunk index below maps sequence numbers and timestamps to positions.
 *
 * <p>Record types: {@link #TYPE_PENDING} (claimed, being written), {@link #TYPE_DATA} (committed),
 * {@link #TYPE_PADDING} (fills a chunk's end), {@link #TYPE_ABORTED} (space of a record that was
 * never committed, skipped by readers). The writer stores the state word last, with release
 * semantics, so a reader that loads it with acquire semantics and sees {@code TYPE_DATA} sees the
 * whole payload.
 */
public final class LogChunkDescriptor {
  private LogChunkDescriptor() {}

  /** File header kind of chunk files. */
  public static final String KIND = "LOG ";

  /** Format version of chunk files. */
  public static final int VERSION = 2;

  /** Chunk header parameter: the chunk size. */
  public static final int PARAM_CHUNK_SIZE = 0;

  /** Chunk header parameter: the chunk index. */
  public static final int PARAM_CHUNK_INDEX = 1;

  /** Chunk header parameter: the log id. */
  public static final int PARAM_LOG_ID = 2;

  /** Offset in a chunk of its first record: right after the file header. */
  public static final long FIRST_RECORD_OFFSET = FileHeader.SIZE;

  /** Offset in a record of its state word. */
  public static final int STATE_OFFSET = 0;

  /** Offset in a record of its checksum. */
  public static final int CHECKSUM_OFFSET = 4;

  /** Offset in a record of its timestamp. */
  public static final int TIMESTAMP_OFFSET = 8;

  /** Bytes of record header before the payload. */
  public static final int HEADER_SIZE = 16;

  /** Offset in a chunk of the sequence number of its first data record, plus one. */
  public static final long BASE_SEQUENCE_OFFSET = 1024;

  /** Offset in a chunk of the latest timestamp before it. */
  public static final long BASE_MAX_TIME_OFFSET = 1032;

  /** Offset in a chunk of the count of valid index entries. */
  public static final long INDEXED_OFFSET = 1040;

  /** Offset in a chunk of its count of data records plus one (0 until fully indexed). */
  public static final long END_COUNT_OFFSET = 1044;

  /** Offset in a chunk of the latest timestamp in it. */
  public static final long END_MAX_TIME_OFFSET = 1048;

  /** Offset in a chunk of its first index entry. */
  public static final long ENTRIES_OFFSET = 2048;

  /** Index entries per chunk: one per 1/128 of the chunk. */
  public static final int INDEX_ENTRIES = 128;

  /** Bytes per index entry. */
  public static final int ENTRY_SIZE = 16;

  /** Records start at multiples of this. */
  public static final int ALIGNMENT = 8;

  /** Smallest allowed chunk size: 64 KiB. */
  public static final long MIN_CHUNK_SIZE = 1L << 16;

  /** Largest allowed chunk size, 1 GiB: a padding record's length must fit in 30 bits. */
  public static final long MAX_CHUNK_SIZE = 1L << 30;

  /** State type bits: claimed, not yet committed. */
  public static final int TYPE_PENDING = 0;

  /** State type bits: a committed data record. */
  public static final int TYPE_DATA = 1;

  /** State type bits: padding up to the end of the chunk. */
  public static final int TYPE_PADDING = 2;

  /** State type bits: space of a record that was never committed; skipped. */
  public static final int TYPE_ABORTED = 3;

  static final int LENGTH_MASK = (1 << 30) - 1;

  /**
   * The state word for a record of {@code type} and {@code frameLength} bytes (header + payload).
   */
  public static int state(int type, int frameLength) {
    return (type << 30) | frameLength;
  }

  /** The type bits of a state word. */
  public static int type(int state) {
    return state >>> 30;
  }

  /** The frame length (header + payload, before alignment) of a state word. */
  public static int frameLength(int state) {
    return state & LENGTH_MASK;
  }

  /** Bytes a record with {@code frameLength} occupies: rounded up to {@link #ALIGNMENT}. */
  public static long alignedLength(long frameLength) {
    return (frameLength + ALIGNMENT - 1) & -ALIGNMENT;
  }

  /** The largest payload a log with {@code chunkSize} chunks can hold in one record. */
  public static int maxPayload(long chunkSize) {
    return (int) (chunkSize - FIRST_RECORD_OFFSET - HEADER_SIZE);
  }

  /**
   * The offset in a chunk from which index entry {@code entry} looks for the first record start:
   * {@code entry × chunkSize / }{@value #INDEX_ENTRIES}, but not before the first record.
   */
  public static long blockStart(long chunkSize, int entry) {
    return Math.max(FIRST_RECORD_OFFSET, entry * (chunkSize / INDEX_ENTRIES));
  }

  /** The file name of chunk {@code index}. */
  public static String fileName(long index) {
    return String.format("%010d.chunk", index);
  }

  /** The chunk index in a chunk file name, or -1 if the name is not a chunk file's. */
  public static long indexOf(String fileName) {
    if (fileName.length() != 16 || !fileName.endsWith(".chunk")) return -1;
    String digits = fileName.substring(0, 10);
    for (int i = 0; i < digits.length(); i++) {
      if (!Character.isDigit(digits.charAt(i))) return -1;
    }
    return Long.parseLong(digits);
  }
}
