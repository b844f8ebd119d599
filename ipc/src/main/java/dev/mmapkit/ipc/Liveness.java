package dev.mmapkit.ipc;

import dev.mmapkit.internal.ByteLocks;
import dev.mmapkit.internal.NativeCallException;
import java.util.function.BooleanSupplier;

/**
 * How the files of this package judge whether the process behind a slot (a ring producer, a
 * broadcast receiver or transmitter) is running: by an open-file-description lock on the slot's
 * first byte where its owner could take one ({@link RingBufferDescriptor#LIVENESS_BY_LOCK}), which
 * works across PID namespaces, else by pid and start time ({@link PidNamespaces#mayBeAlive}). The
 * slot records which, in a liveness word its owner stores before its identity.
 */
final class Liveness {
  private Liveness() {}

  /**
   * Takes the lock of the byte at {@code offset} through {@code locks} (null: no locks here).
   *
   * @return the liveness word to record: {@link RingBufferDescriptor#LIVENESS_BY_LOCK} if the lock
   *     is held now, else {@link RingBufferDescriptor#LIVENESS_BY_PID}
   */
  static long lock(ByteLocks locks, long offset) {
    if (locks == null) return RingBufferDescriptor.LIVENESS_BY_PID;
    try {
      return locks.tryLock(offset)
          ? RingBufferDescriptor.LIVENESS_BY_LOCK
          : RingBufferDescriptor.LIVENESS_BY_PID;
    } catch (NativeCallException e) {
      return RingBufferDescriptor.LIVENESS_BY_PID;
    }
  }

  /**
   * Whether the owner of a slot whose lock byte is at {@code offset} may be running: if its
   * liveness word says {@code byLock} and {@code judge} (a descriptor that holds no lock on that
   * byte; null: none) can look, whether another descriptor holds the lock; otherwise, or if the
   * look fails, what {@code byPid} says.
   */
  static boolean mayBeAlive(ByteLocks judge, long offset, long liveness, BooleanSupplier byPid) {
    if (liveness == RingBufferDescriptor.LIVENESS_BY_LOCK && judge != null) {
      try {
        return judge.isHeldByOther(offset);
      } catch (NativeCallException e) {
        // Not known from the lock: the pid's evidence, which counts as alive what it cannot see.
      }
    }
    return byPid.getAsBoolean();
  }
}
