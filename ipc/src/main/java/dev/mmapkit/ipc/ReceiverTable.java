package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.BroadcastDescriptor.*;

import dev.mmapkit.internal.ByteLocks;
import dev.mmapkit.internal.MappedAtomics;
import dev.mmapkit.internal.NativeCallException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.function.LongSupplier;

/**
 * The receiver table of a broadcast file ({@link BroadcastDescriptor#RECEIVERS_OFFSET}): joining,
 * leaving, dropping receivers whose process is gone, the sleepers' bitmask and the slowest
 * position. Shared by the transmitter, the receivers and {@link Broadcast#readStats}.
 *
 * <p>A slot's owner word is one atomic {@link ProcessIdentity} (pid and start time), so nobody ever
 * sees a pid with another process's start time. Whoever changes a slot first moves the owner word
 * by compare-and-set from the exact value it saw to minus its own identity, does its work, then
 * stores the final value: so a slot in flux names a process, which counts as alive while that
 * process runs and is freed like any dead owner's slot once it is gone. Liveness is exact, so a
 * live receiver or joiner never loses its slot, and the bit of slot {@code s} in the sleepers' mask
 * is only set by its owner and only cleared by its owner or by whoever holds the slot in flux.
 *
 * <p>A joined owner with native access holds an open-file-description lock on its slot's first byte
 * ({@link Liveness}), which the kernel drops when its process dies in whatever PID namespace, or
 * when the receiver's descriptor is closed; the slot's liveness word says so. An owner without one,
 * and a slot in flux, are judged by pid and start time.
 */
final class ReceiverTable {
  static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

  private final MemorySegment meta;
  private final ByteLocks locks;

  /**
   * @param locks the descriptor through which this table's user holds its own slot's lock and looks
   *     at the others' (it must hold no lock on a slot it judges); null: liveness by pid
   */
  ReceiverTable(MemorySegment meta, ByteLocks locks) {
    this.meta = meta;
    this.locks = locks;
  }

  /** The slot's owner word: 0 free, an identity, or minus an identity while in flux. */
  long owner(int slot) {
    return (long) LONG.getVolatile(meta, receiverOffset(slot) + RECEIVER_OWNER);
  }

  /** The process id of the slot's owner, 0 if free, -1 while joining or leaving. */
  long pid(int slot) {
    long owner = owner(slot);
    return owner < 0 ? -1 : ProcessIdentity.pid(owner);
  }

  long position(int slot) {
    return (long) LONG.getVolatile(meta, receiverOffset(slot) + RECEIVER_POSITION);
  }

  long lapped(int slot) {
    return (long) LONG.getVolatile(meta, receiverOffset(slot) + RECEIVER_LAPPED);
  }

  /** The sleepers' bitmask. */
  long sleepers() {
    return (long) LONG.getVolatile(meta, WAITERS_OFFSET);
  }

  boolean waiting(int slot) {
    return (sleepers() & (1L << slot)) != 0;
  }

  /** Whether the process that holds {@code slot} (owning it or changing it) may be alive. */
  boolean alive(int slot) {
    return mayBeAlive(slot, owner(slot));
  }

  /** Whether {@code owner}, read from {@code slot}'s owner word, may be alive. */
  private boolean mayBeAlive(int slot, long owner) {
    if (owner == 0) return false;
    if (owner < 0) return PidNamespaces.mayBeAlive(meta, PID_NAMESPACES_OFFSET, -owner);
    long offset = receiverOffset(slot);
    long liveness = (long) LONG.getVolatile(meta, offset + RECEIVER_LIVENESS);
    // Changed hands between the loads: not known dead.
    if (owner(slot) != owner) return true;
    return Liveness.mayBeAlive(
        locks,
        offset + RECEIVER_OWNER,
        liveness,
        () -> PidNamespaces.mayBeAlive(meta, PID_NAMESPACES_OFFSET, owner));
  }

  /** Marks the receiver in {@code slot} asleep: one atomic or. */
  void sleep(int slot) {
    MappedAtomics.setBits(meta, WAITERS_OFFSET, 1L << slot);
  }

  /** Marks the receiver in {@code slot} awake: one atomic and. */
  void wake(int slot) {
    MappedAtomics.clearBits(meta, WAITERS_OFFSET, 1L << slot);
  }

