package dev.mmapkit.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Atomic read-modify-writes on a file's mapping, each after a read of the same word, which is what
 * keeps a file that another process shrank from killing the JVM.
 *
 * <p>A read of a page the file no longer covers raises the JDK's {@code InternalError} ("a fault
 * occurred in an unsafe memory access operation"). A compare-and-set or atomic add run by the
 * interpreter, on the other hand, faults inside the VM itself, which HotSpot 25 does not guard: the
 * process dies of SIGBUS (ipc's {@code ShrunkFileTest}, {@code ShrunkCacheTest}, {@code
 * ShrunkLogTest}). Compiled code is guarded either way. With the read first, only a shrink that
 * lands between the read and the atomic instruction is left: nanoseconds apart in compiled code,
 * but in the interpreter the few microseconds of the var handle's frames in between, which a
 * process shrinking and restoring a broadcast file in a loop hits within a second of opening
 * receivers (ipc's {@code OpenWhileShrinkingMain}). The rule for mmapkit's code: an atomic
 * instruction on a mapping goes through here, or {@link #touch} comes just before it, or it follows
 * a read of the same word with nothing slow in between, as the hot compare-and-sets on a ring's or
 * a log's tail do ({@link RawMemory#compareAndSetLong}).
 */
public final class MappedAtomics {
  private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
  private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
  private static final VarHandle BYTE = ValueLayout.JAVA_BYTE.varHandle();

  private MappedAtomics() {}

  /** {@code compareAndSet} of the long at {@code offset}, with volatile semantics. */
  public static boolean compareAndSetLong(
      MemorySegment memory, long offset, long expected, long value) {
    touch(memory, offset);
    return LONG.compareAndSet(memory, offset, expected, value);
  }

  /** Adds {@code delta} to the long at {@code offset} atomically; returns the value before. */
  public static long getAndAddLong(MemorySegment memory, long offset, long delta) {
    touch(memory, offset);
    return (long) LONG.getAndAdd(memory, offset, delta);
  }

  /** Adds {@code delta} to the int at {@code offset} atomically; returns the value before. */
  public static int getAndAddInt(MemorySegment memory, long offset, int delta) {
    touch(memory, offset);
    return (int) INT.getAndAdd(memory, offset, delta);
  }

  /** Sets {@code bits} in the long at {@code offset} atomically. */
  public static void setBits(MemorySegment memory, long offset, long bits) {
    touch(memory, offset);
    LONG.getAndBitwiseOr(memory, offset, bits);
  }

  /** Clears {@code bits} in the long at {@code offset} atomically. */
  public static void clearBits(MemorySegment memory, long offset, long bits) {
    touch(memory, offset);
    LONG.getAndBitwiseAnd(memory, offset, ~bits);
  }

  /**
   * Reads the byte at {@code offset}, for a caller about to do an atomic instruction there through
   * a var handle of its own (a word with a byte order of its own): on a shrunk file this raises the
   * {@code InternalError} that the instruction would turn into a crash. A fault is a page's, so one
   * byte of the word is enough, whatever the word's size and alignment.
   */
  public static void touch(MemorySegment memory, long offset) {
    // Opaque: never removed, and no ordering the atomic instruction does not give anyway.
    byte unused = (byte) BYTE.getOpaque(memory, offset);
  }
}
