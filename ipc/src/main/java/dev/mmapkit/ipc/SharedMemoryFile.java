package dev.mmapkit.ipc;

import dev.mmapkit.DiskFullException;
import dev.mmapkit.MappedFile;
import dev.mmapkit.MappingOptions;
import dev.mmapkit.internal.FileHeader;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

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

  /** Read-write options whose one chunk covers a file of {@code size}, so it is one segment. */
  static MappingOptions wholeFileOptions(long size) {
    long chunk = Math.max(MappingOptions.MIN_CHUNK_SIZE, Long.highestOneBit(size - 1) << 1);
    return MappingOptions.readWrite().withChunkSize(chunk);
  }
}
