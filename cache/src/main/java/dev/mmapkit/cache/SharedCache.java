package dev.mmapkit.cache;

import static dev.mmapkit.cache.SharedCacheDescriptor.*;

import dev.mmapkit.DiskFullException;
import dev.mmapkit.FileFormatException;
import dev.mmapkit.MappedFile;
import dev.mmapkit.MappingOptions;
import dev.mmapkit.internal.ByteLocks;
import dev.mmapkit.internal.FileHeader;
import dev.mmapkit.internal.MappedAtomics;
import dev.mmapkit.internal.MappedFaults;
import dev.mmapkit.internal.Processes;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.function.Function;

/**
 * A fixed-budget key → bytes table in one memory-mapped file that many JVM processes share: the
 * opcache idea for any value that is expensive to build.
 *
 * <p>The file is divided into independently locked segments (see {@link SharedCacheDescriptor}).
 * Reads never lock: they copy the value under a seqlock and retry if a writer changed the segment
 * meanwhile, so a hit costs a hash, two or three cache misses into the mapping and a copy, and
 * allocates nothing with {@link #get(byte[], MemorySegment)}. Writes lock one segment. When a
 * segment is full (memory or entries) its least recently used entries are evicted one at a time
 * (CLOCK), and space left by replaced or removed entries is reclaimed by compaction: the cache is
 * never wiped to make room.
 *
 * <p>Every lock word names its owner (an attached-process slot and the slot's epoch). While
 * attached, a process holds a kernel lock on its slot (an open-file-description lock, which the
 * kernel drops when the process dies, whatever its user, PID namespace or {@code /proc} view). A
 * process killed while holding a segment costs the others about a millisecond: the next one that
 * needs the segment finds the owner's slot lock gone, takes the segment lock over, rebuilds the
 * segment from the entries whose checksums match and counts a lock recovery in {@link #stats()}. A
 * write that throws half-way (a bug, an {@code OutOfMemoryError}) is recovered the same way, at
 * once. A lock is never taken from a process that may be running: a waiter times out with {@link
 * CacheLockTimeoutException} instead.
 *
 * <p><b>NOTE</b>: without native access ({@code --enable-native-access=dev.mmapkit.core}) a process
 * cannot hold or check slot locks; it is judged, and judges others, by pid and start time through
 * {@code /proc}, where only positive evidence counts as dead: an owner in another PID namespace or
 * hidden by {@code hidepid} is never recovered from (its locks time out, its slot stays taken).
 *
 * <p>Instances are thread-safe. {@link #close()} detaches this process; the file stays (in {@code
 * /dev/shm} until reboot) for the others and for the next start.
 *
 * <p><b>NOTE</b>: the file must not be truncated or replaced while mapped; the cache reads its own
 * mapping directly, and a truncation surfaces as the JDK's {@code InternalError}.
 */
public final class SharedCache implements AutoCloseable {
  private static final VarHandle LONG = AttachedProcesses.LONG;

  /** Where {@link #open(String, CacheConfig)} puts cache files. */
  public static final Path DEFAULT_DIRECTORY = Path.of("/dev/shm");

  private final Path path;
  private final MappedFile mapped;
  private final MemorySegment file;
  private final CacheLayout layout;
  private final FileHeader header;
  private final AttachedProcesses processes;
  private final LoadSlots loads;
  private final Segment[] segments;
  private final int segmentMask;
  private final long loadWaitNanos;
  private final long revalidateMillis;

  private SharedCache(
      Path path, Path real, MappedFile mapped, CacheLayout layout, FileHeader header)
      throws IOException {
    this.path = path;
    this.mapped = mapped;
    this.file = mapped.chunk(0);
    this.layout = layout;
    this.header = header;
    this.processes = AttachedProcesses.attach(file, real);
    this.loads = new LoadSlots(file, processes, layout.config().loadWaitTimeout().toMillis());
    this.segments = new Segment[layout.segments()];
    for (int i = 0; i < segments.length; i++) {
      segments[i] = new Segment(file, path, layout, i, processes);
    }
    this.segmentMask = segments.length - 1;
    this.loadWaitNanos = layout.config().loadWaitTimeout().toNanos();
    this.revalidateMillis = layout.config().revalidateInterval().toMillis();
  }

