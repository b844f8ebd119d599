package dev.mmapkit;

import dev.mmapkit.internal.NativeAccess;
import dev.mmapkit.internal.NativeCallException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Optional;

/**
 * A file mapped into memory, of any size, as a sequence of power-of-two chunks.
 *
 * <p>Reads and writes go straight to the page cache: a read of a resident page costs a memory load,
 * a read of a missing page costs a page fault, and a write dirties a page that the kernel writes
 * back when it decides (see {@link #force} and {@link #startWriteBack} for control). Every process
 * that maps the same file shares the same pages.
 *
 * {@snippet :
 * try (MappedFile file = MappedFile.open(Path.of("data.bin"))) {
 *   long first = file.getLong(0);
 *   file.advise(0, file.size(), Advice.RANDOM);
 *   MemorySegment chunk = file.chunk(0); // zero-copy, for bulk work
 * }
 * }
 *
 * <h2>What it fixes</h2>
 *
 * <ul>
 *   <li>No 2 GiB limit: offsets are {@code long}, the file is mapped in chunks ({@link
 *       MappingOptions#chunkSize()}, 1 GiB by default).
 *   <li>Deterministic unmap: {@link #close()} unmaps everything.
 *   <li>No SIGBUS crash: if the file is truncated while mapped, the accessors of this class throw
 *       {@link MappedFileTruncatedException}.
 *   <li>No sparse-file SIGBUS on a full disk: {@link #create} and {@link #ensureCapacity} reserve
 *       blocks with {@code posix_fallocate} before mapping, so a full disk is a {@link
 *       DiskFullException} up front.
 * </ul>
 *
 * <h2>Byte order and layout</h2>
 *
 * Multi-byte accessors are little-endian and unaligned-tolerant; values that straddle two chunks
 * are assembled correctly (more slowly).
 *
 * <h2>Threads</h2>
 *
 * By default the mapping may be used from any thread; reads and writes are not synchronised, as
 * with any memory. {@link #ensureCapacity} may run concurrently with reads of the existing range.
 * With {@link MappingOptions#confinedToOpeningThread()} only the opening thread may use or close
 * it.
 *
 * <p><b>NOTE</b>: segments returned by {@link #chunk} and {@link #slice} are the fastest path, but
 * a fault in them (truncation by another process) surfaces as the JDK's {@code InternalError}, and
 * in JIT-compiled code asynchronously, possibly in unrelated code after the access. The accessors
 * of this class pay a non-inlined call (measured: ~9 ns per random read) to make the fault surface
 * in the accessor as {@link MappedFileTruncatedException} (see {@code FaultBarrier}); use them
 * where another process may shrink the file.
 *
 * <p>Without native access ({@value NativeAccess#ENABLE_FLAG}) mapping, reading, writing, {@link
 * #force} and growth work; {@link #advise}, {@link #residency}, {@link #startWriteBack} and {@link
 * #evict} answer "unsupported" ({@code false} or empty) and block reservation writes zeros instead
 * of calling {@code posix_fallocate}.
 */
public final class MappedFile implements AutoCloseable {
  private static final ValueLayout.OfInt INT =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong LONG =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final int FALLBACK_PAGE_SIZE = 4096;

  /** How long {@link #close()} waits for another thread's native call on the mapping to end. */
  private static final long CLOSE_WAIT_NANOS = 30_000_000_000L;

  private final Path path;
  private final MappingOptions options;
  private final FileChannel channel;
  private final Arena arena;
  private final Optional<NativeAccess> nativeAccess;

  /** A descriptor for native calls on the file, opened on first use; -1 until then. */
  private int fd = -1;

  private final int chunkShift;
  private final long chunkMask;
  private final Thread owner;

  /** Mapped chunks, all full-size except possibly the last. Replaced, never mutated. */
  private volatile MemorySegment[] chunks;

  /** The mapped size; published after {@link #chunks}. */
  private volatile long size;

  private volatile boolean closed;

  private MappedFile(Path path, MappingOptions options, FileChannel channel) {
    this.path = path;
    this.options = options;
    this.channel = channel;
    this.nativeAccess = NativeAccess.get();
    this.arena = options.confined() ? Arena.ofConfined() : Arena.ofShared();
    this.owner = options.confined() ? Thread.currentThread() : null;
    this.chunkShift = Long.numberOfTrailingZeros(options.chunkSize());
    this.chunkMask = options.chunkSize() - 1;
    this.chunks = new MemorySegment[0];
  }

