package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.BroadcastDescriptor.*;

import dev.mmapkit.internal.Processes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The receiver table of a broadcast file ({@link BroadcastDescriptor#RECEIVERS_OFFSET}): joining,
 * leaving, dropping receivers whose process is gone, and the slowest position. Shared by the
 * transmitter, the receivers and {@link Broadcast#readStats}.
 *
 * <p>A slot changes hands through {@link BroadcastDescriptor#RECEIVER_REGISTERING}, which counts as
 * alive, so nobody sees a new pid with the previous owner's start time.
 */
final class ReceiverTable {
  static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
  static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

  private final MemorySegment meta;

  ReceiverTable(MemorySegment meta) {
    this.meta = meta;
  }

  long pid(int slot) {
    return (long) LONG.getVolatile(meta, receiverOffset(slot) + RECEIVER_PID);
  }

  long position(int slot) {
    return (long) LONG.getVolatile(meta, receiverOffset(slot) + RECEIVER_POSITION);
  }

  long lapped(int slot) {
    return (long) LONG.getVolatile(meta, receiverOffset(slot) + RECEIVER_LAPPED);
  }

  boolean waiting(int slot) {
    return (int) INT.getVolatile(meta, receiverOffset(slot) + RECEIVER_WAITING) != 0;
  }

  /** Whether the receiver in {@code slot} may be alive: a joining one counts as alive. */
  boolean alive(int slot) {
    long offset = receiverOffset(slot);
    long pid = (long) LONG.getVolatile(meta, offset + RECEIVER_PID);
    if (pid == RECEIVER_REGISTERING) return true;
    if (pid == 0) return false;
    long start = (long) LONG.getVolatile(meta, offset + RECEIVER_START_TIME);
    if ((long) LONG.getVolatile(meta, offset + RECEIVER_PID) != pid) return true;
    return Processes.isAlive(pid, start);
  }

  /**
   * Takes a free slot, or the slot of a receiver whose process is gone, and joins at {@code
   * position}'s current value: the tail read after the slot is taken (see {@link #join}).
   *
   * @return the slot
   * @throws IllegalStateException if all {@link BroadcastDescriptor#RECEIVER_SLOTS} slots belong to
   *     live receivers
   */
  int join(java.util.function.LongSupplier tail) {
    long pid = Processes.currentPid();
    long start = Processes.currentStartTime();
    // Receivers killed without leaving (asleep, perhaps, and still counted as waiters) go first.
    dropDead();
    for (int pass = 0; pass < 2; pass++) {
      for (int slot = 0; slot < RECEIVER_SLOTS; slot++) {
        long offset = receiverOffset(slot);
        long owner = (long) LONG.getVolatile(meta, offset + RECEIVER_PID);
        boolean take =
            pass == 0 ? owner == 0 : owner != 0 && owner != RECEIVER_REGISTERING && !alive(slot);
        if (!take
            || !LONG.compareAndSet(meta, offset + RECEIVER_PID, owner, RECEIVER_REGISTERING)) {
          continue;
        }
        if (owner != 0) {
          clearWaiting(offset);
          LONG.getAndAdd(meta, DROPPED_RECEIVERS_OFFSET, 1L);
        }
        // Read after taking the slot, with a full fence between (the compare-and-set alone does not
        // keep a later acquire load after it everywhere): a transmitter that did not see the slot
        // looked before this read, so it has not been allowed past this position + capacity.
        VarHandle.fullFence();
        LONG.setVolatile(meta, offset + RECEIVER_POSITION, tail.getAsLong());
        LONG.setVolatile(meta, offset + RECEIVER_LAPPED, 0L);
        LONG.setVolatile(meta, offset + RECEIVER_START_TIME, start);
        // A transmitter frees a slot left joining for longer than its receiver timeout (the joiner
        // died): then join again.
        if (!LONG.compareAndSet(meta, offset + RECEIVER_PID, RECEIVER_REGISTERING, pid)) {
          return join(tail);
        }
        return slot;
      }
    }
    throw new IllegalStateException(
        "all " + RECEIVER_SLOTS + " receiver slots belong to live receivers");
  }

  /** Gives {@code slot} up: the receiver leaves. */
  void leave(int slot) {
    long offset = receiverOffset(slot);
    long pid = (long) LONG.getVolatile(meta, offset + RECEIVER_PID);
    if (pid == 0 || !LONG.compareAndSet(meta, offset + RECEIVER_PID, pid, RECEIVER_REGISTERING)) {
      return;
    }
    free(offset);
  }

  /**
   * Frees the slots of receivers whose process is gone, fixing the waiter count of those that died
   * asleep.
   *
   * @return how many were dropped
   */
  int dropDead() {
    int dropped = 0;
    for (int slot = 0; slot < RECEIVER_SLOTS; slot++) {
      long offset = receiverOffset(slot);
      long pid = (long) LONG.getVolatile(meta, offset + RECEIVER_PID);
      if (pid == 0 || pid == RECEIVER_REGISTERING || alive(slot)) continue;
      if (LONG.compareAndSet(meta, offset + RECEIVER_PID, pid, RECEIVER_REGISTERING)) {
        free(offset);
        LONG.getAndAdd(meta, DROPPED_RECEIVERS_OFFSET, 1L);
        dropped++;
      }
    }
    return dropped;
  }

  /** Frees {@code slot} if it is still joining: its joiner is taken to be dead. */
  boolean dropJoining(int slot) {
    long offset = receiverOffset(slot);
    if (!LONG.compareAndSet(meta, offset + RECEIVER_PID, RECEIVER_REGISTERING, 0L)) return false;
    LONG.getAndAdd(meta, DROPPED_RECEIVERS_OFFSET, 1L);
    return true;
  }

  private void free(long offset) {
    clearWaiting(offset);
    LONG.setVolatile(meta, offset + RECEIVER_START_TIME, 0L);
    LONG.setVolatile(meta, offset + RECEIVER_PID, 0L);
  }

  private void clearWaiting(long offset) {
    if (INT.compareAndSet(meta, offset + RECEIVER_WAITING, 1, 0)) {
      INT.getAndAdd(meta, WAITERS_OFFSET, -1);
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
      if ((long) LONG.getVolatile(meta, offset + RECEIVER_PID) == 0) continue;
      slowest = Math.min(slowest, (long) LONG.getVolatile(meta, offset + RECEIVER_POSITION));
    }
    return slowest;
  }

  /** Receivers in the table now. */
  int count() {
    int count = 0;
    for (int slot = 0; slot < RECEIVER_SLOTS; slot++) if (pid(slot) != 0) count++;
    return count;
  }
}
