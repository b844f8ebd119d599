package dev.mmapkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BytesTest {
  @Test
  void formatsWithBinaryUnits() {
    assertEquals("0 B", Bytes.format(0));
    assertEquals("1023 B", Bytes.format(1023));
    assertEquals("1.0 KiB", Bytes.format(1024));
    assertEquals("1.5 MiB", Bytes.format(3L << 19));
    assertEquals("5.0 GiB", Bytes.format(5L << 30));
  }

  @Test
  void parsesSizesAndRejectsNonsense() {
    assertEquals(4096, Bytes.parse("4096"));
    assertEquals(64 << 10, Bytes.parse("64k"));
    assertEquals(1 << 20, Bytes.parse("1M"));
    assertEquals(2L << 30, Bytes.parse("2GiB"));
    assertEquals(1L << 40, Bytes.parse("1t"));
    assertThrows(IllegalArgumentException.class, () -> Bytes.parse("-1"));
    assertThrows(IllegalArgumentException.class, () -> Bytes.parse("lots"));
    assertThrows(IllegalArgumentException.class, () -> Bytes.parse("99999999999t"));
  }
}
