package dev.mmapkit.cache;

import static dev.mmapkit.cache.SharedCacheDescriptor.*;

import dev.mmapkit.internal.NativeAccess;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * The loads in progress, so that a value is computed by one process at a time: a loader claims the
 * slot its key hashes to, and others wanting the same key sleep on the slot's futex word until the
 * load ends, the loader dies, or their patience runs out.
 *
 * <p>A slot already claimed for another key does not make anybody wait: that key is simply computed
 * without coordination (rare with {@value SharedCacheDescriptor#LOAD_SLOTS} slots).
 */
final class LoadSlots {
  private static final VarHandle LONG = AttachedProcesses.LONG;
  private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

  /** What {@link #claim} found. */
  enum Claim {
    /** This process now loads the key and must call {@link #release}. */
    CLAIMED,
    /** Another process loads the key: {@link #await} it. */
    BUSY,
    /** The slot is taken by another key: compute without coordination. */
    TAKEN
  }

  private final MemorySegment file;
  private final AttachedProcesses processes;
  private final Optional<NativeAccess> nativeAccess = NativeAccess.get();

  LoadSlots(MemorySegment file, AttachedProcesses processes) {
    this.file = file;
    this.processes = processes;
  }

  private static long claimWord(long hash) {
    return hash | 1;
  }

  private static long slotOffset(long hash) {
    return loadSlotOffset((int) (hash >>> 24) & (LOAD_SLOTS - 1));
  }

  /** Tries to become the loader of the key with {@code hash}. */
  Claim claim(long hash) {
    long at = slotOffset(hash);
    long word = claimWord(hash);
    long current = (long) LONG.getVolatile(file, at + LOAD_CLAIM);
    if (current == 0 && LONG.compareAndSet(file, at + LOAD_CLAIM, 0L, word)) {
      LONG.setVolatile(file, at + LOAD_OWNER, processes.ownerId());
      return Claim.CLAIMED;
    }
    if (current == 0) return claim(hash);
    if (current == word) return Claim.BUSY;
    long owner = (long) LONG.getVolatile(file, at + LOAD_OWNER);
    if (owner != 0 && !processes.isAlive(owner)) {
      // A loader died with the slot claimed for another key: free it for the living.
      LONG.compareAndSet(file, at + LOAD_CLAIM, current, 0L);
      return claim(hash);
    }
    return Claim.TAKEN;
  }

  /** Ends this process's load of the key and wakes everybody waiting for it. */
  void release(long hash) {
    long at = slotOffset(hash);
    LONG.setVolatile(file, at + LOAD_OWNER, 0L);
    LONG.setVolatile(file, at + LOAD_CLAIM, 0L);
    INT.getAndAdd(file, at + LOAD_DONE, 1);
    nativeAccess.ifPresent(n -> n.futexWake(file.asSlice(at + LOAD_DONE, 4), Integer.MAX_VALUE));
  }

  /**
   * Waits until the load of the key with {@code hash} by another process ends, or {@code
   * deadlineNanos} ({@link System#nanoTime()}) passes. A loader found dead has its claim cleared.
   *
   * @return true if the load ended (successfully or not), false on timeout
   */
  boolean await(long hash, long deadlineNanos) {
    long at = slotOffset(hash);
    long word = claimWord(hash);
    long nextCheck = System.nanoTime() + 1_000_000;
    while (true) {
      int done = (int) INT.getVolatile(file, at + LOAD_DONE);
      if ((long) LONG.getVolatile(file, at + LOAD_CLAIM) != word) return true;
      long now = System.nanoTime();
      if (now - deadlineNanos >= 0) return false;
      if (now - nextCheck >= 0) {
        long owner = (long) LONG.getVolatile(file, at + LOAD_OWNER);
        // Owner 0: claimed an instant ago and not yet named; give it until the next check.
        if (owner != 0 && !processes.isAlive(owner)) {
          LONG.compareAndSet(file, at + LOAD_CLAIM, word, 0L);
          return true;
        }
        nextCheck = now + 10_000_000;
      }
      long sleep = Math.min(deadlineNanos - now, 10_000_000);
      if (nativeAccess.isPresent()) {
        nativeAccess.get().futexWait(file.asSlice(at + LOAD_DONE, 4), done, sleep);
      } else {
        LockSupport.parkNanos(Math.min(sleep, 1_000_000));
      }
    }
  }
}
