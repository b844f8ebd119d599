package dev.mmapkit.cache;

import static dev.mmapkit.cache.SharedCacheDescriptor.processSlotOffset;

import dev.mmapkit.internal.NativeAccess;
import dev.mmapkit.internal.NativeCallException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Liveness of attached processes through Linux open-file-description locks: an attached process
 * holds a write lock on the first byte of its attached-process slot, through a descriptor of the
 * cache file it keeps open until it detaches. The kernel drops the lock when the process dies (also
 * on {@code kill -9}), whatever its user or PID namespace, so "is the owner of this slot running?"
 * is "does another descriptor hold a lock on the slot's byte?", and claiming a slot is taking that
 * lock without waiting. The locks are advisory and on the file, not the mapping: they change no
 * byte that processes read.
 */
final class SlotLocks implements AutoCloseable {
  private final NativeAccess access;
  private final int fd;

  private SlotLocks(NativeAccess access, int fd) {
    this.access = access;
    this.fd = fd;
  }

  /**
   * A descriptor of {@code path} for slot locks, or empty where they cannot be used: no native
   * access, or a file system without open-file-description locks ({@code EINVAL}).
   *
   * @param write whether this process will hold locks (attaching), or only look (stats)
   */
  static Optional<SlotLocks> open(Path path, boolean write) {
    Optional<NativeAccess> access = NativeAccess.get();
    if (access.isEmpty()) return Optional.empty();
    NativeAccess n = access.get();
    int fd;
    try {
      fd = n.open(path, write);
    } catch (NativeCallException e) {
      return Optional.empty(); // the mapping has the file open: this is a race or a permission
    }
    try {
      n.isRangeLockedByOther(fd, processSlotOffset(0), 1);
      return Optional.of(new SlotLocks(n, fd));
    } catch (NativeCallException e) {
      n.close(fd);
      if (e.errno() == NativeCallException.EINVAL) return Optional.empty();
      throw e;
    }
  }

  /** Takes the lock of {@code slot} if no other process holds it. */
  boolean tryLock(int slot) {
    return access.tryLockRange(fd, processSlotOffset(slot), 1);
  }

  void unlock(int slot) {
    access.unlockRange(fd, processSlotOffset(slot), 1);
  }

  /** Whether another descriptor (a running process) holds the lock of {@code slot}. */
  boolean isHeld(int slot) {
    return access.isRangeLockedByOther(fd, processSlotOffset(slot), 1);
  }

  /** Closes the descriptor, which releases every lock this process holds through it. */
  @Override
  public void close() {
    access.close(fd);
  }
}
