package dev.mmapkit.internal;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Liveness through Linux open-file-description locks on single bytes of a shared file: a process
 * that owns something described at some offset of the file (a slot, a table entry) holds a write
 * lock on that byte through a descriptor it keeps open while it owns it. The kernel drops the lock
 * when the descriptor is closed or the process dies (also on {@code kill -9}), whatever its user or
 * PID namespace, so "is the owner of this slot running?" is "does another descriptor hold a lock on
 * the slot's byte?", and claiming a slot is taking that lock without waiting. The locks are
 * advisory and on the file, not the mapping: they change no byte that processes read, and a lock
 * may lie beyond the file's end.
 *
 * <p>A descriptor never conflicts with its own locks: {@link #isHeldByOther} through the descriptor
 * that holds a byte answers false for it. Look through another one, or know your own bytes.
 */
public final class ByteLocks implements AutoCloseable {
  private final NativeAccess access;
  private final int fd;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ByteLocks(NativeAccess access, int fd) {
    this.access = access;
    this.fd = fd;
  }

  /**
   * A descriptor of {@code path} for byte locks, or empty where they cannot be used: no native
   * access, a file that cannot be opened again, or a file system without open-file-description
   * locks ({@code EINVAL}).
   *
   * @param write whether this descriptor will hold locks (a write lock needs a writable
   *     descriptor), or only look
   */
  public static Optional<ByteLocks> open(Path path, boolean write) {
    Optional<NativeAccess> access = NativeAccess.get();
    if (access.isEmpty()) return Optional.empty();
    NativeAccess n = access.get();
    int fd;
    try {
      fd = n.open(path, write);
    } catch (NativeCallException e) {
      return Optional.empty(); // the caller has the file mapped: this is a race or a permission
    }
    try {
      n.isRangeLockedByOther(fd, 0, 1);
      return Optional.of(new ByteLocks(n, fd));
    } catch (NativeCallException e) {
      n.close(fd);
      if (e.errno() == NativeCallException.EINVAL) return Optional.empty();
      throw e;
    }
  }

  /** Takes the lock of the byte at {@code offset} if no other descriptor holds it. */
  public boolean tryLock(long offset) {
    return access.tryLockRange(fd, offset, 1);
  }

  /** Releases the lock of the byte at {@code offset} (nothing if this descriptor holds none). */
  public void unlock(long offset) {
    access.unlockRange(fd, offset, 1);
  }

  /**
   * Whether another descriptor (a running process, or another of this one) locks {@code offset}.
   */
  public boolean isHeldByOther(long offset) {
    return access.isRangeLockedByOther(fd, offset, 1);
  }

  /**
   * Closes the descriptor, which releases every lock held through it; once (a number closed twice
   * could by then be another file's descriptor).
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) access.close(fd);
  }
}