  /**
   * Takes a free slot, or the slot of a receiver whose process is gone, and joins at the tail read
   * after the slot is taken.
   *
   * @return the slot
   * @throws IllegalStateException if all {@link BroadcastDescriptor#RECEIVER_SLOTS} slots belong to
   *     live receivers
   */
  int join(LongSupplier tail) {
    long me = ProcessIdentity.current();
    // Receivers and joiners killed without leaving go first (a sleeping one keeps its bit set).
    dropDead();
    for (int pass = 0; pass < 2; pass++) {
      for (int slot = 0; slot < RECEIVER_SLOTS; slot++) {
        long offset = receiverOffset(slot);
        long owner = owner(slot);
        // Judge the owner read here, which the compare-and-set expects, not a newer one.
        boolean take = pass == 0 ? owner == 0 : owner != 0 && !mayBeAlive(slot, owner);
        if (!take || !MappedAtomics.compareAndSetLong(meta, offset + RECEIVER_OWNER, owner, -me))
          continue;
        if (owner != 0) MappedAtomics.getAndAddLong(meta, DROPPED_RECEIVERS_OFFSET, 1L);
        // A dead owner may have died asleep; the atomic and also orders the slot's compare-and-set
        // before the tail read below, so a transmitter that did not see the slot looked before
        // this read and has not been allowed past this position + capacity.
        wake(slot);
        VarHandle.fullFence();
        LONG.setVolatile(meta, offset + RECEIVER_POSITION, tail.getAsLong());
        LONG.setVolatile(meta, offset + RECEIVER_LAPPED, 0L);
        // Nobody else holds the lock: a slot is free, or taken from a dead owner, once it is gone.
        LONG.setVolatile(
            meta, offset + RECEIVER_LIVENESS, Liveness.lock(locks, offset + RECEIVER_OWNER));
        LONG.setVolatile(meta, offset + RECEIVER_OWNER, me);
        return slot;
      }
    }
    throw new IllegalStateException(
        "all " + RECEIVER_SLOTS + " receiver slots belong to live receivers");
  }

  /**
   * Gives {@code slot} up if this process still owns it.
   *
   * @return false if the slot no longer names this process (it was dropped and perhaps reused): it
   *     is left alone
   */
  boolean leave(int slot) {
    long me = ProcessIdentity.current();
    long offset = receiverOffset(slot);
    if (!MappedAtomics.compareAndSetLong(meta, offset + RECEIVER_OWNER, me, -me)) return false;
    // In flux, the slot is judged by pid: the lock goes before the next joiner can look for it.
    unlock(offset + RECEIVER_OWNER);
    free(slot, offset);
    return true;
  }

  /**
   * Frees the slots of receivers (and joiners, and leavers) whose process is gone, clearing their
   * bit in the sleepers' mask.
   *
   * @return how many were dropped
   */
  int dropDead() {
    long me = ProcessIdentity.current();
    int dropped = 0;
    for (int slot = 0; slot < RECEIVER_SLOTS; slot++) {
      long offset = receiverOffset(slot);
      long owner = owner(slot);
      if (owner == 0 || mayBeAlive(slot, owner)) continue;
      if (MappedAtomics.compareAndSetLong(meta, offset + RECEIVER_OWNER, owner, -me)) {
        free(slot, offset); // its owner's lock, if it had one, is gone
        MappedAtomics.getAndAddLong(meta, DROPPED_RECEIVERS_OFFSET, 1L);
        dropped++;
      }
    }
    return dropped;
  }

  /** Frees a slot this process holds in flux, with no lock held on it. */
  private void free(int slot, long offset) {
    wake(slot);
    LONG.setVolatile(meta, offset + RECEIVER_LIVENESS, LIVENESS_BY_PID);
    LONG.setVolatile(meta, offset + RECEIVER_OWNER, 0L);
  }

  private void unlock(long offset) {
    if (locks == null) return;
    try {
      locks.unlock(offset);
    } catch (NativeCallException e) {
      // Held until the descriptor closes: the next owner of the slot is judged by pid meanwhile.
    }
  }

  /**
   * The lowest position of any receiver in the table (joining ones included, whatever their
   * position field holds), or {@code upperBound} if it is lower.
   */
  long slowestPosition(long upperBound) {
    long slowest = upperBound;
    for (int slot = 0; slot < RECEIVER_SLOTS; slot++) {
      long offset = receiverOffset(slot);
      if ((long) LONG.getVolatile(meta, offset + RECEIVER_OWNER) == 0) continue;
      slowest = Math.min(slowest, (long) LONG.getVolatile(meta, offset + RECEIVER_POSITION));
    }
    return slowest;
  }

  /** Receivers in the table now. */
  int count() {
    int count = 0;
    for (int slot = 0; slot < RECEIVER_SLOTS; slot++) if (owner(slot) != 0) count++;
    return count;
  }
}
