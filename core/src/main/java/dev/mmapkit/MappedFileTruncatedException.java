package dev.mmapkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A read or write through a mapping touched a page that no longer exists because the file was
 * truncated (by this or another process) after it was mapped. Without mmapkit this is a SIGBUS;
 * here it is an exception naming the file, the offset and the file's current size.
 *
 * <p>It is unchecked because it is thrown from memory accessors such as {@link
 * MappedFile#getLong(long)}; its cause is an {@link IOException} with the same message.
 */
public final class MappedFileTruncatedException extends UncheckedIOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final long offset;
  private final long currentSize;

  MappedFileTruncatedException(Path file, long offset, long currentSize, Throwable fault) {
    super(
        message(file, offset, currentSize),
        new IOException(message(file, offset, currentSize), fault));
    this.file = file;
    this.offset = offset;
    this.currentSize = currentSize;
  }

  private static String message(Path file, long offset, long currentSize) {
    return file
        + ": file was truncated to "
        + currentSize
        + " bytes while mapped; access at offset "
        + offset
        + " is past its end";
  }

  /** The truncated file. */
  public Path file() {
    return file;
  }

  /** The offset of the access that failed. */
  public long offset() {
    return offset;
  }

  /** The file's size when the failure was examined. */
  public long currentSize() {
    return currentSize;
  }
}
