package dev.mmapkit;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a file with whichever of mmap or {@code pread} is faster for its size and access pattern,
 * and falls back to {@code pread} when the file cannot be mapped.
 *
 * {@snippet :
 * try (FileReader reader = FileReader.open(path, AccessPattern.RANDOM)) {
 *   long value = reader.readLong(offset);
 * }
 * }
 *
 * <p>A mapped reader gives the kernel advice matching the pattern: {@link Advice#RANDOM} for {@link
 * AccessPattern#RANDOM} (so cold random reads fault in one page, not a read-ahead window) and
 * {@link Advice#SEQUENTIAL} for {@link AccessPattern#SEQUENTIAL}.
 *
 * <p>Readers are safe for concurrent use by many threads.
 */
public sealed interface FileReader extends AutoCloseable
    permits MappedFileReader, ChannelFileReader {

  /**
   * Opens {@code path} for reading with the strategy {@link ReadStrategy#choose} picks.
   *
   * @throws java.nio.file.NoSuchFileException if the file does not exist
   * @throws java.nio.file.AccessDeniedException if it cannot be read
   * @throws java.nio.file.FileSystemException if it is a directory
   */
  static FileReader open(Path path, AccessPattern pattern) throws IOException {
    return open(path, pattern, null);
  }

  /**
   * Opens {@code path} with the given strategy, or the chosen one if {@code strategy} is null. A
   * file that cannot be mapped is read with {@link ReadStrategy#PREAD} instead; {@link #strategy()}
   * tells which was used.
   */
  static FileReader open(Path path, AccessPattern pattern, ReadStrategy strategy)
      throws IOException {
    long size;
    try {
      size = Files.size(path);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(path.toString(), null, "no such file");
    }
    ReadStrategy chosen = strategy != null ? strategy : ReadStrategy.choose(size, pattern);
    if (chosen == ReadStrategy.PREAD || size == 0) return ChannelFileReader.open(path);
    try {
      return MappedFileReader.open(path, pattern);
    } catch (MappingFailedException e) {
      System.getLogger("dev.mmapkit")
          .log(System.Logger.Level.DEBUG, "mapping failed, reading with pread: " + e.getMessage());
      return ChannelFileReader.open(path);
    }
  }

  /** The file being read. */
  Path path();

  /** The file's size when it was opened. */
  long size();

  /** The strategy in use. */
  ReadStrategy strategy();

  /**
   * Fills {@code dst} with the bytes at {@code [position, position + dst.byteSize())}.
   *
   * @throws EOFException if the range extends past the end of the file
   */
  void read(long position, MemorySegment dst) throws IOException;

  /** Fills {@code dst} with the bytes starting at {@code position}. */
  default void read(long position, byte[] dst) throws IOException {
    read(position, MemorySegment.ofArray(dst));
  }

  /** The little-endian long at {@code position}. */
  long readLong(long position) throws IOException;

  /** Releases the file (and unmaps it). */
  @Override
  void close() throws IOException;

  /** Throws {@link EOFException} if {@code [position, position + length)} is not in the file. */
  static void checkInFile(FileReader reader, long position, long length) throws EOFException {
    if (position < 0 || length < 0 || position > reader.size() - length) {
      throw new EOFException(
          reader.path()
              + ": range ["
              + position
              + ", "
              + (position + length)
              + ") is outside the file of size "
              + reader.size());
    }
  }
}
