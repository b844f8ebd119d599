package dev.mmapkit.cache;

import static dev.mmapkit.cache.SharedCacheDescriptor.*;

import dev.mmapkit.MmapkitException;
import dev.mmapkit.internal.Processes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * This process's slot among the attached-process slots of a cache file: its identity as a lock and
 * load owner, and its statistics counters. An owner id names a slot and the slot's epoch, and the
 * slot names a pid and start time, so a lock left by a dead process is recognised even after its
 * pid has been reused or its slot claimed again.
 */
final class AttachedProcesses {
  static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

  /** This process's PID namespace; owners recorded in another cannot be checked from here. */
  private static final long PID_NAMESPACE = Processes.currentPidNamespace();

  private final MemorySegment file;
  private final int slot;
  private final long slotOffset;
  private final long ownerId;

  private AttachedProcesses(MemorySegment file, int slot, long epoch) {
    this.file = file;
    this.slot = slot;
    this.slotOffset = processSlotOffset(slot);
    this.ownerId = ((slot + 1L) << 48) | ((epoch & 0xFFFF) << 32) | 1;
  }

  /**
   * Claims a free slot, or the slot of a process that is no longer running.
   *
   * @throws MmapkitException if all {@value SharedCacheDescriptor#PROCESS_SLOTS} slots belong to
   *     live processes
   */
  static AttachedProcesses attach(MemorySegment file, Path path) throws MmapkitException {
    long pid = Processes.currentPid();
    long start = Processes.currentStartTime();
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < PROCESS_SLOTS; i++) {
        long at = processSlotOffset(i);
        long claim = (long) LONG.getVolatile(file, at + SLOT_CLAIM);
        boolean free =
            claim == 0
                || (pass == 1
                    && !inOtherNamespace(file, at)
                    && !Processes.isAlive(
                        Math.abs(claim),
                        claim > 0 ? (long) LONG.getVolatile(file, at + SLOT_START_TIME) : 0));
        if (free && LONG.compareAndSet(file, at + SLOT_CLAIM, claim, -pid)) {
          LONG.setVolatile(file, at + SLOT_START_TIME, start);
          LONG.setVolatile(file, at + SLOT_PID_NAMESPACE, PID_NAMESPACE);
          long epoch = (long) LONG.getAndAdd(file, at + SLOT_EPOCH, 1L) + 1;
          LONG.setVolatile(file, at + SLOT_CLAIM, pid);
          return new AttachedProcesses(file, i, epoch);
        }
      }
    }
    throw new MmapkitException(
        path,
        "all "
            + PROCESS_SLOTS
            + " attached-process slots are taken by running processes; close caches that are no"
            + " longer used");
  }

  /** The owner id this process writes into lock words and load slots. */
  long ownerId() {
    return ownerId;
  }

  /**
   * Whether the process that wrote {@code owner} into a lock word is still attached and running. An
   * id that names no slot, or a slot claimed again since, is dead.
   */
  boolean isAlive(long owner) {
    if (owner == ownerId) return true;
    long s = (owner >>> 48) - 1;
    if (s < 0 || s >= PROCESS_SLOTS) return false;
    long at = processSlotOffset((int) s);
    long claim = (long) LONG.getVolatile(file, at + SLOT_CLAIM);
    long start = (long) LONG.getVolatile(file, at + SLOT_START_TIME);
    long epoch = (long) LONG.getVolatile(file, at + SLOT_EPOCH);
    if (claim <= 0 || (epoch & 0xFFFF) != ((owner >>> 32) & 0xFFFF)) return false;
    if (inOtherNamespace(file, at)) return true; // unknown: alive until the lock timeout
    return Processes.isAlive(claim, start);
  }

  /**
   * Whether {@code owner} is a process in another PID namespace (another container sharing the
   * file), whose liveness this process cannot judge: its pid means nothing here.
   */
  boolean isInOtherPidNamespace(long owner) {
    long s = (owner >>> 48) - 1;
    return s >= 0 && s < PROCESS_SLOTS && inOtherNamespace(file, processSlotOffset((int) s));
  }

  private static boolean inOtherNamespace(MemorySegment file, long slotAt) {
    long namespace = (long) LONG.getVolatile(file, slotAt + SLOT_PID_NAMESPACE);
    return namespace != 0 && PID_NAMESPACE != 0 && namespace != PID_NAMESPACE;
  }

  /** The pid of the slot {@code owner} names, or -1. */
  long pidOf(long owner) {
    long s = (owner >>> 48) - 1;
    if (s < 0 || s >= PROCESS_SLOTS) return -1;
    return Math.abs((long) LONG.getVolatile(file, processSlotOffset((int) s) + SLOT_CLAIM));
  }

  /** Adds to one of this process's counters ({@code SLOT_HITS} ...). */
  void count(long field, long delta) {
    LONG.getAndAdd(file, slotOffset + field, delta);
  }

  /** Frees the slot; its counters stay and keep adding up under the next claimant. */
  void detach() {
    LONG.setVolatile(file, slotOffset + SLOT_CLAIM, 0L);
  }

  /** The sum of one counter over all slots, attached or not. */
  static long sum(MemorySegment file, long field) {
    long total = 0;
    for (int i = 0; i < PROCESS_SLOTS; i++) {
      total += (long) LONG.getVolatile(file, processSlotOffset(i) + field);
    }
    return total;
  }

  /** How many slots belong to running processes (or to processes in another PID namespace). */
  static int attached(MemorySegment file) {
    int n = 0;
    for (int i = 0; i < PROCESS_SLOTS; i++) {
      long at = processSlotOffset(i);
      long claim = (long) LONG.getVolatile(file, at + SLOT_CLAIM);
      if (claim > 0
          && (inOtherNamespace(file, at)
              || Processes.isAlive(claim, (long) LONG.getVolatile(file, at + SLOT_START_TIME)))) {
        n++;
      }
    }
    return n;
  }

  /** Index of this process's slot. */
  int slot() {
    return slot;
  }
}
