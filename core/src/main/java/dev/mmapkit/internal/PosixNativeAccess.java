package dev.mmapkit.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Locale;

/** {@link NativeAccess} through glibc on Linux x86-64 and aarch64. */
final class PosixNativeAccess extends NativeAccess {
  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CALL_STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
  private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

  private static final int SC_PAGESIZE = 30;
  private static final int O_RDONLY = 0, O_RDWR = 2, O_CLOEXEC = 0x80000;
  private static final int SYNC_FILE_RANGE_WAIT_BEFORE = 1,
      SYNC_FILE_RANGE_WRITE = 2,
      SYNC_FILE_RANGE_WAIT_AFTER = 4;

  private static final MethodHandle SYSCONF =
      handle("sysconf", FunctionDescriptor.of(JAVA_LONG, JAVA_INT), false);
  private static final MethodHandle MADVISE =
      handle("madvise", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), true);
  private static final MethodHandle MINCORE =
      handle("mincore", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS), true);
  private static final MethodHandle OPEN =
      LINKER.downcallHandle(
          LIBC.findOrThrow("open"),
          FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
          CAPTURE_ERRNO,
          Linker.Option.firstVariadicArg(2));
  private static final MethodHandle CLOSE =
      handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), true);
  private static final MethodHandle POSIX_FALLOCATE =
      handle(
          "posix_fallocate",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG),
          false);
  private static final MethodHandle POSIX_FADVISE =
      handle(
          "posix_fadvise",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT),
          false);
  private static final MethodHandle SYNC_FILE_RANGE =
      handle(
          "sync_file_range",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT),
          true);
  private static final MethodHandle SYSCALL_FUTEX =
      LINKER.downcallHandle(
          LIBC.findOrThrow("syscall"),
          FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS),
          CAPTURE_ERRNO,
          Linker.Option.firstVariadicArg(1));
  private static final long SYS_FUTEX =
      System.getProperty("os.arch", "").equals("aarch64") ? 98 : 202;
  private static final int FUTEX_WAIT = 0, FUTEX_WAKE = 1;
  private static final int EAGAIN = 11, EINTR = 4, ETIMEDOUT = 110;
  private static final MethodHandle FCNTL_FLOCK =
      LINKER.downcallHandle(
          LIBC.findOrThrow("fcntl"),
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS),
          CAPTURE_ERRNO,
          Linker.Option.firstVariadicArg(2));

  /** {@code struct flock} on x86-64 and aarch64: two shorts, then off_t start and length, pid. */
  private static final long FLOCK_SIZE = 32,
      FLOCK_TYPE = 0,
      FLOCK_WHENCE = 2,
      FLOCK_START = 8,
      FLOCK_LEN = 16;

  private static final int F_OFD_GETLK = 36, F_OFD_SETLK = 37;
  private static final short F_WRLCK = 1, F_UNLCK = 2, SEEK_SET = 0;
  private static final int EACCES = 13;
  private static final MethodHandle GETPID =
      handle("getpid", FunctionDescriptor.of(JAVA_INT), false);

  private final int pageSize;

  PosixNativeAccess() {
    try {
      pageSize = (int) (long) SYSCONF.invokeExact(SC_PAGESIZE);
    } catch (Throwable t) {
      throw new IllegalStateException("sysconf(_SC_PAGESIZE) failed", t);
    }
  }

  static boolean isSupportedPlatform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    return os.equals("linux") && (arch.equals("amd64") || arch.equals("aarch64"));
  }

  private static MethodHandle handle(String name, FunctionDescriptor fd, boolean errno) {
    var address = LIBC.findOrThrow(name);
    return errno
        ? LINKER.downcallHandle(address, fd, CAPTURE_ERRNO)
        : LINKER.downcallHandle(address, fd);
  }

  @Override
  public int pageSize() {
    return pageSize;
  }

  @Override
  public void madvise(MemorySegment range, int advice) {
    withErrno("madvise", st -> (int) MADVISE.invokeExact(st, range, range.byteSize(), advice));
  }

  @Override
  public void mincore(MemorySegment range, MemorySegment vector) {
    withErrno("mincore", st -> (int) MINCORE.invokeExact(st, range, range.byteSize(), vector));
  }

  @Override
  public int open(Path path, boolean write) {
    int flags = (write ? O_RDWR : O_RDONLY) | O_CLOEXEC;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment name = arena.allocateFrom(path.toString());
      return withErrno("open", st -> (int) OPEN.invokeExact(st, name, flags, 0));
    }
  }

  @Override
  public void close(int fd) {
    withErrno("close", st -> (int) CLOSE.invokeExact(st, fd));
  }

  @Override
  public void fallocate(int fd, long offset, long length) {
    returningError("posix_fallocate", () -> (int) POSIX_FALLOCATE.invokeExact(fd, offset, length));
  }

  @Override
  public void fadvise(int fd, long offset, long length, int advice) {
    returningError(
        "posix_fadvise", () -> (int) POSIX_FADVISE.invokeExact(fd, offset, length, advice));
  }

  @Override
  public void startWriteBack(int fd, long offset, long length) {
    withErrno(
        "sync_file_range",
        st -> (int) SYNC_FILE_RANGE.invokeExact(st, fd, offset, length, SYNC_FILE_RANGE_WRITE));
  }

  @Override
  public void writeBackAndWait(int fd, long offset, long length) {
    int flags = SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER;
    withErrno(
        "sync_file_range", st -> (int) SYNC_FILE_RANGE.invokeExact(st, fd, offset, length, flags));
  }

  @Override
  public long pid() {
    try {
      return (int) GETPID.invokeExact();
    } catch (Throwable t) {
      throw unexpected("getpid", t);
    }
  }

  @Override
  public int futexWait(MemorySegment word, int expected, long timeoutNanos) {
    FutexWarmUp.startOnce(this);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment timeout = MemorySegment.NULL;
      if (timeoutNanos >= 0) {
        timeout = arena.allocate(JAVA_LONG, 2);
        timeout.setAtIndex(JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
        timeout.setAtIndex(JAVA_LONG, 1, timeoutNanos % 1_000_000_000L);
      }
      MemorySegment state = arena.allocate(CALL_STATE);
      long r =
          (long) SYSCALL_FUTEX.invokeExact(state, SYS_FUTEX, word, FUTEX_WAIT, expected, timeout);
      if (r == 0) return FUTEX_WOKEN;
      int errno = (int) ERRNO.get(state, 0L);
      return switch (errno) {
        case EAGAIN -> FUTEX_VALUE_CHANGED;
        case ETIMEDOUT -> FUTEX_TIMED_OUT;
        case EINTR -> FUTEX_INTERRUPTED;
        default -> throw new NativeCallException("futex(FUTEX_WAIT)", errno);
      };
    } catch (NativeCallException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected("futex", t);
    }
  }

  @Override
  public int futexWake(MemorySegment word, int count) {
    FutexWarmUp.startOnce(this);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      long r =
          (long)
              SYSCALL_FUTEX.invokeExact(
                  state, SYS_FUTEX, word, FUTEX_WAKE, count, MemorySegment.NULL);
      if (r < 0) throw new NativeCallException("futex(FUTEX_WAKE)", (int) ERRNO.get(state, 0L));
      return (int) r;
    } catch (NativeCallException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected("futex", t);
    }
  }

  @Override
  public boolean tryLockRange(int fd, long offset, long length) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment lock = flock(arena, F_WRLCK, offset, length);
      int r = (int) FCNTL_FLOCK.invokeExact(state, fd, F_OFD_SETLK, lock);
      if (r == 0) return true;
      int errno = (int) ERRNO.get(state, 0L);
      if (errno == EAGAIN || errno == EACCES) return false;
      throw new NativeCallException("fcntl(F_OFD_SETLK)", errno);
    } catch (NativeCallException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected("fcntl", t);
    }
  }

  @Override
  public void unlockRange(int fd, long offset, long length) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment lock = flock(arena, F_UNLCK, offset, length);
      withErrno(
          "fcntl(F_OFD_SETLK, F_UNLCK)",
          st -> (int) FCNTL_FLOCK.invokeExact(st, fd, F_OFD_SETLK, lock));
    }
  }

  @Override
  public boolean isRangeLockedByOther(int fd, long offset, long length) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment lock = flock(arena, F_WRLCK, offset, length);
      withErrno(
          "fcntl(F_OFD_GETLK)", st -> (int) FCNTL_FLOCK.invokeExact(st, fd, F_OFD_GETLK, lock));
      return lock.get(ValueLayout.JAVA_SHORT, FLOCK_TYPE) != F_UNLCK;
    }
  }

  private static MemorySegment flock(Arena arena, short type, long offset, long length) {
    MemorySegment lock = arena.allocate(FLOCK_SIZE, 8); // zeroed: l_pid must be 0 for OFD locks
    lock.set(ValueLayout.JAVA_SHORT, FLOCK_TYPE, type);
    lock.set(ValueLayout.JAVA_SHORT, FLOCK_WHENCE, SEEK_SET);
    lock.set(JAVA_LONG, FLOCK_START, offset);
    lock.set(JAVA_LONG, FLOCK_LEN, length);
    return lock;
  }

  /** A downcall that returns -1 and sets errno on failure. */
  @FunctionalInterface
  private interface ErrnoCall {
    int invoke(MemorySegment callState) throws Throwable;
  }

  /** A downcall that returns the error number itself (the posix_* functions). */
  @FunctionalInterface
  private interface ErrorReturningCall {
    int invoke() throws Throwable;
  }

  private static int withErrno(String name, ErrnoCall call) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      int result = call.invoke(state);
      if (result == -1) throw new NativeCallException(name, (int) ERRNO.get(state, 0L));
      return result;
    } catch (NativeCallException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(name, t);
    }
  }

  private static void returningError(String name, ErrorReturningCall call) {
    int err;
    try {
      err = call.invoke();
    } catch (Throwable t) {
      throw unexpected(name, t);
    }
    if (err != 0) throw new NativeCallException(name, err);
  }

  private static IllegalStateException unexpected(String call, Throwable t) {
    return new IllegalStateException("native call " + call + " failed unexpectedly", t);
  }
}
