package dev.mmapkit.ipc;

import dev.mmapkit.FileFormatException;
import dev.mmapkit.internal.MappedAtomics;
import dev.mmapkit.internal.Processes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * The PID namespaces of the processes that write a ring or broadcast file, in a table of {@link
 * #ENTRIES} words in its meta area (0: free), so that no process takes a live process in another
 * container for dead. Pids and {@code /proc} only mean something inside one PID namespace: without
 * the table, a receiver joining from another container found every receiver of this one missing
 * from its {@code /proc} and dropped them all, and a consumer would have turned a stalled
 * producer's claim into padding while it still wrote.
 *
 * <p>The creator records its namespace in the first entry before the file has its name ({@link
 * #recordCreator}), and every other process that writes the file {@link #register registers} its
 * own before it records its identity anywhere in the file. An atomic instruction runs only when a
 * new namespace joins: the interpreter runs it unguarded, and a file that another process shrinks
 * meanwhile would kill the JVM (see {@code MappedAtomics}). A process judges others' liveness only
 * while the table holds its own namespace and no other ({@link #canJudge}); as soon as a second
 * namespace has used the file, everyone judged by pid counts as alive for everyone, for the life of
 * the file: no such dead producer's claim is unblocked and no such dead receiver dropped
 * automatically, which can wedge the ring, but never takes anything from a live process. A process
 * whose namespace cannot be read registers {@link #UNKNOWN}, which has the same effect. Processes
 * with native access are judged by their locks instead ({@link Liveness}), in any namespace.
 */
final class PidNamespaces {
  private PidNamespaces() {}

  /** Words in the table. */
  static final int ENTRIES = 8;

  /** Registered by a process whose own namespace cannot be read. */
  static final long UNKNOWN = -1;

  private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
  private static final long CURRENT = Processes.currentPidNamespace();
  private static final long REGISTERED = CURRENT != 0 ? CURRENT : UNKNOWN;

  /** Records the creator's namespace as the first entry of a new file, before others can see it. */
  static void recordCreator(MemorySegment meta, long offset) {
    LONG.setVolatile(meta, offset, REGISTERED);
  }

  /**
   * Adds this process's namespace to the table at {@code offset} of {@code meta} unless it is there
   * already; a full table (more namespaces than entries) is left as it is, since it already holds
   * others.
   *
   * @throws FileFormatException if the table is empty: every file of this layout names its
   *     creator's
   */
  static void register(Path path, MemorySegment meta, long offset) throws FileFormatException {
    if ((long) LONG.getVolatile(meta, offset) == 0) {
      throw new FileFormatException(path, "corrupted: no PID namespace recorded for its creator");
    }
    for (int i = 0; i < ENTRIES; i++) {
      long entry = offset + 8L * i;
      while (true) {
        long value = (long) LONG.getVolatile(meta, entry);
        if (value == REGISTERED) return;
        if (value != 0) break;
        if (MappedAtomics.compareAndSetLong(meta, entry, 0L, REGISTERED)) return;
      }
    }
  }

  /**
   * Whether this process may judge the liveness of the file's other users through its {@code
   * /proc}: the table holds this process's namespace alone, and {@code /proc} can prove a death
   * there ({@link Processes#canProveDeath}). Read it after the identity to be judged, so that a
   * process that registered before it recorded that identity is seen.
   */
  static boolean canJudge(MemorySegment meta, long offset) {
    if (!Processes.canProveDeath(CURRENT)) return false;
    for (int i = 0; i < ENTRIES; i++) {
      long value = (long) LONG.getVolatile(meta, offset + 8L * i);
      if (value != 0 && value != CURRENT) return false;
    }
    return true;
  }

  /**
   * Whether the process {@code pid} that started at {@code startTime} may still be running, as a
   * user of the file whose table is at {@code offset}: false only if this process can judge ({@link
   * #canJudge}) and {@code /proc} shows it gone.
   */
  static boolean mayBeAlive(MemorySegment meta, long offset, long pid, long startTime) {
    return !canJudge(meta, offset) || Processes.isAlive(pid, startTime);
  }

  /** {@link #mayBeAlive(MemorySegment, long, long, long)} of a {@link ProcessIdentity} word. */
  static boolean mayBeAlive(MemorySegment meta, long offset, long identity) {
    return identity > 0
        && mayBeAlive(
            meta, offset, ProcessIdentity.pid(identity), ProcessIdentity.startTime(identity));
  }

  /** How many entries of the table are in use: 1 in a file that one namespace's processes use. */
  static int count(MemorySegment meta, long offset) {
    int used = 0;
    for (int i = 0; i < ENTRIES; i++) {
      if ((long) LONG.getVolatile(meta, offset + 8L * i) != 0) used++;
    }
    return used;
  }
}
