package dev.mmapkit.internal;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The operating-system calls mmapkit makes beyond what the JDK offers. This is the only place in
 * mmapkit that knows about {@code MethodHandle}s, errno and system-call numbers.
 *
 * <p>{@link #get()} is empty when native access is not granted to {@code dev.mmapkit.core} or the
 * platform is not supported; the first caller that finds it empty logs one warning that names the
 * flag to add.
 *
 * <p>Every method throws {@link NativeCallException} with the call's name and errno when the kernel
 * refuses.
 */
public abstract sealed class NativeAccess permits PosixNativeAccess {

  /** The JVM flag that grants mmapkit native access. */
  public static final String ENABLE_FLAG = "--enable-native-access=dev.mmapkit.core";

  /** Linux {@code madvise} advice values (identical on x86-64 and aarch64). */
  public static final int MADV_NORMAL = 0,
      MADV_RANDOM = 1,
      MADV_SEQUENTIAL = 2,
      MADV_WILLNEED = 3,
      MADV_DONTNEED = 4,
      MADV_POPULATE_READ = 22,
      MADV_POPULATE_WRITE = 23;

  /** {@code posix_fadvise} advice values. */
  public static final int POSIX_FADV_NORMAL = 0,
      POSIX_FADV_RANDOM = 1,
      POSIX_FADV_SEQUENTIAL = 2,
      POSIX_FADV_WILLNEED = 3,
      POSIX_FADV_DONTNEED = 4;

  NativeAccess() {}

  /** The platform's native access, or empty with one logged warning explaining why. */
  public static Optional<NativeAccess> get() {
    return Holder.INSTANCE;
  }

  /** Why {@link #get()} is empty, or empty when native access works. */
  public static Optional<String> unavailableReason() {
    return Holder.REASON;
  }

  /** The size of a page of virtual memory in bytes. */
  public abstract int pageSize();

  /** {@code madvise(address, length, advice)}; the start must be page-aligned. */
  public abstract void madvise(MemorySegment range, int advice);

  /**
   * Fills {@code vector} with one byte per page of {@code range} (bit 0 set = resident), as {@code
   * mincore}. The start must be page-aligned.
   */
  public abstract void mincore(MemorySegment range, MemorySegment vector);

  /** Opens {@code path} read-only or read-write and returns the file descriptor. */
  public abstract int open(Path path, boolean write);

  /** Closes a descriptor returned by {@link #open}. */
  public abstract void close(int fd);

  /**
   * Allocates disk blocks for {@code [offset, offset + length)}, extending the file if needed.
   *
   * @throws NativeCallException with errno {@code ENOSPC} when the disk is full
   */
  public abstract void fallocate(int fd, long offset, long length);

  /** {@code posix_fadvise(fd, offset, length, advice)}; length 0 means "to the end". */
  public abstract void fadvise(int fd, long offset, long length, int advice);

  /** Starts write-back of dirty pages in the range without waiting ({@code sync_file_range}). */
  public abstract void startWriteBack(int fd, long offset, long length);

  /**
   * Writes the dirty pages in the range and waits for them ({@code sync_file_range} with
   * WAIT_BEFORE, WRITE and WAIT_AFTER), so they become clean and can be evicted. Not a durability
   * guarantee: it neither flushes the device cache nor writes metadata.
   */
  public abstract void writeBackAndWait(int fd, long offset, long length);

  /** The id of this process. */
  public abstract long pid();

  /** {@link #futexWait} result: woken by {@link #futexWake} (or spuriously). */
  public static final int FUTEX_WOKEN = 0;

  /** {@link #futexWait} result: the word did not hold the expected value. */
  public static final int FUTEX_VALUE_CHANGED = 1;

  /** {@link #futexWait} result: the timeout passed. */
  public static final int FUTEX_TIMED_OUT = 2;

  /** {@link #futexWait} result: interrupted by a signal. */
  public static final int FUTEX_INTERRUPTED = 3;

  /**
   * Sleeps while the 4-byte aligned int {@code word} (in memory shared between processes, e.g. a
   * file mapping) holds {@code expected}, for at most {@code timeoutNanos} (negative: forever).
   * Uses the shared (not process-private) futex, so a waker in another process reaches it.
   *
   * @return {@link #FUTEX_WOKEN}, {@link #FUTEX_VALUE_CHANGED}, {@link #FUTEX_TIMED_OUT} or {@link
   *     #FUTEX_INTERRUPTED}
   */
  public abstract int futexWait(MemorySegment word, int expected, long timeoutNanos);

  /** Wakes up to {@code count} waiters on {@code word}; returns how many were woken. */
  public abstract int futexWake(MemorySegment word, int count);

  /**
   * Tries to take a Linux open-file-description write lock ({@code fcntl(F_OFD_SETLK)}, {@code
   * F_WRLCK}) on the byte range {@code [offset, offset + length)} of {@code fd}, without waiting.
   * The lock belongs to the open file description, not to the process or thread: it is released by
   * {@link #unlockRange}, by closing the descriptor, or by the kernel when the process dies (also
   * on {@code kill -9}). Another description's lock conflicts whatever process or PID namespace
   * holds it. {@code fd} must be open for writing.
   *
   * @return true if this descriptor now holds the lock, false if another description holds a
   *     conflicting lock
   * @throws NativeCallException on other errors; errno {@code EINVAL} means the file system does
   *     not support open-file-description locks
   */
  public abstract boolean tryLockRange(int fd, long offset, long length);

  /** Releases a lock taken with {@link #tryLockRange} ({@code F_OFD_SETLK}, {@code F_UNLCK}). */
  public abstract void unlockRange(int fd, long offset, long length);

  /**
   * Whether another open file description holds a lock on any byte of {@code [offset, offset +
   * length)} of the file ({@code fcntl(F_OFD_GETLK)} asking for a write lock). Locks of {@code
   * fd}'s own description are not reported.
   *
   * @throws NativeCallException if the kernel refuses (errno {@code EINVAL}: no OFD locks here)
   */
  public abstract boolean isRangeLockedByOther(int fd, long offset, long length);

  private static final class Holder {
    private static final Optional<NativeAccess> INSTANCE;
    private static final Optional<String> REASON;

    static {
      String reason = null;
      NativeAccess access = null;
      if (!NativeAccess.class.getModule().isNativeAccessEnabled()) {
        reason =
            "native access is not enabled for "
                + describeModule()
                + "; advice, residency, block reservation and ranged write-back are off. Start"
                + " the JVM with "
                + flagFor(NativeAccess.class.getModule())
                + " to turn them on";
      } else if (!PosixNativeAccess.isSupportedPlatform()) {
        reason =
            "native calls are implemented for Linux only (this is "
                + System.getProperty("os.name")
                + "/"
                + System.getProperty("os.arch")
                + "); advice, residency and ranged write-back are unsupported here";
      } else {
        try {
          access = new PosixNativeAccess();
        } catch (RuntimeException | LinkageError e) {
          reason = "native calls could not be linked: " + e;
        }
      }
      if (reason != null) {
        System.getLogger("dev.mmapkit").log(System.Logger.Level.WARNING, "mmapkit: " + reason);
      }
      INSTANCE = Optional.ofNullable(access);
      REASON = Optional.ofNullable(reason);
    }

    private static String describeModule() {
      Module m = NativeAccess.class.getModule();
      return m.isNamed() ? "module " + m.getName() : "the class path (unnamed module)";
    }

    private static String flagFor(Module m) {
      return m.isNamed() ? ENABLE_FLAG : "--enable-native-access=ALL-UNNAMED";
    }
  }
}
