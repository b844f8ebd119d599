package dev.mmapkit.cache;

import static dev.mmapkit.cache.SharedCacheDescriptor.*;

import dev.mmapkit.internal.MappedAtomics;
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
 * <p>The claim word holds the loader's owner id (as in a segment lock word), put there by the CAS
 * that claims the slot, so a claimed slot always names a process whose liveness can be checked. The
 * key's hash is written into its own word after the claim; a slot claimed but not yet named (hash
 * 0) belongs to its owner like any other. Release is a CAS from this process's own id, so a process
 * whose claim was taken over can never clear the new owner's; a dead owner's claim is taken over by
 * a CAS from exactly that dead id, so two processes that find it dead cannot both win.
 *
 * <p>A slot already claimed for another key does not make anybody wait: that key is simply computed
 * without coordination (rare with {@value SharedCacheDescriptor#LOAD_SLOTS} slots).
 */
final class LoadSlots {
  private static final VarHandle LONG = AttachedProcesses.LONG;
  private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

  /** Spins to wait for a live claimant to write the key hash after its claim. */
  private static final int NAMING_SPINS = 1000;

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

  private final long loadWaitMillis;

  LoadSlots(MemorySegment file, AttachedProcesses processes, long loadWaitMillis) {
    this.file = file;
    this.processes = processes;
    this.loadWaitMillis = loadWaitMillis;
  }

  /** The hash word of a key: never 0, so 0 can mean "not named yet". */
  private static long hashWord(long hash) {
    return hash | 1;
  }

  static long slotOffset(long hash) {
    return loadSlotOffset((int) (hash >>> 24) & (LOAD_SLOTS - 1));
  }

  /**
   * Tries to become the loader of the key with {@code hash}. A slot claimed but not named yet is
   * waited for (its claimant may have been descheduled between the two stores) while its owner may
   * be running, until {@code deadlineNanos} ({@link System#nanoTime()}): then the key is computed
   * without coordination ({@link Claim#TAKEN}).
   */
  Claim claim(long hash, long deadlineNanos) {
    long at = slotOffset(hash);
    long word = hashWord(hash);
    long me = processes.ownerId();
    for (int spins = 0; ; spins++) {
      long owner = (long) LONG.getVolatile(file, at + LOAD_CLAIM);
      if (owner == 0) {
        if (MappedAtomics.compareAndSetLong(file, at + LOAD_CLAIM, 0L, me)) return named(at, word);
        continue;
      }
      long named = (long) LONG.getVolatile(file, at + LOAD_HASH);
      if (named == 0 && spins < NAMING_SPINS) {
        Thread.onSpinWait(); // claimed an instant ago; the key is written right after
        continue;
      }
      if (owner != me && !processes.isAlive(owner)) {
        // Died loading (or between its claim and naming the key): take over from exactly that id.
        if (MappedAtomics.compareAndSetLong(file, at + LOAD_CLAIM, owner, me))
          return named(at, word);
        continue;
      }
      if (named == 0) {
        // A live claimant that was descheduled before naming its key: it may be this key.
        if (System.nanoTime() - deadlineNanos >= 0) return Claim.TAKEN;
        LockSupport.parkNanos(50_000);
        continue;
      }
      return named == word ? Claim.BUSY : Claim.TAKEN;
    }
  }

  private Claim named(long at, long word) {
    LONG.setVolatile(file, at + LOAD_CLAIMED_AT, System.currentTimeMillis());
    LONG.setVolatile(file, at + LOAD_HASH, word);
    return Claim.CLAIMED;
  }

  /**
   * Ends this process's load of the key and wakes everybody waiting for it. Does nothing to the
   * claim if another process has taken it over meanwhile.
   */
  void release(long hash) {
    long at = slotOffset(hash);
    long me = processes.ownerId();
    if ((long) LONG.getVolatile(file, at + LOAD_CLAIM) == me) {
      // Only the claimant writes the hash word, so clearing it first cannot hide another's key.
      LONG.setVolatile(file, at + LOAD_HASH, 0L);
      MappedAtomics.compareAndSetLong(file, at + LOAD_CLAIM, me, 0L);
    }
    MappedAtomics.getAndAddInt(file, at + LOAD_DONE, 1);
    nativeAccess.ifPresent(n -> n.futexWake(file.asSlice(at + LOAD_DONE, 4), Integer.MAX_VALUE));
  }

  /**
   * Waits until the load of the key with {@code hash} by another process ends, or {@code
   * deadlineNanos} ({@link System#nanoTime()}) passes, or the load has run for the load-wait
   * timeout since it was claimed (a loader whose liveness cannot be known, e.g. without native
   * access, delays each caller only until then). A loader found dead ends the wait: the caller then
   * claims the slot again, which takes it over from the dead id.
   *
   * @return true if the load ended (successfully or not, or its loader died), false on timeout
   */
  boolean await(long hash, long deadlineNanos) {
    long at = slotOffset(hash);
    long word = hashWord(hash);
    long claimedAt = (long) LONG.getVolatile(file, at + LOAD_CLAIMED_AT);
    long leftOfLoad = claimedAt + loadWaitMillis - System.currentTimeMillis();
    long staleAt =
        System.nanoTime() + Math.max(0, Math.min(leftOfLoad, loadWaitMillis)) * 1_000_000;
    if (staleAt - deadlineNanos < 0) deadlineNanos = staleAt;
    long nextCheck = System.nanoTime() + 1_000_000;
    while (true) {
      int done = (int) INT.getVolatile(file, at + LOAD_DONE);
      long owner = (long) LONG.getVolatile(file, at + LOAD_CLAIM);
      if (owner == 0 || (long) LONG.getVolatile(file, at + LOAD_HASH) != word) return true;
      long now = System.nanoTime();
      if (now - deadlineNanos >= 0) return !processes.isAlive(owner); // died: take it over
      if (now - nextCheck >= 0) {
        if (!processes.isAlive(owner)) return true;
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
