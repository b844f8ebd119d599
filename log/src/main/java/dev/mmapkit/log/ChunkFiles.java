package dev.mmapkit.log;

import static dev.mmapkit.log.LogChunkDescriptor.FIRST_RECORD_OFFSET;

import dev.mmapkit.DiskFullException;
import dev.mmapkit.FileFormatException;
import dev.mmapkit.MappedFile;
import dev.mmapkit.MappingOptions;
import dev.mmapkit.MmapkitException;
import dev.mmapkit.internal.FileHeader;
import dev.mmapkit.internal.MappedFaults;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The chunk files of one log as this process has mapped them: looked up by index without locking,
 * mapped (and validated) on first use, created when an appender needs one, and prepared ahead of
 * the appenders by a background thread (created with every block reserved, then pre-faulted) so
 * that an append does not wait on a file creation, a mapping or a page fault.
 */
final class ChunkFiles implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ChunkFiles.class.getName());

  private final Path dir;
  private final long chunkSize;

  /** Whether {@link #prepare} pre-faults the chunks it maps ahead ({@link LogConfig#prefault}). */
  private final boolean prefault;

  private final long logId;
  private final boolean syncDirectory;
  private final LongSupplier firstChunk;

  /**
   * The chunks this process has mapped, indexed relative to the lowest one still mapped (so the
   * arrays stay as small as the live part of the log, whatever retention deleted before). Replaced
   * under the lock; once published only {@code synced} changes, from false to true, under the lock.
   *
   * <p>{@code synced[i]}: in {@code SYNC} mode, this process has forced the chunk's header and
   * fsynced the directory since it mapped the chunk, so records written to it may be acknowledged.
   */
  private record Table(long base, MemorySegment[] segments, MappedFile[] files, boolean[] synced) {
    static final Table EMPTY =
        new Table(0, new MemorySegment[0], new MappedFile[0], new boolean[0]);

    boolean isSynced(long index) {
      long i = index - base;
      return i >= 0 && i < synced.length && synced[(int) i];
    }

    void markSynced(long index) {
      synced[(int) (index - base)] = true;
    }

    MemorySegment segment(long index) {
      long i = index - base;
      return i >= 0 && i < segments.length ? segments[(int) i] : null;
    }

    MappedFile file(long index) {
      long i = index - base;
      return i >= 0 && i < files.length ? files[(int) i] : null;
    }

    /** This table with chunk {@code index} added. */
    Table with(long index, MemorySegment segment, MappedFile file) {
      if (segments.length == 0) {
        return new Table(
            index, new MemorySegment[] {segment}, new MappedFile[] {file}, new boolean[1]);
      }
      long newBase = Math.min(base, index);
      long end = Math.max(base + segments.length, index + 1);
      if (end - newBase > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("more than 2^31 chunks mapped at once: " + newBase);
      }
      MemorySegment[] s = new MemorySegment[(int) (end - newBase)];
      MappedFile[] f = new MappedFile[s.length];
      boolean[] y = new boolean[s.length];
      System.arraycopy(segments, 0, s, (int) (base - newBase), segments.length);
      System.arraycopy(files, 0, f, (int) (base - newBase), files.length);
      System.arraycopy(synced, 0, y, (int) (base - newBase), synced.length);
      s[(int) (index - newBase)] = segment;
      f[(int) (index - newBase)] = file;
      return new Table(newBase, s, f, y);
    }

    /** This table without the chunks below {@code index}. */
    Table from(long index) {
      if (index <= base) return this;
      long end = base + segments.length;
      if (index >= end) return EMPTY;
      int skip = (int) (index - base);
      return new Table(
          index,
          java.util.Arrays.copyOfRange(segments, skip, segments.length),
          java.util.Arrays.copyOfRange(files, skip, files.length),
          java.util.Arrays.copyOfRange(synced, skip, synced.length));
    }
  }

  private volatile Table table = Table.EMPTY;

  /** The highest chunk index handed to the background thread. */
  private final AtomicLong prepareRequested = new AtomicLong(-1);

  /** Guards {@link #preparer}, apart from the mapping lock that a chunk creation holds for long. */
  private final Object preparerLock = new Object();

  private ExecutorService preparer;
  private volatile boolean closed;

  ChunkFiles(
      Path dir,
      long chunkSize,
      long logId,
      boolean syncDirectory,
      boolean prefault,
      LongSupplier firstChunk) {
    this.prefault = prefault;
    this.dir = dir;
    this.firstChunk = firstChunk;
    this.chunkSize = chunkSize;
    this.logId = logId;
    this.syncDirectory = syncDirectory;
  }

  Path dir() {
    return dir;
  }

  Path path(long index) {
    return dir.resolve(LogChunkDescriptor.fileName(index));
  }

  /** The mapped chunk {@code index}, or null if this process has not mapped it. Lock-free. */
  MemorySegment mapped(long index) {
    return table.segment(index);
  }

  /** The file behind a mapped chunk, or null if this process has not mapped it. */
  MappedFile file(long index) {
    return table.file(index);
  }

  /** How many chunk slots this process's table holds (mapped or not): for tests. */
  int tableLength() {
    return table.segments().length;
  }

  /**
   * Chunk {@code index} for writing: mapped already, else opened, else created here (the slow path
   * the background thread normally takes first). In {@code SYNC} mode, also makes sure the chunk's
   * header and directory entry are on disk, however this process first mapped it (a tailer, a seek
   * or retention maps chunks for reading, without syncing). Also asks the background thread to
   * prepare the next chunk.
   *
   * @throws DiskFullException naming the log directory if a new chunk cannot be reserved
   */
  MemorySegment forWrite(long index) throws IOException {
    MemorySegment s = mapped(index);
    if (s == null) s = map(index, true);
    if (syncDirectory && !table.isSynced(index)) syncChunk(index);
    if (index >= prepareRequested.get()) requestPrepare(index + 1, FIRST_RECORD_OFFSET);
    return s;
  }

  /**
   * Whether this process has synced chunk {@code index}'s header and directory entry since mapping
   * it ({@code SYNC} mode only): for tests.
   */
  boolean headerSynced(long index) {
    return table.isSynced(index);
  }

  /**
   * {@code SYNC} mode: forces chunk {@code index}'s header and fsyncs the directory, once per
   * mapping, before a record in it is acknowledged (whoever created the chunk, maybe a process in
   * {@code NONE} mode).
   */
  private synchronized void syncChunk(long index) throws IOException {
    Table t = table;
    MappedFile file = t.file(index);
    if (file == null || t.isSynced(index)) return; // unmapped by retention meanwhile, or done
    file.force(0, FileHeader.SIZE);
    syncDirectory();
    t.markSynced(index);
  }

  /** Chunk {@code index} for reading, or null if it does not exist yet. */
  MemorySegment forRead(long index) throws IOException {
    MemorySegment s = mapped(index);
    return s != null ? s : map(index, false);
  }

  /** The indices of the chunk files in the directory, sorted. */
  long[] existingIndices() throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.mapToLong(p -> LogChunkDescriptor.indexOf(p.getFileName().toString()))
          .filter(i -> i >= 0)
          .sorted()
          .toArray();
    }
  }

  /** Removes chunk files a crashed process left half-created. */
  void removeLeftovers() throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : (Iterable<Path>) list::iterator) {
        if (p.getFileName().toString().contains(".chunk.tmp-")) Files.deleteIfExists(p);
      }
    }
  }

  private synchronized MemorySegment map(long index, boolean create) throws IOException {
    if (closed) throw new IllegalStateException("log " + dir + " is closed");
    MemorySegment s = mapped(index);
    if (s != null) return s;
    long first = firstChunk.getAsLong();
    if (index < first) throw deleted(index, first);
    // Moving to a new chunk is when this process lets go of the chunks retention deleted.
    unmapBelow(first);
    Path path = path(index);
    if (create && !Files.exists(path)) createFile(index, path);
    MappedFile file;
    try {
      file = MappedFile.open(path, MappingOptions.readWrite().withChunkSize(chunkSize));
    } catch (NoSuchFileException e) {
      if (create) throw e;
      return null;
    }
    MappedFaults.whileOpening(
        path,
        "chunk",
        file,
        () -> {
          validate(file, index);
          return null;
        });
    MemorySegment segment = file.chunk(0);
    table = table.with(index, segment, file);
    if (create && syncDirectory) syncChunk(index);
    return segment;
  }

  MmapkitException deleted(long index, long first) {
    return new MmapkitException(
        dir,
        "chunk "
            + LogChunkDescriptor.fileName(index)
            + " was deleted by retention; the log now starts at chunk "
            + LogChunkDescriptor.fileName(first)
            + " (position "
            + (first * chunkSize + LogChunkDescriptor.FIRST_RECORD_OFFSET)
            + ")");
  }

  private void validate(MappedFile file, long index) throws IOException {
    Path path = file.path();
    if (file.size() != chunkSize) {
      throw new FileFormatException(
          path,
          "chunk is "
              + file.size()
              + " bytes but this log's chunks are "
              + chunkSize
              + " bytes: truncated or damaged");
    }
    FileHeader header =
        FileHeader.readFrom(
            file.chunk(0), path, LogChunkDescriptor.KIND, LogChunkDescriptor.VERSION);
    if (header.parameters().length <= LogChunkDescriptor.PARAM_LOG_ID) {
      throw new FileFormatException(path, "chunk header has too few layout parameters");
    }
    long id = header.parameter(LogChunkDescriptor.PARAM_LOG_ID);
    if (id != logId) {
      throw new FileFormatException(
          path,
          "chunk belongs to another log (log id "
              + Long.toHexString(id)
              + ", this log is "
              + Long.toHexString(logId)
              + ")");
    }
    if (header.parameter(LogChunkDescriptor.PARAM_CHUNK_INDEX) != index) {
      throw new FileFormatException(
          path,
          "chunk header says it is chunk "
              + header.parameter(LogChunkDescriptor.PARAM_CHUNK_INDEX)
              + ", its name says "
              + index
              + ": renamed or copied");
    }
    if (header.parameter(LogChunkDescriptor.PARAM_CHUNK_SIZE) != chunkSize) {
      throw new FileFormatException(
          path,
          "chunk header says "
              + header.parameter(LogChunkDescriptor.PARAM_CHUNK_SIZE)
              + "-byte chunks, the log has "
              + chunkSize);
    }
  }

  /**
   * Creates the chunk under a temporary name and links it into place, so no process ever opens a
   * chunk whose blocks or header are not there yet, and two processes racing to create it agree on
   * one file.
   */
  private void createFile(long index, Path path) throws IOException {
    Path tmp =
        dir.resolve(
            LogChunkDescriptor.fileName(index)
                + ".tmp-"
                + ProcessHandle.current().pid()
                + "-"
                + System.nanoTime());
    try {
      try (MappedFile file =
          MappedFile.create(tmp, chunkSize, MappingOptions.readWrite().withChunkSize(chunkSize))) {
        FileHeader.createdNow(
                LogChunkDescriptor.KIND, LogChunkDescriptor.VERSION, chunkSize, index, logId)
            .writeTo(file.chunk(0));
      } catch (DiskFullException e) {
        throw new DiskFullException(dir, e.requestedBytes(), e.usableBytes(), e);
      }
      try {
        Files.createLink(path, tmp);
      } catch (FileAlreadyExistsException e) {
        return; // another process created it first: use theirs
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private void syncDirectory() throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  /**
   * Unmaps the chunks below {@code index} that this process has mapped. Payload views of them
   * become invalid: a later access throws {@code IllegalStateException}.
   */
  synchronized void unmapBelow(long index) throws IOException {
    Table old = table;
    if (index <= old.base() || old.segments().length == 0) return;
    table = old.from(index);
    int below = (int) Math.min(index - old.base(), old.files().length);
    Closing.closeAll(Arrays.copyOfRange(old.files(), 0, below));
  }

  /**
   * Asks the background thread to prepare the chunk of {@code position} from that position on (the
   * chunk may have been mapped without being pre-faulted, e.g. by recovery), and the next chunk
   * whole.
   */
  void prepareAhead(long position) {
    long index = position / chunkSize;
    requestPrepare(index, Math.max(FIRST_RECORD_OFFSET, position % chunkSize));
    requestPrepare(index + 1, FIRST_RECORD_OFFSET);
  }

  private void requestPrepare(long index, long from) {
    long seen = prepareRequested.get();
    if (index <= seen || !prepareRequested.compareAndSet(seen, index)) return;
    inBackground(() -> prepare(index, from));
  }

  /**
   * Waits until the background work queued so far has run, for tests that change a chunk's bytes
   * and must not race with its preparation.
   */
  void awaitBackground() throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    inBackground(() -> done.complete(null));
    done.get(30, TimeUnit.SECONDS);
  }

  /** Runs {@code task} on this log's background thread, after the work queued before it. */
  void inBackground(Runnable task) {
    synchronized (preparerLock) {
      if (closed) return;
      if (preparer == null) {
        preparer =
            Executors.newSingleThreadExecutor(
                r -> {
                  Thread t = new Thread(r, "mmapkit-log-prepare " + dir.getFileName());
                  t.setDaemon(true);
                  return t;
                });
      }
      preparer.execute(task);
    }
  }

  /**
   * Whether chunk file {@code index} holds nothing but zeros: created and reserved, but neither its
   * header nor a record reached the disk (a machine crash right after it was prepared ahead).
   */
  boolean neverWritten(long index) throws IOException {
    try (FileChannel ch = FileChannel.open(path(index), StandardOpenOption.READ)) {
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocateDirect(1 << 20);
      MemorySegment view = MemorySegment.ofBuffer(buffer);
      while (true) {
        buffer.clear();
        int n = ch.read(buffer);
        if (n < 0) return true;
        if (MemorySegment.mismatch(view, 0, n, ZEROS, 0, n) >= 0) return false;
      }
    }
  }

  private static final MemorySegment ZEROS = MemorySegment.ofArray(new byte[1 << 20]);

  /**
   * Creates (if needed) and maps chunk {@code index} and, if so configured, pre-faults it from
   * {@code from} to its end, once per chunk and process; failures are retried in-line by the
   * appender that gets there.
   */
  private void prepare(long index, long from) {
    try {
      if (mapped(index) == null) map(index, true);
      if (prefault) file(index).prefaultForWrite(from, chunkSize - from);
    } catch (IOException | RuntimeException e) {
      // The appender that reaches this chunk creates it itself and gets the error then.
      LOG.log(System.Logger.Level.DEBUG, "preparing chunk " + index + " of " + dir + " failed", e);
      prepareRequested.compareAndSet(index, index - 1);
    }
  }

  @Override
  public void close() throws IOException {
    ExecutorService p;
    synchronized (preparerLock) {
      if (closed) return;
      closed = true;
      p = preparer;
    }
    if (p != null) {
      p.shutdownNow();
      try {
        p.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    MappedFile[] files;
    synchronized (this) {
      files = table.files();
      table = Table.EMPTY;
    }
    Closing.closeAll(files);
  }
}
