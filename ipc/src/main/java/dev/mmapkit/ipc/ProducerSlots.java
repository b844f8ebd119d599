package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.RingBufferDescriptor.*;

import dev.mmapkit.internal.ByteLocks;
import dev.mmapkit.internal.FileHeader;
import dev.mmapkit.internal.MappedAtomics;
import dev.mmapkit.internal.Processes;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The slots of one ring file's producer table that this process holds: its process slot and the
 * slots of its producer threads, shared by every ring object of this process on that file.
 *
 * <p>A many-to-one producer thread gets a slot of its own on its first claim (at most {@value
 * #MAX_THREAD_SLOTS} per process and file, and only while more than {@value #SLOTS_KEPT_FREE} slots
 * stay free for other processes); the slot of a thread that has ended goes to the next thread that
 * asks. Slots are not given back while a ring object of this process on the file is reachable (the
 * consumer frees them once their owner is gone): closing a ring object while one of its threads
 * still claims must not hand that thread's slot, where it goes on recording its claims, to another
 * producer.
 *
 * <p>With native access the slots are held by open-file-description locks on their first bytes
 * ({@link ByteLocks}, {@link RingBufferDescriptor#LIVENESS_BY_LOCK}), through one descriptor that
 * this object keeps open: the kernel releases them when the process dies, and the cleaner closes
 * the descriptor once this object is unreachable, which it is only when no ring object of the
 * process refers to it, so nobody can claim through its slots any more. Slots judged by pid are
 * kept for the process's life instead, so the slots a process takes on a file are bounded whatever
 * it opens and closes.
 */
final class ProducerSlots {
  private static final VarHandle LONG = MappedRingBuffer.LONG;

  /** Producer threads of one process that may each have a slot of their own in one file. */
  static final int MAX_THREAD_SLOTS = 16;

  /** A thread takes a slot of its own only while more slots than this stay free for others. */
  static final int SLOTS_KEPT_FREE = 32;

  /** A ring file: its inode, and the creation time and creator its header names. */
  private record FileIdentity(Object fileKey, long createdMillis, long creatorPid) {}

  // Guarded by ProducerSlots.class. Slots held by locks are referred to weakly (see above).
  private static final Map<FileIdentity, WeakReference<ProducerSlots>> OF_FILE = new HashMap<>();
  private static final List<ProducerSlots> HELD_BY_PID = new ArrayList<>();

  private final ByteLocks locks; // null: liveness by pid

  // Guarded by this.
  private ProducerSlot processSlot;
  private final ProducerSlot[] threadSlots = new ProducerSlot[MAX_THREAD_SLOTS];

  private ProducerSlots(Path path, MemorySegment meta) {
    locks = ByteLocks.open(path, true, meta).orElse(null);
    if (locks != null) {
      SharedMemoryFile.CLEANER.register(this, locks::close);
    } else {
      synchronized (ProducerSlots.class) {
        HELD_BY_PID.add(this);
      }
    }
  }

  /**
   * The slots this process holds in the ring file at {@code path}, mapped at {@code meta}. A file
   * whose identity cannot be read (deleted since it was mapped) gets slots of its own.
   */
  static synchronized ProducerSlots of(Path path, MemorySegment meta) {
    FileIdentity identity;
    try {
      FileHeader header = FileHeader.readFrom(meta, path, KIND, VERSION);
      identity =
          new FileIdentity(
              Files.readAttributes(path, BasicFileAttributes.class).fileKey(),
              header.createdMillis(),
              header.creatorPid());
    } catch (IOException e) {
      return new ProducerSlots(path, meta);
    }
    if (identity.fileKey() == null) return new ProducerSlots(path, meta);
    WeakReference<ProducerSlots> known = OF_FILE.get(identity);
    ProducerSlots slots = known == null ? null : known.get();
    // The path may name another file by now; slots of another file do not hold our identity here.
    if (slots == null || !slots.heldIn(meta)) {
      slots = new ProducerSlots(path, meta);
      OF_FILE.put(identity, new WeakReference<>(slots));
    }
    return slots;
  }

  /** Whether every slot this object knows holds this process (and thread) in {@code meta}. */
  private synchronized boolean heldIn(MemorySegment meta) {
    if (processSlot != null && processSlot.index != 0 && !holds(meta, processSlot.index, 0)) {
      return false;
    }
    for (ProducerSlot slot : threadSlots) {
      if (slot != null && !holds(meta, slot.index, slot.owner.threadId())) return false;
    }
    return true;
  }

  private static boolean holds(MemorySegment meta, int index, long thread) {
    long offset = MappedRingBuffer.slotOffset(index);
    return (long) LONG.getVolatile(meta, offset + PRODUCER_PID) == Processes.currentPid()
        && (long) LONG.getVolatile(meta, offset + PRODUCER_START_TIME)
            == Processes.currentStartTime()
        && (long) LONG.getVolatile(meta, offset + PRODUCER_THREAD) == thread;
  }

  /**
   * The slot {@code thread} claims through: its own if {@code ownSlots} and there is room, else the
   * process slot. {@code judge} looks at other processes' slot locks: a descriptor other than this
   * object's, which would take this process's own slots for free.
   */
  synchronized ProducerSlot slotFor(
      MemorySegment meta, Thread thread, boolean ownSlots, ByteLocks judge) {
    ProducerSlot slot = ownSlots ? threadSlot(meta, thread) : null;
    return slot != null ? slot : processSlot(meta, judge);
  }

  /** {@code thread}'s own slot, one whose thread has ended, or a free one; null if none. */
  private ProducerSlot threadSlot(MemorySegment meta, Thread thread) {
    int empty = -1;
    int ended = -1;
    for (int i = 0; i < threadSlots.length; i++) {
      ProducerSlot slot = threadSlots[i];
      if (slot == null) {
        if (empty < 0) empty = i;
      } else if (slot.owner == thread) {
        return slot;
      } else if (ended < 0 && !slot.owner.isAlive()) {
        ended = i;
      }
    }
    if (ended >= 0) {
      // An ended thread has no claim in flight: its last claim, recorded in the slot, is made.
      ProducerSlot slot = threadSlots[ended];
      LONG.setVolatile(
          meta, MappedRingBuffer.slotOffset(slot.index) + PRODUCER_THREAD, thread.threadId());
      return threadSlots[ended] = new ProducerSlot(thread, slot.index);
    }
    if (empty < 0) return null;
    int index = takeFreeSlot(meta, thread.threadId());
    return index == 0 ? null : (threadSlots[empty] = new ProducerSlot(thread, index));
  }

  /**
   * This process's shared slot: a free one, else a dead process's; slot 0 when the table is full,
   * whose claims still work but cannot be recovered if this process dies.
   */
  private ProducerSlot processSlot(MemorySegment meta, ByteLocks judge) {
    if (processSlot != null) return processSlot;
    int index = takeFreeSlot(meta, PROCESS_SLOT);
    if (index == 0) index = takeDeadProcessSlot(meta, judge);
    return processSlot = new ProducerSlot(null, index);
  }

  /**
   * Takes a free slot for this process, owned by {@code thread} ({@link
   * RingBufferDescriptor#PROCESS_SLOT} for the whole process), and returns its index; 0 if there is
   * none, or if a thread asks and too few are free. A slot changes hands through {@link #inFlux()},
   * so nobody sees the new pid with the old start time (which would make a live producer look
   * dead).
   */
  private int takeFreeSlot(MemorySegment meta, long thread) {
    int free = 0;
    for (int i = 1; i < PRODUCER_SLOTS; i++) {
      if ((long) LONG.getVolatile(meta, MappedRingBuffer.slotOffset(i) + PRODUCER_PID) == 0) free++;
    }
    if (thread != PROCESS_SLOT && free <= SLOTS_KEPT_FREE) return 0;
    for (int i = 1; i < PRODUCER_SLOTS; i++) {
      long offset = MappedRingBuffer.slotOffset(i);
      if ((long) LONG.getVolatile(meta, offset + PRODUCER_PID) == 0
          && MappedAtomics.compareAndSetLong(meta, offset + PRODUCER_PID, 0L, inFlux())) {
        takeSlot(meta, offset, thread);
        return i;
      }
    }
    return 0;
  }

  /**
   * Takes a dead process's slot, only when none is free: claims it left behind are attributed to
   * whoever holds the slot.
   */
  private int takeDeadProcessSlot(MemorySegment meta, ByteLocks judge) {
    for (int i = 1; i < PRODUCER_SLOTS; i++) {
      long offset = MappedRingBuffer.slotOffset(i);
      long owner = (long) LONG.getVolatile(meta, offset + PRODUCER_PID);
      if (owner != 0
          && !ownerAlive(meta, offset, judge)
          && MappedAtomics.compareAndSetLong(meta, offset + PRODUCER_PID, owner, inFlux())) {
        takeSlot(meta, offset, PROCESS_SLOT);
        return i;
      }
    }
    return 0;
  }

  /**
   * The pid word of a slot this process is moving: minus its identity, so that the slot counts as
   * alive while this process runs and can be freed if it dies before the move is done.
   */
  static long inFlux() {
    return -ProcessIdentity.current();
  }

  /**
   * Whether the producer in the slot at {@code offset} may still be running: a free slot's is not;
   * a slot held by lock is while some descriptor holds the lock, seen through {@code judge} (null,
   * or a failing look: by pid instead); a slot judged by pid, or in flux (alive while the process
   * moving it is), as {@link PidNamespaces#mayBeAlive} says.
   */
  static boolean ownerAlive(MemorySegment meta, long offset, ByteLocks judge) {
    long pid = (long) LONG.getVolatile(meta, offset + PRODUCER_PID);
    if (pid < 0) return PidNamespaces.mayBeAlive(meta, PID_NAMESPACES_OFFSET, -pid);
    if (pid == 0) return false;
    long start = (long) LONG.getVolatile(meta, offset + PRODUCER_START_TIME);
    long liveness = (long) LONG.getVolatile(meta, offset + PRODUCER_LIVENESS);
    // Changing hands between the loads: not known dead.
    if ((long) LONG.getVolatile(meta, offset + PRODUCER_PID) != pid) return true;
    return Liveness.mayBeAlive(
        judge,
        offset + PRODUCER_PID,
        liveness,
        () -> PidNamespaces.mayBeAlive(meta, PID_NAMESPACES_OFFSET, pid, start));
  }

  /**
   * Makes the slot at {@code offset}, which this process moves (its pid word is {@link #inFlux()}),
   * this process's: locked if it can be (nobody else holds the lock: a slot is free, or taken from
   * a dead owner, only once its lock is gone), then recorded, and published by the pid store last.
   */
  private void takeSlot(MemorySegment meta, long offset, long thread) {
    // A dead owner's claims in flight become unrecoverable: they would count as ours.
    clearClaims(meta, offset);
    LONG.setVolatile(meta, offset + PRODUCER_LIVENESS, Liveness.lock(locks, offset + PRODUCER_PID));
    LONG.setVolatile(meta, offset + PRODUCER_THREAD, thread);
    LONG.setVolatile(meta, offset + PRODUCER_START_TIME, Processes.currentStartTime());
    LONG.setVolatile(meta, offset + PRODUCER_PID, Processes.currentPid());
  }

  /** Forgets the claims of a slot that changes hands: none in flight, none recorded. */
  static void clearClaims(MemorySegment meta, long slotOffset) {
    LONG.setVolatile(meta, slotOffset + PRODUCER_CLAIMS, 0L);
    LONG.setVolatile(meta, slotOffset + PRODUCER_CLAIM_START, NO_CLAIM);
    LONG.setVolatile(meta, slotOffset + PRODUCER_CLAIM_END, NO_CLAIM);
  }
}
