package dev.mmapkit.ipc;

import dev.mmapkit.Bytes;
import dev.mmapkit.DiskFullException;
import dev.mmapkit.FileFormatException;
import dev.mmapkit.MappedFile;
import dev.mmapkit.MappingOptions;
import dev.mmapkit.internal.FileHeader;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import java.util.function.LongUnaryOperator;

/**
 * Creates the files of rings and broadcasts so that no process can ever open a half-made one: the
 * file is reserved, mapped and given its header under a temporary name, then hard-linked into
 * place, which fails if another process got there first.
 */
final class SharedMemoryFile {
  private SharedMemoryFile() {}

  /**
   * Creates {@code path} of {@code size} bytes starting with {@code header}, mapped as one chunk.
   *
   * @throws FileAlreadyExistsException if the file exists, or another process created it first
   * @throws DiskFullException if the file system has less usable space than {@code size}
   */
  static MappedFile create(Path path, long size, FileHeader header) throws IOException {
    Path absolute = path.toAbsolutePath();
    if (Files.exists(absolute)) {
      throw new FileAlreadyExistsException(absolute.toString(), null, "a file is already there");
    }
    Path directory = absolute.getParent();
    long usable = Files.getFileStore(directory).getUsableSpace();
    if (usable < size) {
      throw new DiskFullException(absolute, size, usable, null);
    }
    Path temporary =
        directory.resolve(
            "." + absolute.getFileName() + "." + ProcessHandle.current().pid() + ".new");
    MappedFile file = MappedFile.create(temporary, size, wholeFileOptions(size));
    try {
      header.writeTo(file.chunk(0));
      try {
        Files.createLink(absolute, temporary);
      } catch (FileAlreadyExistsException e) {
        throw new FileAlreadyExistsException(
            absolute.toString(), null, "another process created it first");
      }
      return file;
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * A file opened by {@link #open}: its mapping, and the capacity and second layout parameter (ring
   * type, broadcast mode) its header names.
   */
  record Opened(MappedFile file, long capacity, long variant) {}

  /**
   * Opens an existing {@code what} ("ring", "broadcast file") of {@code kind} and {@code version},
   * mapped as one chunk (read-only unless {@code writable}), and checks what every kind shares: not
   * a directory, at least a header long, a valid header with two layout parameters, a capacity that
   * {@code checkCapacity} accepts, and a file as long as {@code fileSize} of it. The caller checks
   * the rest and closes the file if that fails.
   *
   * @throws FileFormatException naming the file and what is wrong with it
   */
  static Opened open(
      Path path,
      String what,
      String kind,
      int version,
      boolean writable,
      LongConsumer checkCapacity,
      LongUnaryOperator fileSize)
      throws IOException {
    if (Files.isDirectory(path)) {
      throw new FileSystemException(path.toString(), null, "is a directory, not a " + what);
    }
    long size = Files.size(path);
    if (size < FileHeader.SIZE) {
      throw new FileFormatException(
          path,
          "file is "
              + size
              + " bytes, shorter than the "
              + FileHeader.SIZE
              + "-byte header: truncated, or not a "
              + what);
    }
    MappingOptions options = wholeFileOptions(size);
    if (!writable) options = MappingOptions.readOnly().withChunkSize(options.chunkSize());
    MappedFile file = MappedFile.open(path, options);
    try {
      FileHeader header = FileHeader.readFrom(file.chunk(0), path, kind, version);
      if (header.parameters().length < 2) {
        throw new FileFormatException(
            path, "corrupted header: " + header.parameters().length + " layout parameters, not 2");
      }
      long capacity = header.parameter(0);
      try {
        checkCapacity.accept(capacity);
      } catch (IllegalArgumentException e) {
        throw new FileFormatException(path, "corrupted header: " + e.getMessage());
      }
      if (size < fileSize.applyAsLong(capacity)) {
        throw new FileFormatException(
            path,
            "truncated: file is "
                + size
                + " bytes, a "
                + what
                + " of capacity "
                + Bytes.format(capacity)
                + " needs "
                + fileSize.applyAsLong(capacity));
      }
      return new Opened(file, capacity, header.parameter(1));
    } catch (IOException | RuntimeException e) {
      file.close();
      throw e;
    }
  }

  /** Read-write options whose one chunk covers a file of {@code size}, so it is one segment. */
  static MappingOptions wholeFileOptions(long size) {
    long chunk = Math.max(MappingOptions.MIN_CHUNK_SIZE, Long.highestOneBit(size - 1) << 1);
    return MappingOptions.readWrite().withChunkSize(chunk);
  }
}