  /**
   * Maps an existing file read-only, in 1 GiB chunks, usable from any thread.
   *
   * @see #open(Path, MappingOptions)
   */
  public static MappedFile open(Path path) throws IOException {
    return open(path, MappingOptions.readOnly());
  }

  /**
   * Maps an existing file whole, as {@code ceil(size / chunkSize)} mappings.
   *
   * @throws NoSuchFileException if the file does not exist
   * @throws AccessDeniedException if it cannot be opened in the requested mode
   * @throws FileSystemException if it is a directory or not a regular file
   * @throws MmapkitException if it is empty and {@code options} is read-only (there is nothing to
   *     map; open it read-write and {@link #ensureCapacity grow} it instead)
   * @throws MappingFailedException if the kernel refuses a mapping ({@code vm.max_map_count},
   *     {@code ulimit -v}); the message names the limit and its current value
   */
  public static MappedFile open(Path path, MappingOptions options) throws IOException {
    checkChunkSize(options);
    checkRegularFile(path);
    FileChannel channel = openChannel(path, options.writable(), false);
    MappedFile file = new MappedFile(path, options, channel);
    try {
      long size = channel.size();
      if (size == 0 && !options.writable()) {
        throw new MmapkitException(path, "file is empty (0 bytes): there is nothing to map");
      }
      file.mapUpTo(size);
      return file;
    } catch (IOException | RuntimeException e) {
      file.closeQuietly(e);
      throw e;
    }
  }

  /**
   * Creates a new file of {@code size} bytes with every block reserved on disk, and maps it.
   *
   * @param options must be {@link MappingOptions#readWrite() read-write}
   * @throws java.nio.file.FileAlreadyExistsException if the file exists
   * @throws DiskFullException if the blocks cannot be reserved; the new file is removed
   * @throws IllegalArgumentException if {@code size} is negative or the options are read-only
   */
  public static MappedFile create(Path path, long size, MappingOptions options) throws IOException {
    if (size < 0) throw new IllegalArgumentException("size must be >= 0, was " + size);
    if (!options.writable()) {
      throw new IllegalArgumentException("create needs read-write options, got " + options);
    }
    checkChunkSize(options);
    FileChannel channel = openChannel(path, true, true);
    MappedFile file = new MappedFile(path, options, channel);
    try {
      file.ensureCapacity(size);
      return file;
    } catch (IOException | RuntimeException e) {
      file.closeQuietly(e);
      Files.deleteIfExists(path);
      throw e;
    }
  }

  /** Chunks must start on page boundaries for advice and residency (64 KiB pages on some arm64). */
  private static void checkChunkSize(MappingOptions options) {
    long page = NativeAccess.get().map(NativeAccess::pageSize).orElse(FALLBACK_PAGE_SIZE);
    if (options.chunkSize() < page) {
      throw new IllegalArgumentException(
          "chunk size " + options.chunkSize() + " is smaller than the page size " + page);
    }
  }

