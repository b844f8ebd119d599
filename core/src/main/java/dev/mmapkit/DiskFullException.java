package dev.mmapkit;

import java.nio.file.Path;

/**
 * Blocks for a file could not be reserved because its file system is full (or the user's quota is
 * used up). Nothing already written is affected; the operation can be retried once space is freed.
 */
public final class DiskFullException extends MmapkitException {
  private static final long serialVersionUID = 1L;

  private final long requestedBytes;
  private final long usableBytes;

  /**
   * @param file the file that was being extended
   * @param requestedBytes how many bytes were being reserved
   * @param usableBytes how many bytes the file system reported free, or -1 if unknown
   * @param cause the underlying failure
   */
  public DiskFullException(Path file, long requestedBytes, long usableBytes, Throwable cause) {
    super(
        file,
        "no space left to reserve "
            + Bytes.format(requestedBytes)
            + (usableBytes >= 0
                ? " (the file system has " + Bytes.format(usableBytes) + " free)"
                : "")
            + "; free space and retry",
        cause);
    this.requestedBytes = requestedBytes;
    this.usableBytes = usableBytes;
  }

  /** How many bytes were being reserved. */
  public long requestedBytes() {
    return requestedBytes;
  }

  /** How many bytes the file system reported free at the time, or -1 if unknown. */
  public long usableBytes() {
    return usableBytes;
  }
}
