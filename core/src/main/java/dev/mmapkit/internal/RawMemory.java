package dev.mmapkit.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * Loads and stores in a mapping without a {@link MemorySegment}'s per-access checks. A segment that
 * is not a compile-time constant re-checks on every access that its arena is open, that it is
 * writable, the bounds and the alignment: some twenty instructions, more than a ring buffer's hot
 * path spends on the access itself (twice Agrona's cost per message, measured with {@code
 * RingPathBenchmark}). Here every access goes through one constant segment that spans the address
 * space, so the JIT folds those checks away. Copies and fills check their range against the size
 * and throw {@link IndexOutOfBoundsException}; single words only assert it (see {@link #at}), so
 * their offsets must be right by construction.
 *
 * <p>What the checks no longer guard is the mapping's lifetime: the owner must keep the mapping
 * mapped for as long as any thread may still call these methods (a ring buffer unmaps only when it
 * has become unreachable). Without native access ({@link MemorySegment#reinterpret(long)} is
 * restricted) every method falls back to the segment's own checked access.
 *
 * <p>The word methods are named after the {@link VarHandle} access modes they use; offsets are from
 * the start of the segment.
 */
public final class RawMemory {
  private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
  private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

  // Plain loads and stores skip the alignment check this way (the other access modes check it
  // whatever the layout); the offsets are aligned by construction, as asserted.
  private static final VarHandle PLAIN_LONG = ValueLayout.JAVA_LONG_UNALIGNED.varHandle();
  private static final VarHandle PLAIN_INT = ValueLayout.JAVA_INT_UNALIGNED.varHandle();

  /** The whole address space, or null without native access. */
  private static final MemorySegment EVERYTHING =
      RawMemory.class.getModule().isNativeAccessEnabled()
          ? MemorySegment.NULL.reinterpret(Long.MAX_VALUE)
          : null;

  private final MemorySegment segment;
  private final long base;
  private final long size;

  /** Raw access to {@code segment}, which must stay mapped while this is in use. */
  public RawMemory(MemorySegment segment) {
    this.segment = segment;
    this.base = EVERYTHING != null ? segment.address() : 0;
    this.size = segment.byteSize();
  }

  /** Whether accesses skip the segment's checks (native access is granted). */
  public static boolean isRaw() {
    return EVERYTHING != null;
  }

  private MemorySegment memory() {
    return EVERYTHING != null ? EVERYTHING : segment;
  }

  /**
   * The address (or, when checked, the offset) of a word at {@code offset}. The bounds are asserted
   * only: the compares cost a ring a fifth of its path (5 of 25 ns per message, measured), and
   * every word offset a ring uses is a constant or a masked index. Tests run with assertions on.
   */
  private long at(long offset, int bytes) {
    assert inBounds(offset, bytes) : outOfBounds(offset, bytes).getMessage();
    assert ((base + offset) & (bytes - 1)) == 0
        : bytes + " bytes at offset " + offset + " unaligned";
    return base + offset;
  }

  private boolean inBounds(long offset, long bytes) {
    return Long.compareUnsigned(bytes, size) <= 0
        && Long.compareUnsigned(offset, size - bytes) <= 0;
  }

  private IndexOutOfBoundsException outOfBounds(long offset, long bytes) {
    return new IndexOutOfBoundsException(
        bytes + " bytes at offset " + offset + " are outside a mapping of " + size + " bytes");
  }

  public long getLong(long offset) {
    return (long) PLAIN_LONG.get(memory(), at(offset, 8));
  }

  public long getLongOpaque(long offset) {
    return (long) LONG.getOpaque(memory(), at(offset, 8));
  }

  public long getLongAcquire(long offset) {
    return (long) LONG.getAcquire(memory(), at(offset, 8));
  }

  public long getLongVolatile(long offset) {
    return (long) LONG.getVolatile(memory(), at(offset, 8));
  }

  public void setLong(long offset, long value) {
    PLAIN_LONG.set(memory(), at(offset, 8), value);
  }

  public void setLongRelease(long offset, long value) {
    LONG.setRelease(memory(), at(offset, 8), value);
  }

  public void setLongVolatile(long offset, long value) {
    LONG.setVolatile(memory(), at(offset, 8), value);
  }

  /**
   * Callers read the word just before (see {@link MappedAtomics}): run by the interpreter on a page
   * the file no longer covers, this instruction would kill the JVM.
   */
  public boolean compareAndSetLong(long offset, long expected, long value) {
    return LONG.compareAndSet(memory(), at(offset, 8), expected, value);
  }

  public int getInt(long offset) {
    return (int) PLAIN_INT.get(memory(), at(offset, 4));
  }

  public int getIntOpaque(long offset) {
    return (int) INT.getOpaque(memory(), at(offset, 4));
  }

  public int getIntAcquire(long offset) {
    return (int) INT.getAcquire(memory(), at(offset, 4));
  }

  public void setIntRelease(long offset, int value) {
    INT.setRelease(memory(), at(offset, 4), value);
  }

  /**
   * Copies {@code length} bytes of {@code src} from {@code srcOffset} to {@code offset}, without
   * allocating: into the mapping's own segment. Not into the address-space segment: {@link
   * MemorySegment#copy} moves fewer than 64 bytes with a few word loads and stores only between
   * segments that do not overlap, and every segment overlaps the address space, so it would call
   * the native copy routine (a quarter of a 32-byte message's path, measured with async-profiler).
   * Nor into a slice of it: escape analysis does not always remove the slice (JFR found one
   * allocated per message in a benchmark process).
   */
  public void copyFrom(MemorySegment src, long srcOffset, long offset, long length) {
    MemorySegment.copy(src, srcOffset, segment, offset, length);
  }

  /** Copies all of {@code src} to {@code offset}, without allocating. */
  public void copyFrom(byte[] src, long offset) {
    MemorySegment.copy(src, 0, segment, ValueLayout.JAVA_BYTE, offset, src.length);
  }

  /**
   * Zeroes {@code length} bytes from {@code offset}, without allocating: word stores (a fill needs
   * a segment of exactly the range, an object).
   */
  public void zero(long offset, long length) {
    Objects.checkFromIndexSize(offset, length, size);
    MemorySegment memory = memory();
    long address = base + offset;
    long i = 0;
    for (; i <= length - 8; i += 8) PLAIN_LONG.set(memory, address + i, 0L);
    for (; i < length; i++) memory.set(ValueLayout.JAVA_BYTE, address + i, (byte) 0);
  }
}
