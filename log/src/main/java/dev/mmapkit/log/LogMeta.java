package dev.mmapkit.log;

import dev.mmapkit.FileFormatException;
import dev.mmapkit.MappedFile;
import dev.mmapkit.MappingOptions;
import dev.mmapkit.internal.FileHeader;
import dev.mmapkit.internal.MappedAtomics;
import dev.mmapkit.internal.MappedFaults;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** The mapped {@code log.meta} of one log (see {@link LogMetaDescriptor}). */
final class LogMeta implements AutoCloseable {
  static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final VarHandle INT_HANDLE = INT.varHandle();
  static final VarHandle LONG_HANDLE = LONG.varHandle();

  private final MappedFile file;
  private final MemorySegment segment;
  private final long chunkSize;
  private final long logId;

  private LogMeta(MappedFile file, long chunkSize, long logId) {
    this.file = file;
    this.segment = file.chunk(0);
    this.chunkSize = chunkSize;
    this.logId = logId;
  }

  /**
   * Opens {@code dir/log.meta}, creating it (and the directory) with {@code chunkSize} and a fresh
   * log id if the directory holds no log yet.
   */
  static LogMeta openOrCreate(Path dir, long chunkSize) throws IOException {
    Files.createDirectories(dir);
    Path path = dir.resolve(LogMetaDescriptor.FILE_NAME);
    if (!Files.exists(path)) create(dir, path, chunkSize);
    return open(path);
  }

  static LogMeta open(Path path) throws IOException {
    MappedFile file =
        MappedFile.open(
            path, MappingOptions.readWrite().withChunkSize(LogMetaDescriptor.FILE_SIZE));
    return MappedFaults.whileOpening(
        path,
        "log.meta",
        file,
        () -> {
          if (file.size() != LogMetaDescriptor.FILE_SIZE) {
            throw new FileFormatException(
                path, "is " + file.size() + " bytes, a log.meta is " + LogMetaDescriptor.FILE_SIZE);
          }
          FileHeader header =
              FileHeader.readFrom(
                  file.chunk(0), path, LogMetaDescriptor.KIND, LogMetaDescriptor.VERSION);
          if (header.parameters().length <= LogMetaDescriptor.PARAM_LOG_ID) {
            throw new FileFormatException(path, "header has too few layout parameters");
          }
          long chunkSize = header.parameter(LogMetaDescriptor.PARAM_CHUNK_SIZE);
          if (Long.bitCount(chunkSize) != 1
              || chunkSize < LogChunkDescriptor.MIN_CHUNK_SIZE
              || chunkSize > LogChunkDescriptor.MAX_CHUNK_SIZE) {
            throw new FileFormatException(path, "corrupted header: chunk size " + chunkSize);
          }
          return new LogMeta(file, chunkSize, header.parameter(LogMetaDescriptor.PARAM_LOG_ID));
        });
  }

  private static void create(Path dir, Path path, long chunkSize) throws IOException {
    try (var list = Files.list(dir)) {
      if (list.anyMatch(p -> LogChunkDescriptor.indexOf(p.getFileName().toString()) >= 0)) {
        throw new FileFormatException(
            path, "is missing but " + dir + " holds chunk files: restore log.meta");
      }
    }
    Path tmp =
        dir.resolve(
            LogMetaDescriptor.FILE_NAME
                + ".tmp-"
                + ProcessHandle.current().pid()
                + "-"
                + System.nanoTime());
    try {
      try (MappedFile file =
          MappedFile.create(
              tmp,
              LogMetaDescriptor.FILE_SIZE,
              MappingOptions.readWrite().withChunkSize(LogMetaDescriptor.FILE_SIZE))) {
        long logId = ThreadLocalRandom.current().nextLong() | 1;
        FileHeader.createdNow(LogMetaDescriptor.KIND, LogMetaDescriptor.VERSION, chunkSize, logId)
            .writeTo(file.chunk(0));
        file.chunk(0)
            .set(LONG, LogMetaDescriptor.TAIL_OFFSET, LogChunkDescriptor.FIRST_RECORD_OFFSET);
        file.force();
      }
      try {
        Files.createLink(path, tmp);
      } catch (FileAlreadyExistsException e) {
        // another process created the log first
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  long chunkSize() {
    return chunkSize;
  }

  long logId() {
    return logId;
  }

  MemorySegment segment() {
    return segment;
  }

  long tail() {
    return (long) LONG_HANDLE.getVolatile(segment, LogMetaDescriptor.TAIL_OFFSET);
  }

  void setTail(long tail) {
    LONG_HANDLE.setVolatile(segment, LogMetaDescriptor.TAIL_OFFSET, tail);
  }

  /**
   * Callers read the tail just before, or {@link #touchTail} (see {@link MappedAtomics}): the fast
   * path reads it a few instructions before, the general one touches it again.
   */
  boolean casTail(long expected, long tail) {
    return LONG_HANDLE.compareAndSet(segment, LogMetaDescriptor.TAIL_OFFSET, expected, tail);
  }

  /** {@link MappedAtomics#touch} of the tail. */
  void touchTail() {
    MappedAtomics.touch(segment, LogMetaDescriptor.TAIL_OFFSET);
  }

  int waiters() {
    return (int) INT_HANDLE.getVolatile(segment, LogMetaDescriptor.WAITERS_OFFSET);
  }

  void addWaiters(int delta) {
    MappedAtomics.touch(segment, LogMetaDescriptor.WAITERS_OFFSET);
    INT_HANDLE.getAndAdd(segment, LogMetaDescriptor.WAITERS_OFFSET, delta);
  }

  long firstChunk() {
    return (long) LONG_HANDLE.getVolatile(segment, LogMetaDescriptor.FIRST_CHUNK_OFFSET);
  }

  /** Raises the first retained chunk to at least {@code index}; returns the value after. */
  long raiseFirstChunk(long index) {
    while (true) {
      long current = firstChunk();
      if (current >= index) return current;
      if (LONG_HANDLE.compareAndSet(
          segment, LogMetaDescriptor.FIRST_CHUNK_OFFSET, current, index)) {
        return index;
      }
    }
  }

  long pidNamespace() {
    return (long) LONG_HANDLE.getVolatile(segment, LogMetaDescriptor.PID_NAMESPACE_OFFSET);
  }

  void setPidNamespace(long namespace) {
    LONG_HANDLE.setVolatile(segment, LogMetaDescriptor.PID_NAMESPACE_OFFSET, namespace);
  }

  void force() throws IOException {
    file.force();
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
