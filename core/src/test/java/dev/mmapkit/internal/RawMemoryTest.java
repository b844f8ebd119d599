package dev.mmapkit.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** Raw access reads and writes the segment's bytes, and refuses what lies outside it. */
class RawMemoryTest {
  private final Arena arena = Arena.ofAuto();
  private final MemorySegment segment = arena.allocate(4096, 4096);
  private final RawMemory memory = new RawMemory(segment);

  @Test
  void isRawWithNativeAccess() {
    // The tests run with native access (NoNativeAccessTest covers the checked fallback).
    assertTrue(RawMemory.isRaw());
  }

  @Test
  void wordsLandWhereTheSegmentSeesThem() {
    memory.setLong(8, 0x1122334455667788L);
    assertEquals(0x1122334455667788L, segment.get(ValueLayout.JAVA_LONG, 8));
    memory.setLongRelease(16, 2);
    memory.setLongVolatile(24, 3);
    assertTrue(memory.compareAndSetLong(24, 3, 4));
    assertEquals(2, memory.getLongAcquire(16));
    assertEquals(4, memory.getLongVolatile(24));
    assertEquals(4, memory.getLongOpaque(24));
    memory.setIntRelease(4088, -7);
    assertEquals(-7, segment.get(ValueLayout.JAVA_INT, 4088));
    assertEquals(-7, memory.getInt(4088));
    assertEquals(-7, memory.getIntAcquire(4088));
    assertEquals(-7, memory.getIntOpaque(4088));
  }

  @Test
  void copiesAndFillsStayInTheirRange() {
    byte[] bytes = {1, 2, 3, 4, 5};
    memory.copyFrom(bytes, 100);
    memory.copyFrom(MemorySegment.ofArray(bytes), 1, 200, 4);
    assertArrayEquals(bytes, segment.asSlice(100, 5).toArray(ValueLayout.JAVA_BYTE));
    assertArrayEquals(
        new byte[] {2, 3, 4, 5}, segment.asSlice(200, 4).toArray(ValueLayout.JAVA_BYTE));
    memory.zero(101, 3);
    assertArrayEquals(
        new byte[] {1, 0, 0, 0, 5}, segment.asSlice(100, 5).toArray(ValueLayout.JAVA_BYTE));
  }

  @Test
  void rangesOutsideTheSegmentThrowAndWriteNothing() {
    byte[] bytes = new byte[16];
    java.util.Arrays.fill(bytes, (byte) 9);
    assertThrows(IndexOutOfBoundsException.class, () -> memory.copyFrom(bytes, 4090));
    assertThrows(IndexOutOfBoundsException.class, () -> memory.copyFrom(bytes, -8));
    assertThrows(IndexOutOfBoundsException.class, () -> memory.zero(0, 4097));
    assertThrows(IndexOutOfBoundsException.class, () -> memory.zero(8, -1));
    assertThrows(
        IndexOutOfBoundsException.class,
        () -> memory.copyFrom(MemorySegment.ofArray(bytes), 0, Long.MAX_VALUE - 4, 16));
    for (byte b : segment.toArray(ValueLayout.JAVA_BYTE)) assertEquals(0, b);
  }

  @Test
  void wordsOutsideTheSegmentFailTheAssertion() {
    // Word offsets are only asserted (production pays no compare); tests run with -ea.
    assertThrows(AssertionError.class, () -> memory.getLong(4089));
    assertThrows(AssertionError.class, () -> memory.setLong(-8, 1));
    assertThrows(AssertionError.class, () -> memory.getInt(4093));
  }
}