  private static void checkRegularFile(Path path) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return; // opening it says so, or creates it
    }
    if (attributes.isDirectory()) {
      throw new FileSystemException(path.toString(), null, "is a directory, not a regular file");
    }
    if (!attributes.isRegularFile()) {
      throw new FileSystemException(
          path.toString(),
          null,
          "is not a regular file (a device, pipe or socket cannot be mapped)");
    }
  }

  private static FileChannel openChannel(Path path, boolean write, boolean createNew)
      throws IOException {
    try {
      return createNew
          ? FileChannel.open(
              path,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE)
          : write
              ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
              : FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(path.toString(), null, "no such file");
    } catch (AccessDeniedException e) {
      throw new AccessDeniedException(
          path.toString(),
          null,
          "permission denied opening it " + (write ? "read-write" : "read-only"));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Shape

  /** The mapped file's path. */
  public Path path() {
    return path;
  }

  /** The options it was mapped with. */
  public MappingOptions options() {
    return options;
  }

  /** The mapped size in bytes: the file's size when opened, or as grown by this object. */
  public long size() {
    return size;
  }

  /**
   * The file's size now, as its open descriptor reports it: another process may have shrunk or
   * grown it since it was mapped, while {@link #size} stays what is mapped. Follows the file, not
   * its path, so a file renamed, deleted or replaced at the path still answers.
   *
   * @throws IOException if the size cannot be read
   * @throws IllegalStateException if this file is closed
   */
  public long currentFileSize() throws IOException {
    checkOpen();
    return channel.size();
  }

  /** The number of chunks mapped. */
  public int chunkCount() {
    return chunks.length;
  }

  /** The size of a page of virtual memory, for aligning ranges passed to advice and durability. */
  public long pageSize() {
    return nativeAccess.map(NativeAccess::pageSize).orElse(FALLBACK_PAGE_SIZE);
  }

  /**
   * The mapping of chunk {@code index}: bytes {@code [index * chunkSize, min((index + 1) *
   * chunkSize, size()))} of the file. Zero-copy; valid until {@link #close()}, including after
   * {@link #ensureCapacity} maps more.
   *
   * @throws IndexOutOfBoundsException if there is no such chunk
   */
  public MemorySegment chunk(int index) {
    MemorySegment[] c = chunks;
    if (index < 0 || index >= c.length) {
      throw new IndexOutOfBoundsException(
          "chunk " + index + " does not exist; " + path + " has " + c.length + " chunks");
    }
    return c[index];
  }

  /**
   * A zero-copy view of {@code [offset, offset + length)}, which must lie inside one chunk.
   *
   * @throws IndexOutOfBoundsException if the range is outside the file
   * @throws IllegalArgumentException if the range crosses a chunk boundary (open the file with a
   *     larger {@link MappingOptions#withChunkSize chunk size}, or read across with {@link #get})
   */
  public MemorySegment slice(long offset, long length) {
    checkRange(offset, length);
    int index = (int) (offset >>> chunkShift);
    long position = offset & chunkMask;
    MemorySegment c = chunks[index];
    if (position + length > c.byteSize()) {
      throw new IllegalArgumentException(
          "range ["
              + offset
              + ", "
              + (offset + length)
              + ") crosses a chunk boundary of "
              + path
              + " (chunk size "
              + Bytes.format(options.chunkSize())
              + ")");
    }
    return c.asSlice(position, length);
  }

  // ---------------------------------------------------------------------------------------------
  // Typed access

  /** Reads the byte at {@code offset}. */
  public byte getByte(long offset) {
    checkRange(offset, 1);
    try {
      byte value =
          chunks[(int) (offset >>> chunkShift)].get(ValueLayout.JAVA_BYTE, offset & chunkMask);
      FaultBarrier.afterAccess(0);
      return value;
    } catch (InternalError | IllegalStateException | WrongThreadException e) {
      throw accessFailed(e, offset);
    }
  }

  /** Reads the little-endian int at {@code offset}. */
  public int getInt(long offset) {
    checkRange(offset, Integer.BYTES);
    try {
      MemorySegment c = chunks[(int) (offset >>> chunkShift)];
      long position = offset & chunkMask;
      int value =
          position <= c.byteSize() - Integer.BYTES
              ? c.get(INT, position)
              : (int) readStraddling(offset, Integer.BYTES);
      FaultBarrier.afterAccess(0);
      return value;
    } catch (InternalError | IllegalStateException | WrongThreadException e) {
      throw accessFailed(e, offset);
    }
  }

  /** Reads the little-endian long at {@code offset}. */
  public long getLong(long offset) {
    checkRange(offset, Long.BYTES);
    try {
      MemorySegment c = chunks[(int) (offset >>> chunkShift)];
      long position = offset & chunkMask;
      long value =
          position <= c.byteSize() - Long.BYTES
              ? c.get(LONG, position)
              : readStraddling(offset, Long.BYTES);
      FaultBarrier.afterAccess(0);
      return value;
    } catch (InternalError | IllegalStateException | WrongThreadException e) {
      throw accessFailed(e, offset);
    }
  }

  /** Writes a byte at {@code offset}. */
  public void putByte(long offset, byte value) {
    checkWritable();
    checkRange(offset, 1);
    try {
      chunks[(int) (offset >>> chunkShift)].set(ValueLayout.JAVA_BYTE, offset & chunkMask, value);
      FaultBarrier.afterAccess(0);
    } catch (InternalError | IllegalStateException | WrongThreadException e) {
      throw accessFailed(e, offset);
    }
  }

  /** Writes a little-endian int at {@code offset}. */
  public void putInt(long offset, int value) {
    checkWritable();
    checkRange(offset, Integer.BYTES);
    try {
      MemorySegment c = chunks[(int) (offset >>> chunkShift)];
      long position = offset & chunkMask;
      if (position <= c.byteSize() - Integer.BYTES) c.set(INT, position, value);
      else writeStraddling(offset, value, Integer.BYTES);
      FaultBarrier.afterAccess(0);
    } catch (InternalError | IllegalStateException | WrongThreadException e) {
      throw accessFailed(e, offset);
    }
  }

  /** Writes a little-endian long at {@code offset}. */
  public void putLong(long offset, long value) {
    checkWritable();
    checkRange(offset, Long.BYTES);
    try {
      MemorySegment c = chunks[(int) (offset >>> chunkShift)];
      long position = offset & chunkMask;
      if (position <= c.byteSize() - Long.BYTES) c.set(LONG, position, value);
      else writeStraddling(offset, value, Long.BYTES);
      FaultBarrier.afterAccess(0);
    } catch (InternalError | IllegalStateException | WrongThreadException e) {
      throw accessFailed(e, offset);
    }
  }

  /** Copies {@code dst.length} bytes starting at {@code offset} into {@code dst}. */
  public void get(long offset, byte[] dst) {
    get(offset, MemorySegment.ofArray(dst));
  }

  /**
   * Copies {@code dst.byteSize()} bytes starting at {@code offset} into {@code dst}, across chunk
   * boundaries if needed.
   */
  public void get(long offset, MemorySegment dst) {
    copy(offset, dst, false);
  }

  /** Copies all of {@code src} into the file starting at {@code offset}. */
  public void put(long offset, byte[] src) {
    put(offset, MemorySegment.ofArray(src));
  }

  /**
   * Copies all of {@code src} into the file starting at {@code offset}, across chunks if needed.
   */
  public void put(long offset, MemorySegment src) {
    checkWritable();
    copy(offset, src, true);
  }

  private void copy(long offset, MemorySegment memory, boolean toFile) {
    long length = memory.byteSize();
    checkRange(offset, length);
    long done = 0;
    try {
      while (done < length) {
        long at = offset + done;
        MemorySegment c = chunks[(int) (at >>> chunkShift)];
        long position = at & chunkMask;
        long n = Math.min(length - done, c.byteSize() - position);
        if (toFile) MemorySegment.copy(memory, done, c, position, n);
        else MemorySegment.copy(c, position, memory, done, n);
        FaultBarrier.afterAccess(0);
        done += n;
      }
    } catch (InternalError | IllegalStateException | WrongThreadException e) {
      throw accessFailed(e, offset + done);
    }
  }

  private long readStraddling(long offset, int bytes) {
    long value = 0;
    for (int i = 0; i < bytes; i++) {
      long at = offset + i;
      long b = chunks[(int) (at >>> chunkShift)].get(ValueLayout.JAVA_BYTE, at & chunkMask) & 0xFFL;
      value |= b << (8 * i);
    }
    return value;
  }

  private void writeStraddling(long offset, long value, int bytes) {
    for (int i = 0; i < bytes; i++) {
      long at = offset + i;
      chunks[(int) (at >>> chunkShift)].set(
          ValueLayout.JAVA_BYTE, at & chunkMask, (byte) (value >>> (8 * i)));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Advice, residency, durability

  /**
   * Tells the kernel how {@code [offset, offset + length)} will be accessed. The start is rounded
   * down to a page boundary.
   *
   * @return {@code true} if the advice was given, {@code false} if native calls are unavailable
   *     (not Linux, or native access not enabled)
   * @throws IndexOutOfBoundsException if the range is outside the file
   */
  public boolean advise(long offset, long length, Advice advice) throws IOException {
    checkRange(offset, length);
    if (nativeAccess.isEmpty()) return false;
    if (advice == Advice.DONT_NEED) return evict(offset, length);
    forEachPageRange(offset, length, range -> nativeAccess.get().madvise(range, advice.madvise));
    return true;
  }

  /**
   * Writes the dirty pages of {@code [offset, offset + length)} to the device and waits until the
   * device has them ({@code msync(MS_SYNC)}, which on Linux also writes the file size and block
   * allocation needed to read them back). When it returns, the range survives a crash of the
   * process or the machine. The start is rounded down to a page boundary.
   *
   * <p>Plain writes give no such promise: dirty pages reach the disk when the kernel decides
   * (typically within 30 s, {@code vm.dirty_expire_centisecs}), and a machine crash before then
   * loses them; a crash of only this process loses nothing, since the pages live in the kernel.
   *
   * <p>Cost: one {@code msync} per chunk the range touches, plus the device's write latency.
   *
   * @throws IllegalStateException if the file is read-only
   */
  public void force(long offset, long length) throws IOException {
    checkWritable();
    checkRange(offset, length);
    forEachPageRange(offset, length, MemorySegment::force);
  }

  /** {@link #force(long, long) Forces} the whole file. */
  public void force() throws IOException {
    force(0, size);
  }

  /**
   * Starts write-back of the dirty pages in {@code [offset, offset + length)} and returns without
   * waiting ({@code sync_file_range(SYNC_FILE_RANGE_WRITE)}). It promises nothing about durability:
   * it smooths out write-back so that a later {@link #force} or the kernel's own flush has less to
   * do. Use it after a batch of writes, ahead of a {@code force}.
   *
   * @return {@code true} if write-back was started, {@code false} if native calls are unavailable
   * @throws IllegalStateException if the file is read-only
   */
  public boolean startWriteBack(long offset, long length) throws IOException {
    checkWritable();
    checkRange(offset, length);
    if (nativeAccess.isEmpty()) return false;
    try {
      nativeAccess.get().startWriteBack(descriptor(), offset, length);
      return true;
    } catch (NativeCallException e) {
      throw new MmapkitException(path, "starting write-back failed: " + e.getMessage(), e);
    }
  }

  /**
   * How much of {@code [offset, offset + length)} is in the page cache ({@code mincore}). Costs one
   * system call per chunk and one byte of scratch memory per page; do not call it on a hot path.
   *
   * @return the residency, or empty if native calls are unavailable
   */
  public Optional<Residency> residency(long offset, long length) {
    checkRange(offset, length);
    if (nativeAccess.isEmpty()) return Optional.empty();
    NativeAccess access = nativeAccess.get();
    long pageSize = access.pageSize();
    Residency total = new Residency(pageSize, 0, 0);
    try (Arena scratch = Arena.ofConfined()) {
      for (MemorySegment range : pageRanges(offset, length)) {
        long pages = (range.byteSize() + pageSize - 1) / pageSize;
        MemorySegment vector = scratch.allocate(pages);
        access.mincore(range, vector);
        long resident = 0;
        for (long i = 0; i < pages; i++) resident += vector.get(ValueLayout.JAVA_BYTE, i) & 1;
        total = total.plus(new Residency(pageSize, pages, resident));
      }
    } catch (IllegalStateException | WrongThreadException e) {
      throw accessFailed(e, offset);
    }
    return Optional.of(total);
  }

  /** The {@link #residency(long, long) residency} of the whole file. */
  public Optional<Residency> residency() {
    return residency(0, size);
  }

  /**
   * Reads {@code [offset, offset + length)} into the page cache and maps it into this process, so
   * later reads do not fault: {@code MADV_POPULATE_READ} (Linux 5.14+), else one read per page.
   *
   * @throws MappedFileTruncatedException if the file has been truncated below the range
   */
  public void warm(long offset, long length) {
    checkRange(offset, length);
    populate(offset, length, NativeAccess.MADV_POPULATE_READ);
  }

  /**
   * Faults {@code [offset, offset + length)} in for writing ({@code MADV_POPULATE_WRITE}, else a
   * read and write of one byte per page), so the first write to each page does not stall on a page
   * fault. The pages become dirty.
   *
   * @throws IllegalStateException if the file is read-only
   */
  public void prefaultForWrite(long offset, long length) {
    checkWritable();
    checkRange(offset, length);
    populate(offset, length, NativeAccess.MADV_POPULATE_WRITE);
  }

  private void populate(long offset, long length, int populateAdvice) {
    boolean write = populateAdvice == NativeAccess.MADV_POPULATE_WRITE;
    for (MemorySegment range : pageRanges(offset, length)) {
      if (nativeAccess.isPresent()) {
        try {
          nativeAccess.get().madvise(range, populateAdvice);
          continue;
        } catch (NativeCallException e) {
          if (e.errno() == NativeCallException.EFAULT) {
            throw truncatedOrFault(null, offset);
          }
          // EINVAL: kernel older than 5.14; touch the pages instead.
        } catch (IllegalStateException | WrongThreadException e) {
          throw accessFailed(e, offset);
        }
      }
      touch(range, write, offset);
    }
  }

  private void touch(MemorySegment range, boolean write, long offsetForErrors) {
    long step = pageSize();
    try {
      for (long p = 0; p < range.byteSize(); p += step) {
        byte b = range.get(ValueLayout.JAVA_BYTE, p);
        if (write) range.set(ValueLayout.JAVA_BYTE, p, b);
        FaultBarrier.afterAccess(0);
      }
    } catch (InternalError | IllegalStateException | WrongThreadException e) {
      throw accessFailed(e, offsetForErrors);
    }
  }

  /**
   * Removes {@code [offset, offset + length)} from this process's page tables and from the page
   * cache: {@code madvise(MADV_DONTNEED)}, then dirty pages are written back and waited for (by
   * whichever process dirtied them, so nothing is lost), then {@code
   * posix_fadvise(POSIX_FADV_DONTNEED)}. Pages that another process has mapped stay resident.
   *
   * <p>Cost: the write-back of any dirty pages in the range, then a walk of the range.
   *
   * @return {@code true} if the pages were evicted, {@code false} if native calls are unavailable
   */
  public boolean evict(long offset, long length) throws IOException {
    checkRange(offset, length);
    if (nativeAccess.isEmpty()) return false;
    NativeAccess access = nativeAccess.get();
    forEachPageRange(offset, length, range -> access.madvise(range, NativeAccess.MADV_DONTNEED));
    try {
      access.writeBackAndWait(descriptor(), offset, length);
      access.fadvise(descriptor(), offset, length, NativeAccess.POSIX_FADV_DONTNEED);
    } catch (NativeCallException e) {
      throw new MmapkitException(path, "evicting from the page cache failed: " + e.getMessage(), e);
    }
    return true;
  }

  /**
   * Returns an object that keeps a forward scan from filling the page cache: it keeps {@code
   * window} bytes ahead of the position you report requested and drops what lies more than {@code
   * window} behind it, so that about three windows of the file stay resident. Sets {@link
   * Advice#SEQUENTIAL} on the file.
   *
   * @param window the read-ahead and drop-behind distance in bytes (a few MiB to a few hundred)
   * @see SequentialScan
   */
  public SequentialScan sequentialScan(long window) throws IOException {
    return new SequentialScan(this, window);
  }

  // ---------------------------------------------------------------------------------------------
  // Growth

  /**
   * Grows the file to at least {@code newSize} bytes: first reserves the disk blocks ({@code
   * posix_fallocate}), then maps only what is new. Segments obtained before stay valid. Does
   * nothing if the file is already that large.
   *
   * <p>Growing the last, partial chunk maps it again at its new size (the old mapping stays until
   * {@link #close()}); grow in steps of the chunk size to map each chunk once.
   *
   * @throws DiskFullException if the file system has no room; the file keeps its old size and
   *     mappings
   * @throws IllegalStateException if the file is read-only
   */
  public synchronized void ensureCapacity(long newSize) throws IOException {
    checkWritable();
    checkOpen();
    if (newSize <= size) return;
    // Another process (or MappedFile) may have grown the file already: never overwrite its data.
    long from = Math.max(size, channel.size());
    if (newSize > from) reserve(from, newSize - from);
    mapUpTo(newSize);
  }

  private void reserve(long offset, long length) throws IOException {
    if (nativeAccess.isPresent()) {
      try {
        nativeAccess.get().fallocate(descriptor(), offset, length);
        return;
      } catch (NativeCallException e) {
        if (e.errno() == NativeCallException.ENOSPC || e.errno() == NativeCallException.EDQUOT) {
          throw new DiskFullException(path, length, usableSpace(), e);
        }
        if (e.errno() != NativeCallException.EOPNOTSUPP
            && e.errno() != NativeCallException.EINVAL) {
          throw new MmapkitException(
              path, "reserving " + Bytes.format(length) + " failed: " + e.getMessage(), e);
        }
      }
    }
    writeZeros(offset, length);
  }

  private void writeZeros(long offset, long length) throws IOException {
    ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
    long done = 0;
    try {
      while (done < length) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), length - done));
        done += channel.write(zeros, offset + done);
      }
    } catch (IOException e) {
      if (String.valueOf(e.getMessage()).contains("No space left")) {
        channel.truncate(offset);
        throw new DiskFullException(path, length, usableSpace(), e);
      }
      throw e;
    }
  }

  private long usableSpace() {
    try {
      return Files.getFileStore(path).getUsableSpace();
    } catch (IOException e) {
      return -1;
    }
  }

  private void mapUpTo(long newSize) throws IOException {
    MemorySegment[] old = chunks;
    int count = (int) ((newSize + chunkMask) >>> chunkShift);
    MemorySegment[] grown = Arrays.copyOf(old, count);
    int first = old.length;
    if (first > 0 && old[first - 1].byteSize() < options.chunkSize()) first--; // partial tail
    MapLimits.checkRoomFor(path, count - first, options.chunkSize());
    for (int i = first; i < count; i++) {
      long start = (long) i << chunkShift;
      grown[i] = map(start, Math.min(options.chunkSize(), newSize - start));
    }
    chunks = grown;
    size = newSize;
  }

  private MemorySegment map(long offset, long length) throws IOException {
    try {
      return channel.map(
          options.writable() ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY,
          offset,
          length,
          arena);
    } catch (IOException e) {
      // The JDK refuses a read-only map past the end of the file ("cannot extend file"): another
      // process shrank it since its size was read, and may have grown it again by now. Say so,
      // not what a refused mapping would mean.
      long now = currentSizeOrMinusOne();
      boolean pastTheEnd =
          !options.writable() && String.valueOf(e.getMessage()).contains("cannot extend file");
      if (pastTheEnd || (now >= 0 && now < offset + length)) {
        throw new FileFormatException(
            path,
            "truncated: the file shrank while being mapped ("
                + (now < 0 ? "it is gone now" : "it is now " + now + " bytes")
                + "; mapping "
                + Bytes.format(length)
                + " at offset "
                + offset
                + "); another process truncated it",
            e);
      }
      throw MapLimits.explain(path, offset, length, e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  /**
   * Unmaps the file and closes it. Segments obtained from it become inaccessible (using them throws
   * {@link IllegalStateException}). Does not {@link #force} anything. Idempotent. If another thread
   * is inside a native call on the mapping ({@link #warm}, advice), waits for it to return (up to
   * 30 s, then {@link MmapkitException}).
   *
   * @throws WrongThreadException if the options are {@link MappingOptions#confinedToOpeningThread()
   *     confined} and this is not the opening thread
   */
  @Override
  public void close() throws IOException {
    if (closed) return;
    if (owner != null && owner != Thread.currentThread()) {
      throw new WrongThreadException(wrongThreadMessage());
    }
    closed = true;
    try {
      closeArena();
    } finally {
      try {
        channel.close();
      } finally {
        closeDescriptor();
      }
    }
  }

  /**
   * Closes the arena, waiting (up to {@link #CLOSE_WAIT_NANOS}) for native calls that another
   * thread is making on our segments ({@link #warm}, {@link #prefaultForWrite}, advice): the JDK
   * refuses to close a shared arena while a downcall holds it, with an {@code
   * IllegalStateException} ("Session is acquired"). {@link #closed} is already set, so no new call
   * of ours starts; such a call lasts as long as its page faults.
   */
  private void closeArena() throws IOException {
    long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
    while (true) {
      try {
        arena.close();
        return;
      } catch (IllegalStateException busy) {
        if (System.nanoTime() > deadline) {
          throw new MmapkitException(
              path, "cannot unmap: another thread is still in a native call on the mapping", busy);
        }
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new MmapkitException(path, "interrupted while waiting to unmap", e);
        }
      }
    }
  }

  /** The descriptor for native calls, opened on first use (a plain read never needs one). */
  private synchronized int descriptor() throws IOException {
    checkOpen();
    if (fd < 0) {
      try {
        fd = nativeAccess.orElseThrow().open(path, options.writable());
      } catch (NativeCallException e) {
        throw new MmapkitException(path, "cannot open for native calls: " + e.getMessage(), e);
      }
    }
    return fd;
  }

  private synchronized void closeDescriptor() {
    if (fd >= 0) nativeAccess.orElseThrow().close(fd);
    fd = -1;
  }

  private void closeQuietly(Throwable primary) {
    try {
      close();
    } catch (IOException | RuntimeException e) {
      primary.addSuppressed(e);
    }
  }

  @Override
  public String toString() {
    return "MappedFile["
        + path
        + ", "
        + Bytes.format(size)
        + (options.writable() ? ", rw" : ", ro")
        + "]";
  }

  // ---------------------------------------------------------------------------------------------
  // Checks and failure translation

  private void checkRange(long offset, long length) {
    long s = size;
    if (offset < 0 || length < 0 || offset > s - length) {
      throw new IndexOutOfBoundsException(
          "range [" + offset + ", " + (offset + length) + ") is outside " + path + " of size " + s);
    }
  }

  private void checkWritable() {
    if (!options.writable()) throw new IllegalStateException(path + " is mapped read-only");
  }

  private void checkOpen() {
    if (closed) throw new IllegalStateException(path + " is closed");
  }

  private RuntimeException accessFailed(Throwable e, long offset) {
    if (e instanceof WrongThreadException w)
      return new WrongThreadException(wrongThreadMessage(), w);
    if (e instanceof IllegalStateException s && closed) {
      return new IllegalStateException(path + " is closed", s);
    }
    if (e instanceof InternalError fault) return truncatedOrFault(fault, offset);
    return e instanceof RuntimeException r ? r : new IllegalStateException(e);
  }

  /** The file's size now, as the file system reports it, or -1 if it cannot be read. */
  private long currentSizeOrMinusOne() {
    try {
      return Files.size(path);
    } catch (IOException e) {
      return -1;
    }
  }

  private RuntimeException truncatedOrFault(Throwable fault, long offset) {
    long current = currentSizeOrMinusOne();
    if (current < size) return new MappedFileTruncatedException(path, offset, current, fault);
    return new UncheckedIOException(
        new IOException(
            path
                + ": the kernel could not provide the page at offset "
                + offset
                + " (device I/O error?)",
            fault));
  }

  private String wrongThreadMessage() {
    return path
        + " is mapped confined to thread '"
        + (owner == null ? "?" : owner.getName())
        + "' and was used from '"
        + Thread.currentThread().getName()
        + "'; map it without MappingOptions.confinedToOpeningThread() to share it";
  }

  // ---------------------------------------------------------------------------------------------
  // Page-aligned ranges per chunk

  /** An action on one page-aligned range inside one chunk. */
  @FunctionalInterface
  private interface RangeAction {
    void accept(MemorySegment range) throws IOException;
  }

  private void forEachPageRange(long offset, long length, RangeAction action) throws IOException {
    for (MemorySegment range : pageRanges(offset, length)) {
      try {
        action.accept(range);
      } catch (NativeCallException e) {
        throw new MmapkitException(path, e.getMessage(), e);
      } catch (IllegalStateException | WrongThreadException e) {
        throw accessFailed(e, offset);
      }
    }
  }

  /** Splits a range into per-chunk slices whose starts are rounded down to a page. */
  private MemorySegment[] pageRanges(long offset, long length) {
    if (length == 0) return new MemorySegment[0];
    long page = pageSize();
    long start = offset - offset % page;
    long end = offset + length;
    int firstChunk = (int) (start >>> chunkShift);
    int lastChunk = (int) ((end - 1) >>> chunkShift);
    MemorySegment[] c = chunks;
    MemorySegment[] ranges = new MemorySegment[lastChunk - firstChunk + 1];
    for (int i = firstChunk; i <= lastChunk; i++) {
      long chunkStart = (long) i << chunkShift;
      long from = Math.max(start, chunkStart) - chunkStart;
      long to = Math.min(end - chunkStart, c[i].byteSize());
      ranges[i - firstChunk] = c[i].asSlice(from, to - from);
    }
    return ranges;
  }
}
