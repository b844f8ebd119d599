package dev.mmapkit.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mmapkit.FileFormatException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FileHeaderTest {
  private static final Path PATH = Path.of("/x/ring.bin");

  @Test
  void roundTripsAndPinsTheLayout() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment file = arena.allocate(FileHeader.SIZE + 100);
      FileHeader written =
          new FileHeader("RING", 3, 1_700_000_000_000L, 4242, new long[] {1 << 20, 64});
      written.writeTo(file);
      assertEquals(FileHeader.MAGIC, file.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
      assertEquals('R', (char) file.get(ValueLayout.JAVA_BYTE, 8));
      assertEquals(3, file.get(ValueLayout.JAVA_INT_UNALIGNED, 12));
      assertEquals(4242, file.get(ValueLayout.JAVA_LONG_UNALIGNED, 24));
      assertEquals(2, file.get(ValueLayout.JAVA_INT_UNALIGNED, 32));
      assertEquals(64, file.get(ValueLayout.JAVA_LONG_UNALIGNED, 48));
      FileHeader read = FileHeader.readFrom(file, PATH, "RING", 3);
      assertEquals("RING", read.kind());
      assertEquals(1_700_000_000_000L, read.createdMillis());
      assertEquals(4242, read.creatorPid());
      assertArrayEquals(new long[] {1 << 20, 64}, read.parameters());
    }
  }

  @Test
  void refusesWhatIsWrongWithAPreciseMessage() throws Exception {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment file = arena.allocate(FileHeader.SIZE);
      assertMessage(file, "not an mmapkit file");
      FileHeader.createdNow("LOG ", 1, 7).writeTo(file);
      assertMessage(file, "is a 'LOG' file, not a 'RING' file");
      FileHeader.createdNow("RING", 2, 7).writeTo(file);
      assertMessage(file, "'RING' format version 2; this mmapkit reads version 1");
      FileHeader.createdNow("RING", 1, 7).writeTo(file);
      file.set(ValueLayout.JAVA_BYTE, 40, (byte) 8); // flip a parameter byte
      assertMessage(file, "corrupted header: checksum");
      assertMessage(file.asSlice(0, 100), "100 bytes, shorter than the 4096-byte header");
    }
  }

  private static void assertMessage(MemorySegment file, String expected) {
    var e =
        assertThrows(FileFormatException.class, () -> FileHeader.readFrom(file, PATH, "RING", 1));
    assertTrue(e.getMessage().startsWith(PATH + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