  /**
   * Opens the cache file {@code name} in {@link #DEFAULT_DIRECTORY}, creating it if needed.
   *
   * @see #open(Path, CacheConfig)
   */
  public static SharedCache open(String name, CacheConfig config) throws IOException {
    return open(DEFAULT_DIRECTORY.resolve(name), config);
  }

  /**
   * Attaches to the cache file at {@code path}, creating it (mode {@link CacheConfig#fileMode()},
   * all of {@link CacheConfig#memoryBudget()} reserved) if it does not exist. If it exists, its own
   * config wins and {@code config} is ignored except for its {@link CacheConfig#fileMode() file
   * mode}, which the existing file must not exceed: {@link #config()} says what is in effect.
   * Concurrent openers agree on one file: it is built under a temporary name and linked into place.
   * The header is read and checked against the file's size before the file is mapped.
   *
   * <p>Costs: creating reserves and zeroes the budget (in {@code /dev/shm}: about 0.1 s per GiB);
   * attaching maps the file and claims a process slot.
   *
   * @throws IllegalArgumentException if the file is created and the budget is too small for the
   *     configured entries and value size
   * @throws DiskFullException if the file system cannot hold the budget; nothing is left behind
   * @throws dev.mmapkit.FileFormatException if the file is not a cache file of this version, is
   *     truncated or has a damaged header
   * @throws AccessDeniedException if this user may not read and write the file, or may not create
   *     it in its directory
   * @throws NoSuchFileException if the directory does not exist
   * @throws dev.mmapkit.MmapkitException if {@value SharedCacheDescriptor#PROCESS_SLOTS} running
   *     processes are attached already, or if the existing file is writable beyond {@code
   *     config.fileMode()} or belongs to another user while that mode shares it with nobody
   */
  public static SharedCache open(Path path, CacheConfig config) throws IOException {
    if (!Files.exists(path)) create(path, config);
    Path real = regularFile(path);
    // Header and layout are checked against the file's size before anything is mapped, so a
    // truncated file is a FileFormatException naming both sizes, never a fault in the mapping.
    FileHeader read = readHeader(real, path);
    CacheFileOwnership.check(real, config.fileMode());
    long size = Files.size(real);
    CacheLayout expected = CacheLayout.from(read, size, path);
    long budget = expected.config().memoryBudget();
    MappedFile mapped =
        MappedFile.open(real, MappingOptions.readWrite().withChunkSize(chunkSizeFor(size)));
    return MappedFaults.whileOpening(
        path,
        WHAT,
        mapped,
        () -> {
          // The file may have been replaced or truncated between the check and the mapping.
          if (mapped.size() < size) throw changedWhileOpening(path);
          MemorySegment file = mapped.chunk(0);
          FileHeader header = FileHeader.readFrom(file, path, KIND, VERSION);
          CacheLayout layout = CacheLayout.from(header, file.byteSize(), path);
          if (!layout.equals(expected) || file.byteSize() < budget) {
            throw changedWhileOpening(path);
          }
          return new SharedCache(path, real, mapped, layout, header);
        });
  }

  /** What this class calls the files it opens, in its errors. */
  private static final String WHAT = "cache file";

  private static FileFormatException changedWhileOpening(Path path) {
    return new FileFormatException(
        path, "changed while it was being opened (replaced or truncated); open it again");
  }

