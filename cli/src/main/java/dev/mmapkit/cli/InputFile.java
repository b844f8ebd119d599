package dev.mmapkit.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Up-front checks on a file named on the command line, so that a typo or a directory is reported
 * with the file's name before any work starts.
 */
final class InputFile {
  private InputFile() {}

  /**
   * Returns {@code path} if it is a readable regular file.
   *
   * @throws NoSuchFileException if it does not exist
   * @throws FileSystemException if it is a directory or not a regular file
   * @throws AccessDeniedException if it cannot be read
   */
  static Path check(Path path) throws FileSystemException {
    if (!Files.exists(path)) throw new NoSuchFileException(path.toString(), null, "no such file");
    if (Files.isDirectory(path)) {
      throw new FileSystemException(path.toString(), null, "is a directory, not a file");
    }
    if (!Files.isRegularFile(path)) {
      throw new FileSystemException(
          path.toString(), null, "is not a regular file (a device, pipe or socket)");
    }
    if (!Files.isReadable(path)) {
      throw new AccessDeniedException(path.toString(), null, "permission denied");
    }
    return path;
  }
}
