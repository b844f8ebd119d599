package dev.mmapkit.cache;

import static dev.mmapkit.cache.SharedCacheDescriptor.*;

import dev.mmapkit.MmapkitException;
import dev.mmapkit.internal.ByteLocks;
import dev.mmapkit.internal.MappedAtomics;
import dev.mmapkit.internal.NativeCallException;
import dev.mmapkit.internal.Processes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * This process's slot among the attached-process slots of a cache file: its identity as a lock and
 * load owner, and its statistics counters. An owner id names a slot and the slot's epoch, so a lock
 * left by a process that detached or died is recognised even after its slot is claimed again.
 *
 * <p>Whether a slot's process is running is answered by the kernel where possible: with native
 * access the process holds an open-file-description lock on its slot's first byte ({@link
 * ByteLocks}) from before its epoch is published until it detaches, and the kernel drops it when
 * the process dies. Without native access (or on a file system without such locks) the slot is
 * marked {@link SharedCacheDescriptor#LIVENESS_PID} and judged by pid, start time and PID namespace
 * through {@code /proc} ({@link Processes#liveness}): then only positive evidence makes it dead,
 * and anything {@code /proc} cannot see counts as running.
 */
final class AttachedProcesses {
  static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

  private static final long PID_NAMESPACE = Processes.currentPidNamespace();

  private final MemorySegment file;
  private final ByteLocks locks; // null: liveness by pid
  private final int slot;
  private final long slotOffset;
  private final long ownerId;
  private final AtomicBoolean detached = new AtomicBoolean();

  private AttachedProcesses(MemorySegment file, ByteLocks locks, int slot, long epoch) {
    this.file = file;
    this.locks = locks;
    this.slot = slot;
    this.slotOffset = processSlotOffset(slot);
    this.ownerId = ((slot + 1L) << 48) | ((epoch & 0xFFFF) << 32) | 1;
  }

  /**
   * Claims a free slot, or the slot of a process that is no longer running. With slot locks the
   * kernel arbitrates: the slot is this process's once it holds the slot's lock and has replaced
   * the claim word it found.
   *
   * @throws MmapkitException if all {@value SharedCacheDescriptor#PROCESS_SLOTS} slots belong to
   *     processes that are running (or whose liveness is unknown)
   */
  static AttachedProcesses attach(MemorySegment file, Path path) throws MmapkitException {
    ByteLocks locks = ByteLocks.open(path, true, file).orElse(null);
    try {
      AttachedProcesses attached = claimSlot(file, locks);
      if (attached != null) return attached;
    } catch (NativeCallException e) {
      if (locks == null || e.errno() != NativeCallException.EINVAL) throw e;
      locks.close(); // no open-file-description locks on this file system after all: by pid
      locks = null;
      AttachedProcesses attached = claimSlot(file, null);
      if (attached != null) return attached;
    } catch (RuntimeException e) {
      if (locks != null) locks.close();
      throw e;
    }
    if (locks != null) locks.close();
    throw new MmapkitException(
        path,
        "all "
            + PROCESS_SLOTS
            + " attached-process slots are taken by running processes; close caches that are no"
            + " longer used");
  }

  private static AttachedProcesses claimSlot(MemorySegment file, ByteLocks locks) {
    long pid = Processes.currentPid();
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < PROCESS_SLOTS; i++) {
        long at = processSlotOffset(i);
        long claim = (long) LONG.getVolatile(file, at + SLOT_CLAIM);
        if (claim < 0 || (claim > 0 && pass == 0)) continue; // being claimed; or attached
        // A slot marked for the lock is free once its lock is; one judged by pid needs evidence.
        if (claim > 0 && (locks == null || !byLock(file, at)) && !provenDead(file, at, claim)) {
          continue;
        }
        if (locks != null && !locks.tryLock(at)) continue; // a running process holds it
        if (MappedAtomics.compareAndSetLong(file, at + SLOT_CLAIM, claim, -pid)) {
          LONG.setVolatile(file, at + SLOT_START_TIME, Processes.currentStartTime());
          LONG.setVolatile(file, at + SLOT_PID_NAMESPACE, PID_NAMESPACE);
          LONG.setVolatile(file, at + SLOT_LIVENESS, locks != null ? LIVENESS_LOCK : LIVENESS_PID);
          long epoch = (long) MappedAtomics.getAndAddLong(file, at + SLOT_EPOCH, 1L) + 1;
          LONG.setVolatile(file, at + SLOT_CLAIM, pid);
          return new AttachedProcesses(file, locks, i, epoch);
        }
        if (locks != null) locks.unlock(at);
      }
    }
    return null;
  }

  private static boolean byLock(MemorySegment file, long slotAt) {
    return (long) LONG.getVolatile(file, slotAt + SLOT_LIVENESS) == LIVENESS_LOCK;
  }

  /** Liveness by {@code /proc}: dead only on positive evidence. */
  private static boolean provenDead(MemorySegment file, long slotAt, long pid) {
    return Processes.liveness(
            pid,
            (long) LONG.getVolatile(file, slotAt + SLOT_START_TIME),
            (long) LONG.getVolatile(file, slotAt + SLOT_PID_NAMESPACE))
        == Processes.Liveness.DEAD;
  }

  /** Whether the process attached to the slot at {@code slotAt} may be running. */
  private static boolean running(MemorySegment file, ByteLocks locks, int slot, long claim) {
    long at = processSlotOffset(slot);
    if (locks != null && byLock(file, at)) return locks.isHeldByOther(at);
    return !provenDead(file, at, claim);
  }

  /** The owner id this process writes into lock words and load slots. */
  long ownerId() {
    return ownerId;
  }

  /**
   * Whether the process that wrote {@code owner} into a lock word may still be attached and
   * running: false only when it is known not to be (an id that names no slot, a slot detached or
   * claimed again since, a released slot lock, or {@code /proc} evidence). Costs a system call or a
   * read of {@code /proc}: for contention and timeouts only.
   */
  boolean isAlive(long owner) {
    if (owner == ownerId) return true;
    long s = (owner >>> 48) - 1;
    if (s < 0 || s >= PROCESS_SLOTS) return false;
    long at = processSlotOffset((int) s);
    long claim = (long) LONG.getVolatile(file, at + SLOT_CLAIM);
    long epoch = (long) LONG.getVolatile(file, at + SLOT_EPOCH);
    if (claim <= 0 || (epoch & 0xFFFF) != ((owner >>> 32) & 0xFFFF)) return false;
    return running(file, locks, (int) s, claim);
  }

  /**
   * Whether {@code owner} is known to be running (its slot lock is held, or {@code /proc} shows
   * it), rather than only possibly running because its liveness cannot be checked from here.
   */
  boolean isKnownRunning(long owner) {
    if (owner == ownerId) return true;
    long s = (owner >>> 48) - 1;
    if (s < 0 || s >= PROCESS_SLOTS) return false;
    long at = processSlotOffset((int) s);
    long claim = (long) LONG.getVolatile(file, at + SLOT_CLAIM);
    if (claim <= 0) return false;
    if (locks != null && byLock(file, at)) return locks.isHeldByOther(at);
    return Processes.liveness(
            claim,
            (long) LONG.getVolatile(file, at + SLOT_START_TIME),
            (long) LONG.getVolatile(file, at + SLOT_PID_NAMESPACE))
        == Processes.Liveness.ALIVE;
  }

  /** The pid of the slot {@code owner} names, or -1. */
  long pidOf(long owner) {
    long s = (owner >>> 48) - 1;
    if (s < 0 || s >= PROCESS_SLOTS) return -1;
    return Math.abs((long) LONG.getVolatile(file, processSlotOffset((int) s) + SLOT_CLAIM));
  }

  /** Adds to one of this process's counters ({@code SLOT_HITS} ...). */
  void count(long field, long delta) {
    MappedAtomics.getAndAddLong(file, slotOffset + field, delta);
  }

  /**
   * Frees the slot and releases its lock; its counters stay and keep adding up under the next
   * claimant.
   */
  void detach() {
    if (detached.getAndSet(true)) return; // a second close must not free a slot claimed since
    LONG.setVolatile(file, slotOffset + SLOT_CLAIM, 0L);
    if (locks != null) locks.close();
  }

  /** The sum of one counter over all slots, attached or not. */
  static long sum(MemorySegment file, long field) {
    long total = 0;
    for (int i = 0; i < PROCESS_SLOTS; i++) {
      total += (long) LONG.getVolatile(file, processSlotOffset(i) + field);
    }
    return total;
  }

  /** How many slots belong to processes that may be running, this one included. */
  int attached() {
    return attached(file, locks, slot);
  }

  /**
   * How many slots belong to processes that may be running (liveness as {@link #isAlive}), looking
   * at slot locks through {@code locks} if not null; {@code ownSlot} (or -1) counts as running.
   */
  static int attached(MemorySegment file, ByteLocks locks, int ownSlot) {
    int n = 0;
    for (int i = 0; i < PROCESS_SLOTS; i++) {
      long claim = (long) LONG.getVolatile(file, processSlotOffset(i) + SLOT_CLAIM);
      if (claim > 0 && (i == ownSlot || running(file, locks, i, claim))) n++;
    }
    return n;
  }

  /** Index of this process's slot. */
  int slot() {
    return slot;
  }
}
