package dev.mmapkit;

import java.nio.file.Path;

/**
 * A file is not what it should be: not an mmapkit file, a file of another kind or format version, a
 * header whose checksum does not match, a file shorter than its header says, or a value in it that
 * points outside it. The message names the file and what is wrong; nothing in the file is changed.
 */
public final class FileFormatException extends MmapkitException {
  private static final long serialVersionUID = 1L;

  /**
   * @param file the file
   * @param problem what is wrong with it
   */
  public FileFormatException(Path file, String problem) {
    super(file, problem);
  }

  /**
   * @param file the file
   * @param problem what is wrong with it
   * @param cause what revealed it, such as the fault of a read past a file that shrank
   */
  public FileFormatException(Path file, String problem, Throwable cause) {
    super(file, problem, cause);
  }
}
