package dev.mmapkit.internal;

/**
 * A native call the kernel refused: the call's name, its errno and the errno's symbolic name.
 * Callers in the public API translate it into an {@link java.io.IOException} naming the file.
 */
public final class NativeCallException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** errno: no space left on device. */
  public static final int ENOSPC = 28;

  /** errno: invalid argument (also: an madvise value the kernel does not know). */
  public static final int EINVAL = 22;

  /** errno: disk quota exceeded. */
  public static final int EDQUOT = 122;

  /** errno: operation not supported (e.g. fallocate on a file system without it). */
  public static final int EOPNOTSUPP = 95;

  /** errno: cannot allocate memory (e.g. mincore / madvise on an unmapped range). */
  public static final int ENOMEM = 12;

  /** errno: bad address (MADV_POPULATE_READ hit a page beyond the end of the file). */
  public static final int EFAULT = 14;

  private final String call;
  private final int errno;

  NativeCallException(String call, int errno) {
    super(call + " failed: " + errnoName(errno) + " (errno " + errno + ")");
    this.call = call;
    this.errno = errno;
  }

  /** The name of the native function that failed. */
  public String call() {
    return call;
  }

  /** The errno the call returned. */
  public int errno() {
    return errno;
  }

  static String errnoName(int errno) {
    return switch (errno) {
      case 1 -> "EPERM";
      case 2 -> "ENOENT";
      case 5 -> "EIO";
      case 9 -> "EBADF";
      case 11 -> "EAGAIN";
      case ENOMEM -> "ENOMEM";
      case 13 -> "EACCES";
      case EFAULT -> "EFAULT";
      case 17 -> "EEXIST";
      case 21 -> "EISDIR";
      case EINVAL -> "EINVAL";
      case 27 -> "EFBIG";
      case ENOSPC -> "ENOSPC";
      case 29 -> "ESPIPE";
      case 30 -> "EROFS";
      case 38 -> "ENOSYS";
      case EOPNOTSUPP -> "EOPNOTSUPP";
      case 110 -> "ETIMEDOUT";
      case EDQUOT -> "EDQUOT";
      default -> "errno";
    };
  }
}