  /**
   * The file {@code path} names, symlinks resolved (so that the file whose mode and owner are
   * checked is the one read and mapped), after checking that it is a regular file: opening a FIFO
   * to read its header would block forever.
   */
  private static Path regularFile(Path path) throws IOException {
    Path real;
    try {
      real = path.toRealPath();
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(path.toString(), null, "does not exist");
    }
    BasicFileAttributes attributes =
        Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (attributes.isDirectory()) {
      throw new FileSystemException(path.toString(), null, "is a directory, not a cache file");
    }
    if (!attributes.isRegularFile()) {
      throw new FileSystemException(
          path.toString(),
          null,
          "is not a regular file (a pipe, socket or device), not a cache file");
    }
    return real;
  }

  /** Reads and validates the header of {@code real} with a plain read, before mapping the file. */
  private static FileHeader readHeader(Path real, Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(real, StandardOpenOption.READ);
        Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(FileHeader.SIZE, 8);
      ByteBuffer bytes = buffer.asByteBuffer();
      while (bytes.hasRemaining() && channel.read(bytes) >= 0) {}
      return FileHeader.readFrom(buffer.asSlice(0, bytes.position()), path, KIND, VERSION);
    } catch (AccessDeniedException e) {
      throw new AccessDeniedException(
          path.toString(), null, "permission denied opening it read-only");
    }
  }

  private static void create(Path path, CacheConfig config) throws IOException {
    CacheLayout layout = CacheLayout.of(config);
    long size = config.memoryBudget();
    Path temporary =
        path.resolveSibling(
            path.getFileName() + ".creating-" + Processes.currentPid() + "-" + System.nanoTime());
    try {
      // Created with the configured mode (narrowed by the umask, never wider), then set exactly,
      // before it has any contents; it gets its name only when complete.
      try {
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(config.fileMode()));
      } catch (NoSuchFileException e) {
        throw new NoSuchFileException(
            path.toString(),
            null,
            "directory " + path.toAbsolutePath().getParent() + " does not exist");
      } catch (AccessDeniedException e) {
        throw new AccessDeniedException(
            path.toString(),
            null,
            "permission denied creating files in " + path.toAbsolutePath().getParent());
      }
      Files.setPosixFilePermissions(temporary, config.fileMode());
      try (MappedFile created =
          MappedFile.open(
              temporary, MappingOptions.readWrite().withChunkSize(chunkSizeFor(size)))) {
        created.ensureCapacity(size);
        // A new file is all zeros, which is a valid empty cache of generation 0: only the header
        // is left to write, and it goes in before the file becomes visible under its name.
        layout.header().writeTo(created.chunk(0));
      } catch (DiskFullException e) {
        throw new DiskFullException(path, e.requestedBytes(), e.usableBytes(), e);
      }
      try {
        Files.createLink(path, temporary);
      } catch (FileAlreadyExistsException e) {
        // Another process created it first: use theirs.
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static long chunkSizeFor(long size) {
    return Math.max(MappingOptions.MIN_CHUNK_SIZE, Long.highestOneBit(Math.max(1, size - 1)) << 1);
  }

  /**
   * Reads the statistics of the cache file at {@code path} through a read-only mapping, without
   * attaching: what {@code mmapkit cache stat} uses.
   *
   * @throws dev.mmapkit.FileFormatException if it is not a cache file of this version
   */
  public static CacheStats readStats(Path path) throws IOException {
    Path real = regularFile(path);
    long size = Files.size(real);
    CacheLayout.from(readHeader(real, path), size, path); // truncated: an exception, not a fault
    try (MappedFile mapped =
        MappedFile.open(real, MappingOptions.readOnly().withChunkSize(chunkSizeFor(size)))) {
      return MappedFaults.whileOpening(
          path,
          WHAT,
          mapped,
          () -> {
            if (mapped.size() < size) throw changedWhileOpening(path);
            MemorySegment file = mapped.chunk(0);
            FileHeader header = FileHeader.readFrom(file, path, KIND, VERSION);
            ByteLocks locks = ByteLocks.open(real, false, file).orElse(null);
            try {
              return statsOf(
                  file,
                  CacheLayout.from(header, file.byteSize(), path),
                  header,
                  AttachedProcesses.attached(file, locks, -1));
            } finally {
              if (locks != null) locks.close();
            }
          });
    }
  }

  /** The cache file. */
  public Path path() {
    return path;
  }

  /** The config in effect: the one stored in the file, whoever created it. */
  public CacheConfig config() {
    return layout.config();
  }

  private long generation() {
    return (long) LONG.getAcquire(file, GLOBAL_OFFSET + GENERATION);
  }

  private Segment segmentFor(long hash) {
    return segments[(int) hash & segmentMask];
  }

  /**
   * Copies the value of {@code key} into {@code dst} if it fits. Allocates nothing; never blocks
   * unless a writer holds the key's segment, then it waits (and recovers a dead writer).
   *
   * @return the value's length, or -1 if the key is absent. A length greater than {@code
   *     dst.byteSize()} means the value did not fit and nothing was copied: retry with a larger
   *     buffer.
   * @throws CacheLockTimeoutException if a live writer held the segment beyond the lock timeout
   */
  public int get(byte[] key, MemorySegment dst) {
    long hash = KeyHash.of(key);
    int length = segmentFor(hash).get(key, hash, dst, generation());
    processes.count(length >= 0 ? SLOT_HITS : SLOT_MISSES, 1);
    return length;
  }

  /**
   * The value of {@code key} in a new array, or null if absent.
   *
   * @throws CacheLockTimeoutException if a live writer held the segment beyond the lock timeout
   */
  public byte[] get(byte[] key) {
    long hash = KeyHash.of(key);
    byte[] value = segmentFor(hash).get(key, hash, generation());
    processes.count(value != null ? SLOT_HITS : SLOT_MISSES, 1);
    return value;
  }

  /**
   * Stores {@code key → value}, replacing any previous value. Makes room by evicting the key's
   * segment's least recently used entries if needed. Costs a checksum of key and value, the segment
   * lock, and a copy; a compaction of the segment (moving its live entries) when removed and
   * replaced entries have fragmented it.
   *
   * @throws IllegalArgumentException if the key or the value is longer than the configured maximum
   * @throws CacheLockTimeoutException if a live process held the segment beyond the lock timeout
   */
  public void put(byte[] key, byte[] value) {
    checkSizes(key, value);
    long hash = KeyHash.of(key);
    segmentFor(hash).put(key, value, hash, Segment.checksum(key, value, null), null);
  }

  private void checkSizes(byte[] key, byte[] value) {
    checkKey(key);
    if (value.length > layout.config().maxValueSize()) {
      throw new IllegalArgumentException(
          "value of "
              + value.length
              + " bytes is larger than maxValueSize "
              + layout.config().maxValueSize()
              + " of "
              + path);
    }
  }

  /**
   * Stores {@code key → value} built from a source file with the file's {@code stamp}, taken before
   * the file was read; {@link #getValidated} returns it only while the file keeps that stamp. Costs
   * as {@link #put}.
   *
   * @throws IllegalArgumentException if the key or the value is longer than the configured maximum
   * @throws CacheLockTimeoutException if a live process held the segment beyond the lock timeout
   */
  public void putValidated(byte[] key, byte[] value, SourceStamp stamp) {
    checkSizes(key, value);
    long hash = KeyHash.of(key);
    segmentFor(hash).put(key, value, hash, Segment.checksum(key, value, stamp), stamp);
  }

  /**
   * The value of {@code key} stored with {@link #putValidated} if its source file is unchanged,
   * else null (and the stale entry is removed, unless another process has replaced it meanwhile).
   * The file is looked at (real path, modification time, size) at most once per {@link
   * CacheConfig#revalidateInterval()} per entry, across all processes; in between this costs what
   * {@link #get(byte[])} does. An entry stored without a stamp, or a source file that no longer
   * exists, is a miss.
   *
   * @throws IOException if the source file exists but cannot be examined
   * @throws CacheLockTimeoutException if a live process held the segment beyond the lock timeout
   */
  public byte[] getValidated(byte[] key, Path source) throws IOException {
    long hash = KeyHash.of(key);
    long[] stored = new long[6];
    byte[] value = segmentFor(hash).getWithSource(key, hash, generation(), stored);
    long now = System.currentTimeMillis();
    if (value != null && stored[4] == 1) {
      if (now >= stored[3] && now - stored[3] < revalidateMillis) {
        processes.count(SLOT_HITS, 1);
        return value;
      }
      SourceStamp was = new SourceStamp(stored[0], stored[1], stored[2]);
      SourceStamp current;
      try {
        current = SourceStamp.of(source);
      } catch (NoSuchFileException e) {
        current = null;
      }
      if (was.equals(current)) {
        segmentFor(hash).markChecked(key, hash, was, now);
        processes.count(SLOT_HITS, 1);
        return value;
      }
      // Only the entry judged stale goes: another process may have stored a fresh one meanwhile.
      segmentFor(hash).removeIfUnchanged(key, hash, was, (int) stored[5]);
    }
    processes.count(SLOT_MISSES, 1);
    return null;
  }

  /**
   * Removes {@code key}; its space is reclaimed by a later compaction.
   *
   * @return whether it was present
   * @throws CacheLockTimeoutException if a live process held the segment beyond the lock timeout
   */
  public boolean remove(byte[] key) {
    checkKey(key);
    long hash = KeyHash.of(key);
    return segmentFor(hash).remove(key, hash);
  }

  /**
   * Invalidates every entry in O(1), for all processes: the cache generation is incremented, which
   * makes every segment empty to readers at once; each segment's memory is reclaimed by the next
   * write to it.
   */
  public void invalidateAll() {
    MappedAtomics.getAndAddLong(file, GLOBAL_OFFSET + GENERATION, 1L);
    MappedAtomics.getAndAddLong(file, GLOBAL_OFFSET + INVALIDATIONS, 1L);
  }

  /**
   * Removes every entry and reclaims all memory now: {@link #invalidateAll()}, then each segment is
   * emptied under its lock. Costs one pass over the index of every segment.
   *
   * @throws CacheLockTimeoutException if a live process held a segment beyond the lock timeout
   */
  public void clear() {
    MappedAtomics.getAndAddLong(file, GLOBAL_OFFSET + GENERATION, 1L);
    MappedAtomics.getAndAddLong(file, GLOBAL_OFFSET + RESETS, 1L);
    for (Segment segment : segments) segment.clear();
  }

  /**
   * The value of {@code key}; if absent, computes it with {@code loader}, stores and returns it.
   * Across all processes sharing the cache, one at a time runs the loader for a key: the others
   * sleep until it is done and take its value, or, after {@link CacheConfig#loadWaitTimeout()} or
   * if the loader dies, compute it themselves. A loader that throws stores nothing; the exception
   * propagates and waiting processes try in turn. A null from the loader is returned and not
   * stored.
   *
   * @throws IllegalArgumentException if the key or the computed value is too long
   * @throws CacheLockTimeoutException if a live process held the segment beyond the lock timeout
   */
  public byte[] computeIfAbsent(byte[] key, Function<byte[], byte[]> loader) {
    byte[] value = get(key);
    if (value != null) return value;
    checkKey(key);
    long hash = KeyHash.of(key);
    long deadline = System.nanoTime() + loadWaitNanos;
    boolean waited = false;
    while (true) {
      switch (loads.claim(hash, deadline)) {
        case CLAIMED -> {
          try {
            value = segmentFor(hash).get(key, hash, generation());
            return value != null ? value : load(key, loader);
          } finally {
            loads.release(hash);
          }
        }
        case TAKEN -> {
          return load(key, loader);
        }
        case BUSY -> {
          if (!waited) processes.count(SLOT_LOAD_WAITS, 1);
          waited = true;
          if (!loads.await(hash, deadline)) {
            processes.count(SLOT_LOAD_WAIT_TIMEOUTS, 1);
            return load(key, loader);
          }
          value = segmentFor(hash).get(key, hash, generation());
          if (value != null) return value;
        }
      }
    }
  }

  private byte[] load(byte[] key, Function<byte[], byte[]> loader) {
    long generation = generation(); // what the loader sees; an invalidateAll after it wins
    long start = System.nanoTime();
    byte[] value = loader.apply(key);
    processes.count(SLOT_LOADS, 1);
    processes.count(SLOT_LOAD_NANOS, System.nanoTime() - start);
    if (value != null) {
      checkSizes(key, value);
      long hash = KeyHash.of(key);
      segmentFor(hash).put(key, value, hash, Segment.checksum(key, value, null), null, generation);
    }
    return value;
  }

  private void checkKey(byte[] key) {
    if (key.length > layout.config().maxKeySize()) {
      throw new IllegalArgumentException(
          "key of "
              + key.length
              + " bytes is longer than maxKeySize "
              + layout.config().maxKeySize()
              + " of "
              + path);
    }
  }

  /** The cache's statistics now; costs a pass over the segment headers and process slots. */
  public CacheStats stats() {
    return statsOf(file, layout, header, processes.attached());
  }

  private static CacheStats statsOf(
      MemorySegment file, CacheLayout layout, FileHeader header, int attachedProcesses) {
    long generation = (long) LONG.getVolatile(file, GLOBAL_OFFSET + GENERATION);
    long used = 0, live = 0, count = 0;
    for (int i = 0; i < layout.segments(); i++) {
      long base = layout.segmentOffset(i);
      if ((long) LONG.getVolatile(file, base + SEG_GENERATION) != generation) continue;
      used += (long) LONG.getVolatile(file, base + SEG_USED);
      live += (long) LONG.getVolatile(file, base + SEG_LIVE);
      count += (long) LONG.getVolatile(file, base + SEG_COUNT);
    }
    long capacity = layout.segments() * layout.dataCapacity();
    return new CacheStats(
        layout.config().memoryBudget(),
        capacity,
        live,
        used - live,
        capacity - used,
        count,
        layout.config().maxEntries(),
        AttachedProcesses.sum(file, SLOT_HITS),
        AttachedProcesses.sum(file, SLOT_MISSES),
        AttachedProcesses.sum(file, SLOT_EVICTIONS),
        AttachedProcesses.sum(file, SLOT_LOADS),
        AttachedProcesses.sum(file, SLOT_LOAD_NANOS),
        AttachedProcesses.sum(file, SLOT_LOAD_WAITS),
        AttachedProcesses.sum(file, SLOT_LOAD_WAIT_TIMEOUTS),
        AttachedProcesses.sum(file, SLOT_LOCK_RECOVERIES),
        (long) LONG.getVolatile(file, GLOBAL_OFFSET + INVALIDATIONS),
        (long) LONG.getVolatile(file, GLOBAL_OFFSET + RESETS),
        Instant.ofEpochMilli(header.createdMillis()),
        header.creatorPid(),
        attachedProcesses);
  }

  /** The segment {@code key} lives in; for tests that simulate a crash inside it. */
  Segment segmentForTest(byte[] key) {
    return segmentFor(KeyHash.of(key));
  }

  /**
   * Detaches this process (its slot is freed; its counters stay in the file) and unmaps the file.
   * The file is not deleted. The cache must not be used after, nor concurrently with, this call.
   */
  @Override
  public void close() throws IOException {
    processes.detach();
    mapped.close();
  }

  @Override
  public String toString() {
    return "SharedCache[" + path + "]";
  }
}
