package dev.mmapkit.internal;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
 *
 * <p>The descriptor is opened by path, after the caller mapped the file: if the path names another
 * file by then (deleted and created again), locks through it would say nothing about the mapped
 * one, and a live owner would look dead to everyone who judges through the mapped file. So {@link
 * #open} keeps a descriptor only if the file it opened starts with the same bytes as the mapping (a
 * {@link FileHeader}, which names its creator and the millisecond of its creation).
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
   * access, a file that cannot be opened again, a file system without open-file-description locks
   * ({@code EINVAL}), or a file that is not the one mapped at {@code mapping} any more.
   *
   * @param write whether this descriptor will hold locks (a write lock needs a writable
   *     descriptor), or only look
   * @param mapping the caller's mapping of the file, from its first byte: its first {@link
   *     FileHeader#SIZE} bytes (all of it, if shorter) must be the file's
   */
  public static Optional<ByteLocks> open(Path path, boolean write, MemorySegment mapping) {
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
    } catch (NativeCallException e) {
      n.close(fd);
      if (e.errno() == NativeCallException.EINVAL) return Optional.empty();
      throw e;
    }
    if (!opensMappedFile(fd, mapping)) {
      n.close(fd);
      return Optional.empty();
    }
    return Optional.of(new ByteLocks(n, fd));
  }

  /**
   * Whether descriptor {@code fd} is open on a file that starts as {@code mapping} does, read
   * through {@code /proc/self/fd}, which opens the descriptor's file whatever its path names now. A
   * file that cannot be read so counts as another.
   */
  private static boolean opensMappedFile(int fd, MemorySegment mapping) {
    int length = (int) Math.min(FileHeader.SIZE, mapping.byteSize());
    ByteBuffer start = ByteBuffer.allocate(length);
    try (FileChannel channel = FileChannel.open(Path.of("/proc/self/fd/" + fd))) {
      while (start.hasRemaining() && channel.read(start, start.position()) > 0) {
        // until the buffer is full or the file ends
      }
    } catch (IOException e) {
      return false;
    }
    return !start.hasRemaining()
        && MemorySegment.ofBuffer(start.flip()).mismatch(mapping.asSlice(0, length)) == -1;
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
