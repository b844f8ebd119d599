package dev.mmapkit.log;

import static dev.mmapkit.log.LogChunkDescriptor.FIRST_RECORD_OFFSET;
import static dev.mmapkit.log.LogChunkDescriptor.HEADER_SIZE;

import dev.mmapkit.DiskFullException;
import dev.mmapkit.FileFormatException;
import dev.mmapkit.MmapkitException;
import dev.mmapkit.internal.MappedAtomics;
import dev.mmapkit.internal.NativeAccess;
import dev.mmapkit.internal.Processes;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An append-only log of records in a directory of memory-mapped chunk files, appended to by many
 * threads and processes at once and read, while it grows, by readers in any process.
 *
 * {@snippet :
 * try (AppendLog log = AppendLog.open(Path.of("events"), LogConfig.defaults())) {
 *   long position = log.append("hello".getBytes());
 *   LogReader reader = log.reader();
 *   reader.poll((pos, payload) -> System.out.println(pos + ": " + payload.byteSize() + " bytes"));
 * }
 * }
 *
 * <h2>How it works</h2>
 *
 * An append claims space by moving the tail in {@code log.meta} forward with a compare-and-set
 * (shared by all processes), writes the record (length, CRC32C, payload) into the mapped chunk and
 * publishes it by storing its state word last, with release semantics: a reader never sees a
 * partial record. Positions are 64-bit and global across chunks; a record never straddles two
 * chunks. A background thread creates the next chunk (every block reserved with {@code
 * posix_fallocate}) and pre-faults it before the appenders reach it, so an append costs a copy and
 * a checksum, not a page fault, a file creation or a remap. See {@link LogChunkDescriptor} for the
 * format and {@link Durability} for what an append promises.
 *
 * <h2>Recovery</h2>
 *
 * The first {@code open} of a log when no process has it open (after a clean close or a crash)
 * checks every chunk header and record, cuts the log after the last whole record, and reports what
 * it found in {@link #recoveryReport()}.
 *
 * <p>While processes have the log open, an appender that dies between claiming and committing
 * leaves a pending record naming its process; a reader that waits there for {@code 100 ms} finds
 * the process dead and aborts the record, so readers go on. A reader judges claims only if it is in
 * the pid namespace {@code log.meta} records, the mounted {@code /proc} belongs to that namespace,
 * and {@code /proc} is not mounted with {@code hidepid}; otherwise it waits at the claim until a
 * process that can judge it does, or until the next recovery.
 *
 * <p><b>NOTE</b>: an appender that dies in the few instructions between moving the tail and marking
 * its record pending leaves a hole that names no owner: readers wait at it until the next recovery,
 * when every process has closed the log.
 *
 * <h2>Sequence numbers and seeking</h2>
 *
 * Data records are numbered from 0 in log order without gaps ({@link LogReader#sequence()}) and
 * carry the time they were written ({@link LogReader#timestamp()}; for {@code append}, taken before
 * the payload is copied). {@link #positionOfSequence} and {@link #positionAtOrAfter} find a record
 * through a sparse index in each chunk's header page, which appends never touch (see {@link
 * LogChunkDescriptor}).
 *
 * <h2>Threads</h2>
 *
 * All methods may be called from any thread; {@link LogReader}s are for one thread each. Do not
 * call {@link #close()} while other threads append or read.
 */
public final class AppendLog implements AutoCloseable {
  /** Futex wake count: every tailer sleeping on the word. */
  private static final int WAKE_ALL = Integer.MAX_VALUE;

  private final Path dir;
  private final LogMeta meta;
  private final ChunkFiles chunks;
  private final DirectoryLock lock;
  private final RecoveryReport recovery;
  private final Durability durability;
  private final Optional<NativeAccess> nativeAccess = NativeAccess.get();
  private final long chunkSize;
  private final int shift;
  private final long mask;
  private final int maxPayload;
  private volatile boolean closed;
  private volatile boolean prepared;
  private final GroupSync groupSync;
  private final ChunkIndex index;

  /**
   * The chunk this handle's latest claim (the highest-numbered one) went to, as {@link
   * ChunkFiles#forWrite} returned it: mapped, its header synced in {@code SYNC} mode, the next
   * chunk already requested from the background thread. A claim that fits in it after its first
   * record needs none of that again ({@link #claimPosition}). A plain field: it only ever points to
   * a chunk that was ready, and a stale value only sends a claim down the general path.
   */
  private WriteChunk writeChunk = WriteChunk.NONE;

  private record WriteChunk(long index, MemorySegment segment) {
    static final WriteChunk NONE = new WriteChunk(-1, null);
  }

  /**
   * Written into a pending record, so a reader can tell when its claimer has died; 0 (no owner) if
   * this process is not in the pid namespace {@code log.meta} records (a pid means the same process
   * to two processes only inside one pid namespace).
   */
  private final long ownerPid;

  /**
   * Whether this process may judge other processes' claims by their pids: only where a missing
   * {@code /proc/PID} proves the claimer gone ({@link Processes#canProveDeath}: the recorded pid
   * namespace is ours, the mounted {@code /proc} is of it, and it hides no process with {@code
   * hidepid}). Otherwise claims of others wait for a process that can judge them, or for recovery.
   */
  private final boolean judgesClaims;

  private AppendLog(
      Path dir,
      LogMeta meta,
      ChunkFiles chunks,
      DirectoryLock lock,
      RecoveryReport recovery,
      Durability durability) {
    this.dir = dir;
    this.meta = meta;
    this.chunks = chunks;
    this.lock = lock;
    this.recovery = recovery;
    this.durability = durability;
    this.chunkSize = meta.chunkSize();
    this.shift = Long.numberOfTrailingZeros(chunkSize);
    this.mask = chunkSize - 1;
    this.maxPayload = LogChunkDescriptor.maxPayload(chunkSize);
    this.groupSync = new GroupSync(chunks, chunkSize);
    this.index = new ChunkIndex(chunks, meta);
    long recorded = meta.pidNamespace();
    this.ownerPid =
        recorded != 0 && recorded == Processes.currentPidNamespace() ? Processes.currentPid() : 0;
    this.judgesClaims = Processes.canProveDeath(recorded);
  }

  /** Prepares the chunks the next appends go to, in the background, on the first append. */
  private void prepareOnFirstAppend() {
    if (prepared) return;
    prepared = true;
    chunks.prepareAhead(meta.tail());
  }

  /**
   * Opens the log in {@code dir}, creating the directory and an empty log if there is none. If no
   * other process (and no other {@code AppendLog} of this process) has the log open, recovers it
   * first.
   *
   * @param config the chunk size (used only when the log is created; an existing log keeps its own)
   *     and this handle's durability mode
   * @throws FileFormatException if {@code log.meta} or a chunk file is damaged, truncated, from
   *     another log, or a chunk in the middle is missing; the message names the file
   * @throws java.nio.file.AccessDeniedException if a file or the directory cannot be opened for
   *     writing
   * @throws DiskFullException if the small meta file cannot be reserved
   * @throws MmapkitException if {@code dir} exists and is not a directory
   */
  public static AppendLog open(Path dir, LogConfig config) throws IOException {
    Objects.requireNonNull(config, "config");
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new MmapkitException(
          dir, "is not a directory: a log is a directory of log.meta and chunk files");
    }
    LogMeta meta = LogMeta.openOrCreate(dir, config.chunkSize());
    ChunkFiles chunks =
        new ChunkFiles(
            dir,
            meta.chunkSize(),
            meta.logId(),
            config.durability() == Durability.SYNC,
            config.prefault(),
            meta::firstChunk);
    try {
      RecoveryReport[] report = {RecoveryReport.notRun()};
      DirectoryLock lock =
          DirectoryLock.acquire(
              dir,
              () -> {
                report[0] = new Recovery(chunks, meta).run();
                meta.setPidNamespace(Processes.currentPidNamespace());
              });
      return new AppendLog(dir, meta, chunks, lock, report[0], config.durability());
    } catch (IOException | RuntimeException e) {
      Closing.closeAll(e, chunks, meta);
      throw e;
    }
  }

  /**
   * Appends a record and returns its position. Costs a copy of the payload, its CRC32C, a clock
   * read, one compare-and-set on the shared tail, a full fence (so that a sleeping tailer is never
   * missed), and what the {@link Durability} mode adds: 85-110 ns for 64 bytes on the 2-vCPU test
   * VM, 30 ns of it the clock read ({@code docs/performance.md}).
   *
   * @throws IllegalArgumentException if the payload is larger than {@link #maxPayload()}
   * @throws DiskFullException naming the log directory and the free space if the next chunk cannot
   *     be reserved; nothing already appended is affected and appending may be retried
   */
  public long append(byte[] payload) throws IOException {
    return append(payload, 0, payload.length);
  }

  /**
   * Appends {@code payload[offset, offset + length)}.
   *
   * @see #append(byte[])
   */
  public long append(byte[] payload, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, payload.length);
    int frame = frameLength(length);
    return appendRecord(frame, payload, offset, null);
  }

  /**
   * Appends the bytes of {@code payload}.
   *
   * @see #append(byte[])
   */
  public long append(MemorySegment payload) throws IOException {
    if (payload.byteSize() > maxPayload) throw tooLarge(payload.byteSize());
    int length = (int) payload.byteSize();
    int frame = frameLength(length);
    return appendRecord(frame, null, 0, payload);
  }

  /**
   * Appends a record of {@code frame} bytes whose payload is {@code array[offset...]} or, if {@code
   * array} is null, {@code segment} (two arguments rather than a lambda: no allocation per append).
   */
  private long appendRecord(int frame, byte[] array, int offset, MemorySegment segment)
      throws IOException {
    int length = frame - HEADER_SIZE;
    WriteChunk ready = writeChunk;
    long position = claimPosition(frame, ready);
    MemorySegment chunk = chunkFor(position, ready);
    long off = position & mask;
    int checksum;
    try {
      long timestamp = epochNanos();
      if (array != null) {
        MemorySegment.copy(array, offset, chunk, ValueLayout.JAVA_BYTE, off + HEADER_SIZE, length);
        checksum = RecordChecksum.of(position, frame, timestamp, array, offset, length);
      } else {
        MemorySegment.copy(segment, 0, chunk, off + HEADER_SIZE, length);
        checksum = RecordChecksum.of(position, frame, timestamp, segment);
      }
      chunk.set(LogMeta.LONG, off + LogChunkDescriptor.TIMESTAMP_OFFSET, timestamp);
    } catch (RuntimeException | Error e) {
      // The tail has moved past this space: readers in every process would wait at it forever,
      // so give it up as an aborted record (which they skip) before reporting the failure.
      try {
        publish(chunk, position, LogChunkDescriptor.TYPE_ABORTED, frame, 0);
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    publish(chunk, position, LogChunkDescriptor.TYPE_DATA, frame, checksum);
    return position;
  }

  /**
   * Stores the pending state and this process's id (in the checksum slot) in one 8-byte store, so
   * that a reader stuck at the claim reads both together and can tell whether the claimer lives.
   * Nothing else writes that word until {@link #publish} replaces both, also in one store.
   */
  private void markPending(MemorySegment chunk, long off, int frame) {
    int pending = LogChunkDescriptor.state(LogChunkDescriptor.TYPE_PENDING, frame);
    chunk.set(LogMeta.LONG, off, (pending & 0xFFFF_FFFFL) | (ownerPid << 32));
  }

  /** The wall clock in nanoseconds since the epoch: the timestamp of a record. */
  static long epochNanos() {
    return RecordClock.epochNanos();
  }

  /**
   * Claims space for a record of {@code length} bytes to be written in place (zero-copy) and then
   * {@link LogClaim#commit committed} or {@link LogClaim#abort aborted}. Readers stop at the claim
   * until then, so commit promptly.
   *
   * @throws IllegalArgumentException if {@code length} is larger than {@link #maxPayload()}
   * @throws DiskFullException as for {@link #append(byte[])}
   */
  public LogClaim claim(int length) throws IOException {
    int frame = frameLength(length);
    WriteChunk ready = writeChunk;
    long position = claimPosition(frame, ready);
    return new LogClaim(this, chunkFor(position, ready), position, frame);
  }

  /** The mapped chunk of a claimed {@code position}, without a table lookup in the common case. */
  private MemorySegment chunkFor(long position, WriteChunk ready) {
    return ready.index() == position >>> shift
        ? ready.segment()
        : chunks.mapped(position >>> shift);
  }

  /** The largest payload one record can hold: the chunk size less the chunk and record headers. */
  public int maxPayload() {
    return maxPayload;
  }

  private int frameLength(int length) {
    if (length < 0 || length > maxPayload) throw tooLarge(length);
    return HEADER_SIZE + length;
  }

  private IllegalArgumentException tooLarge(long length) {
    return new IllegalArgumentException(
        "record of "
            + length
            + " bytes; the largest a log with "
            + chunkSize
            + "-byte chunks holds is "
            + maxPayload);
  }

  /**
   * Moves the shared tail past a record of {@code frame} bytes, marks the record pending and
   * returns its position, with its chunk mapped. A record that does not fit in the current chunk
   * goes to the start of the next, and its claimer fills the rest of the current chunk with a
   * padding record. The chunk is mapped (created, if need be) before the tail moves, so a full disk
   * fails the append without claiming anything.
   *
   * <p>The common case, a record that fits in {@code ready} (the chunk this handle claimed in last)
   * after its first record, is one compare-and-set and the pending mark: the chunk is already
   * prepared, the claim neither pads nor seals a chunk, and the handle is open (close resets {@link
   * #writeChunk}). Anything else, or a lost race for the tail, takes the general loop.
   */
  private long claimPosition(int frame, WriteChunk ready) throws IOException {
    long aligned = LogChunkDescriptor.alignedLength(frame);
    long tail = meta.tail();
    long offset = tail & mask;
    if ((tail >>> shift) == ready.index()
        && offset > FIRST_RECORD_OFFSET
        && offset + aligned <= chunkSize
        && meta.casTail(tail, tail + aligned)) {
      markPending(ready.segment(), offset, frame);
      return tail;
    }
    return claimInAnyChunk(frame, aligned);
  }

  /** {@link #claimPosition}'s general case: any chunk, padding, sealing, first appends. */
  private long claimInAnyChunk(int frame, long aligned) throws IOException {
    if (closed) throw new IllegalStateException("log " + dir + " is closed");
    if (!prepared) prepareOnFirstAppend();
    while (true) {
      long tail = meta.tail();
      long chunkStart = tail & ~mask;
      long offset = tail & mask;
      long position;
      long padding = -1;
      if (offset < FIRST_RECORD_OFFSET) {
        position = chunkStart + FIRST_RECORD_OFFSET;
      } else if (offset + aligned <= chunkSize) {
        position = tail;
      } else {
        padding = tail;
        position = chunkStart + chunkSize + FIRST_RECORD_OFFSET;
      }
      MemorySegment target = chunks.forWrite(position >>> shift);
      if (padding >= 0) chunks.forWrite(padding >>> shift);
      meta.touchTail(); // the tail was read a chunk preparation ago
      if (meta.casTail(tail, position + aligned)) {
        // First thing after the claim, so that the window in which a dying appender leaves a hole
        // that names no owner is as short as it can be.
        markPending(target, position & mask, frame);
        long targetIndex = position >>> shift;
        if (targetIndex > writeChunk.index() && !closed) {
          writeChunk = new WriteChunk(targetIndex, target);
        }
        if (padding >= 0) {
          MemorySegment chunk = chunks.mapped(padding >>> shift);
          try {
            publish(chunk, padding, LogChunkDescriptor.TYPE_PADDING, (int) (chunkSize - offset), 0);
          } catch (IOException | RuntimeException e) {
            // e.g. the SYNC of the padding failed: give up the claimed record too, so readers
            // do not wait at it for as long as this process lives.
            try {
              publish(target, position, LogChunkDescriptor.TYPE_ABORTED, frame, 0);
            } catch (IOException | RuntimeException suppressed) {
              e.addSuppressed(suppressed);
            }
            throw e;
          }
        }
        if ((position & mask) == FIRST_RECORD_OFFSET && position >= chunkSize) {
          sealed((position >>> shift) - 1);
        }
        return position;
      }
    }
  }

  /**
   * Stores the state word and the checksum last, together in one 8-byte release store, then makes
   * the record durable and wakes sleeping tailers.
   */
  void publish(MemorySegment chunk, long position, int type, int frame, int checksum)
      throws IOException {
    long off = position & mask;
    long word = (LogChunkDescriptor.state(type, frame) & 0xFFFF_FFFFL) | ((long) checksum << 32);
    LogMeta.LONG_HANDLE.setRelease(chunk, off, word);
    long aligned = LogChunkDescriptor.alignedLength(frame);
    switch (durability) {
      case NONE -> {}
      case WRITE_START -> chunks.file(position >>> shift).startWriteBack(off, aligned);
      case SYNC -> groupSync.sync(position, aligned);
    }
    // Pairs with the tailer's increment of the waiter count before it sleeps: one of the two sees
    // the other. (A fence costs a fifth of what a compare-and-set on the state word did here.)
    VarHandle.fullFence();
    if (meta.waiters() > 0 && nativeAccess.isPresent()) {
      nativeAccess.get().futexWake(chunk.asSlice(off, 4), WAKE_ALL);
    }
  }

  /**
   * Aborts the pending record at {@code position} if the process that claimed it has died, so that
   * readers can go on past it; a claim whose owner is alive (or unknown) is left alone, and so is
   * every claim if this process cannot judge pids ({@link #judgesClaims}).
   *
   * <p><b>NOTE</b>: the claimer's publish is a plain release store (a compare-and-set there would
   * cost the hot path several times over), so a claimer wrongly judged dead would overwrite the
   * abort with its record, after readers skipped it. Hence the conditions under which claims are
   * judged at all, and a liveness check that must never call a live process dead.
   *
   * @return whether the record is no longer pending (aborted here, or published meanwhile)
   */
  boolean abortIfClaimerDead(MemorySegment chunk, long position, int pending) {
    if (!judgesClaims) return false;
    long off = position & mask;
    long word = (long) LogMeta.LONG_HANDLE.getVolatile(chunk, off);
    if ((int) word != pending) return true;
    long pid = word >>> 32;
    int frame = LogChunkDescriptor.frameLength(pending);
    if (pid <= 0 || frame < HEADER_SIZE || (off + frame) > chunkSize) return false;
    // By pid alone: a reused pid keeps the claim waiting (safe), it never aborts a live one.
    if (Processes.isAlive(pid, 0)) return false;
    MappedAtomics.touch(chunk, off); // the read above was a /proc lookup ago
    boolean aborted =
        LogMeta.INT_HANDLE.compareAndSet(
            chunk, off, pending, LogChunkDescriptor.state(LogChunkDescriptor.TYPE_ABORTED, frame));
    if (aborted) {
      System.getLogger("dev.mmapkit.log")
          .log(
              System.Logger.Level.INFO,
              dir
                  + ": skipped the record at position "
                  + position
                  + " claimed by dead process "
                  + pid);
      if (meta.waiters() > 0 && nativeAccess.isPresent()) {
        nativeAccess.get().futexWake(chunk.asSlice(off, 4), WAKE_ALL);
      }
    }
    return true;
  }

  /**
   * A reader from the first record of the log.
   *
   * @throws FileFormatException if a record on the way to numbering the first one is damaged
   */
  public LogReader reader() throws IOException {
    long first = firstPosition();
    ChunkIndex.Mark base = index.base(first >>> shift);
    return new LogReader(this, first, base == null ? -1 : base.sequence());
  }

  /**
   * A reader from {@code position}, which must be a record's position (as returned by {@link
   * #append}, {@link #positionOfSequence} or {@link #positionAtOrAfter}), the end of the log
   * ({@link #endPosition()}), or {@link #firstPosition()}.
   *
   * <p>Cost: finds the reader's sequence number through the index, a scan of at most 1/128 of a
   * chunk.
   *
   * @throws IllegalArgumentException if {@code position} is before the first record, after the end,
   *     not a multiple of 8, inside a chunk's 4 KiB header (other than at the chunk's start), or
   *     not where a record starts (checked whenever the records before it are committed)
   * @throws dev.mmapkit.MmapkitException if retention deleted {@code position}'s chunk meanwhile
   */
  public LogReader tailer(long position) throws IOException {
    if (position < firstPosition()) {
      throw new IllegalArgumentException(
          "position " + position + " is before the first record (" + firstPosition() + ")");
    }
    if ((position & (LogChunkDescriptor.ALIGNMENT - 1)) != 0) {
      throw new IllegalArgumentException(
          "position " + position + " is not a record's position: records are 8-byte aligned");
    }
    long end = endPosition();
    if (position > end) {
      throw new IllegalArgumentException(
          "position " + position + " is after the end of the log (" + end + ")");
    }
    long offset = position & mask;
    if (offset != 0 && offset < FIRST_RECORD_OFFSET) {
      throw new IllegalArgumentException(
          "position "
              + position
              + " is inside the "
              + FIRST_RECORD_OFFSET
              + "-byte header of chunk "
              + (position >>> shift)
              + ", not a record's position (the chunk's first record is at "
              + ((position & ~mask) + FIRST_RECORD_OFFSET)
              + ")");
    }
    // Offset 0: a chunk's start, which endPosition() returns after a record that filled a chunk.
    long p = offset == 0 ? position + FIRST_RECORD_OFFSET : position;
    return new LogReader(this, position, index.sequenceAt(p));
  }

  /**
   * The position of the record numbered {@code sequence}: records (data records, not padding or
   * aborted space) are numbered from 0 in log order, across all appenders and processes, without
   * gaps.
   *
   * <p>Cost: a binary search over the chunks' index headers, one over 128 entries, then a scan of
   * at most 1/128 of a chunk; the first seek into a part of the log not indexed yet indexes it (a
   * pass over its record headers).
   *
   * @return the position, or empty if there is no such record yet (past the end, or a record before
   *     it is still being written)
   * @throws IllegalArgumentException if {@code sequence} is negative
   * @throws dev.mmapkit.MmapkitException if retention deleted that record
   * @throws FileFormatException if a record on the way is damaged
   */
  public OptionalLong positionOfSequence(long sequence) throws IOException {
    long p = index.positionOfSequence(sequence);
    return p < 0 ? OptionalLong.empty() : OptionalLong.of(p);
  }

  /**
   * The position of the first record, in log order, whose timestamp (the appender's wall clock when
   * it wrote the record, see {@link LogReader#timestampNanos()}) is at or after {@code time}. Exact
   * even if timestamps are not in log order (clocks of several processes, a clock set back): the
   * index keeps, for each point, the latest timestamp before it. With timestamps in log order this
   * is the usual "first record at or after {@code time}"; otherwise records after the returned one
   * may be older than {@code time}. Only records retention kept are considered.
   *
   * <p>Cost: as {@link #positionOfSequence}.
   *
   * @return the position, or empty if no record that late is there yet
   * @throws FileFormatException if a record on the way is damaged
   */
  public OptionalLong positionAtOrAfter(Instant time) throws IOException {
    long nanos;
    try {
      nanos =
          Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000_000L), time.getNano());
    } catch (ArithmeticException e) {
      if (time.getEpochSecond() < 0) nanos = Long.MIN_VALUE;
      else return OptionalLong.empty();
    }
    long p = index.positionAtOrAfter(nanos);
    return p < 0 ? OptionalLong.empty() : OptionalLong.of(p);
  }

  /**
   * Reads the record at {@code position}, if it is committed, without copying.
   *
   * @return {@code true} if {@code handler} was called, {@code false} if there is no committed
   *     record at {@code position} (not yet written, or past the end)
   * @throws FileFormatException if the record there fails its checksum, or {@code position} is not
   *     a record's position
   */
  public boolean read(long position, RecordHandler handler) throws IOException {
    checkNotDeleted(position);
    if ((position & (LogChunkDescriptor.ALIGNMENT - 1)) != 0) {
      throw new IllegalArgumentException("not a record position: " + position);
    }
    if ((position & mask) < FIRST_RECORD_OFFSET) return false;
    MemorySegment chunk = chunks.forRead(position >>> shift);
    if (chunk == null) return false;
    int state = (int) LogMeta.INT_HANDLE.getAcquire(chunk, position & mask);
    if (state == 0 || LogChunkDescriptor.type(state) != LogChunkDescriptor.TYPE_DATA) return false;
    handler.onRecord(position, checkedPayload(chunk, position, state));
    return true;
  }

  /** The payload of the committed data record at {@code position}, checksum verified. */
  MemorySegment checkedPayload(MemorySegment chunk, long position, int state)
      throws FileFormatException {
    long off = position & mask;
    int frame = LogChunkDescriptor.frameLength(state);
    if (frame < HEADER_SIZE || off + frame > chunkSize) {
      throw new FileFormatException(
          chunks.path(position >>> shift),
          "record at position " + position + " has impossible length " + frame);
    }
    MemorySegment payload = chunk.asSlice(off + HEADER_SIZE, frame - HEADER_SIZE);
    int stored = chunk.get(LogMeta.INT, off + LogChunkDescriptor.CHECKSUM_OFFSET);
    long timestamp = chunk.get(LogMeta.LONG, off + LogChunkDescriptor.TIMESTAMP_OFFSET);
    if (stored != RecordChecksum.of(position, frame, timestamp, payload)) {
      throw new FileFormatException(
          chunks.path(position >>> shift),
          "record at position " + position + " fails its checksum: corrupted, or not a record");
    }
    return payload.asReadOnly();
  }

  /** The position of the first record: the start of the first chunk retention kept. */
  public long firstPosition() {
    return meta.firstChunk() * chunkSize + FIRST_RECORD_OFFSET;
  }

  /** Throws the retention error if {@code position} lies in a deleted chunk. */
  void checkNotDeleted(long position) throws MmapkitException {
    long first = meta.firstChunk();
    if ((position >>> shift) < first) throw chunks.deleted(position >>> shift, first);
  }

  /**
   * Deletes every chunk file that lies wholly before {@code position} (never the chunk the next
   * append goes to), after unmapping them here. Other processes unmap them when they next move to a
   * new chunk; until then the kernel keeps a deleted chunk's blocks for them. Readers positioned in
   * a deleted chunk get an {@link MmapkitException} saying where the log now starts.
   *
   * <p>Cost: a directory listing, one unmap and one unlink per deleted chunk.
   *
   * @return how many chunk files were deleted
   */
  public int deleteBefore(long position) throws IOException {
    if (position <= firstPosition()) return 0;
    long keep = Math.min(position, meta.tail()) >>> shift;
    // The first kept chunk must know its records' sequence numbers before the chunks that count
    // them go: stop at the last chunk whose base is known (records still being written before).
    long current = meta.firstChunk();
    while (keep > current && index.base(keep) == null) keep--;
    if (keep <= current) return 0;
    chunks.file(keep).force(0, FIRST_RECORD_OFFSET);
    long first = meta.raiseFirstChunk(keep);
    chunks.unmapBelow(first);
    int deleted = 0;
    for (long i : chunks.existingIndices()) {
      if (i < first && Files.deleteIfExists(chunks.path(i))) deleted++;
    }
    return deleted;
  }

  /**
   * Deletes the chunks whose every record was appended before {@code cutoff}; see {@link
   * #deleteBefore}.
   *
   * <p>A chunk's age is the moment it was sealed: when the first record of the next chunk was
   * claimed, its modification time is set to that moment (writes through a mapping do not keep the
   * modification time current by themselves). So a chunk deleted here holds no record appended at
   * or after {@code cutoff}. The chunk sealed most recently is kept, as are the current chunk and
   * chunks sealed by a version without this stamp that were written after {@code cutoff}.
   *
   * <p>Cost: one {@code stat} per chunk examined, then as {@link #deleteBefore}.
   *
   * @return how many chunk files were deleted
   */
  public int deleteOlderThan(Instant cutoff) throws IOException {
    long newestSealed = (meta.tail() >>> shift) - 1;
    long index = meta.firstChunk();
    for (; index < newestSealed; index++) {
      try {
        if (!Files.getLastModifiedTime(chunks.path(index)).toInstant().isBefore(cutoff)) break;
      } catch (NoSuchFileException e) {
        // already deleted by another process's retention
      }
    }
    return deleteBefore(index << shift);
  }

  /**
   * Stamps chunk {@code index}, now complete, with the time it was sealed. Runs after the tail
   * moved, so it must not throw: a chunk it cannot stamp (deleted by retention, or owned by another
   * user) keeps its own time, and {@link #deleteOlderThan} may keep it longer.
   */
  private void sealed(long sealedChunk) {
    try {
      Files.setLastModifiedTime(chunks.path(sealedChunk), FileTime.from(Instant.now()));
    } catch (IOException e) {
      System.getLogger("dev.mmapkit.log")
          .log(System.Logger.Level.DEBUG, "cannot stamp sealed chunk " + sealedChunk + ": " + e);
    }
    chunks.inBackground(
        () -> {
          try {
            index.base(sealedChunk + 1);
          } catch (IOException | RuntimeException e) {
            System.getLogger("dev.mmapkit.log")
                .log(System.Logger.Level.DEBUG, "indexing chunk " + sealedChunk + " failed", e);
          }
        });
  }

  /**
   * Deletes the oldest chunks so that at most {@code maxBytes} of the log before its end, plus the
   * part of one chunk, remain; see {@link #deleteBefore}.
   *
   * @return how many chunk files were deleted
   */
  public int retainLast(long maxBytes) throws IOException {
    if (maxBytes < 0) throw new IllegalArgumentException("maxBytes must be >= 0: " + maxBytes);
    return deleteBefore(Math.max(0, meta.tail() - maxBytes));
  }

  /**
   * The end of the claimed space: where the next append goes (or the start of the next chunk).
   * Records below it may still be being written.
   */
  public long endPosition() {
    return meta.tail();
  }

  /** What recovery found when this log was opened. */
  public RecoveryReport recoveryReport() {
    return recovery;
  }

  /** The log's directory. */
  public Path directory() {
    return dir;
  }

  /** The size of each chunk file. */
  public long chunkSize() {
    return chunkSize;
  }

  /** This handle's durability mode. */
  public Durability durability() {
    return durability;
  }

  /** Whether this handle judges other processes' claims (see the field): for tests. */
  boolean judgesClaims() {
    return judgesClaims;
  }

  GroupSync groupSync() {
    return groupSync;
  }

  ChunkFiles chunks() {
    return chunks;
  }

  LogMeta meta() {
    return meta;
  }

  ChunkIndex index() {
    return index;
  }

  Optional<NativeAccess> nativeAccess() {
    return nativeAccess;
  }

  /**
   * Unmaps every chunk and releases this handle's share of the directory lock. Payload views handed
   * out before become invalid.
   */
  @Override
  public void close() throws IOException {
    if (closed) return;
    closed = true;
    writeChunk = WriteChunk.NONE;
    Closing.closeAll(chunks, meta, lock::release);
  }

  @Override
  public String toString() {
    return "AppendLog[" + dir + "]";
  }
}
