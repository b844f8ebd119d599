package dev.mmapkit;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The root of mmapkit's I/O errors: something about a file on disk that the caller can fix, with
 * the file named and, where there is one, the fix in the message.
 *
 * <p>Where the JDK already has a precise exception ({@link java.nio.file.NoSuchFileException},
 * {@link java.nio.file.AccessDeniedException}) mmapkit throws that one instead.
 */
public class MmapkitException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /**
   * @param file the file the problem is about
   * @param problem what is wrong, and how to fix it where the fix is known
   */
  public MmapkitException(Path file, String problem) {
    this(file, problem, null);
  }

  /**
   * @param file the file the problem is about
   * @param problem what is wrong, and how to fix it where the fix is known
   * @param cause the underlying failure, or {@code null}
   */
  public MmapkitException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
  }

  /** The file the problem is about. */
  public Path file() {
    return file;
  }
}
