package dev.mmapkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FileReaderTest {
  @TempDir Path dir;

  @Test
  void chooseFollowsTheMeasuredThresholds() {
    assertEquals(ReadStrategy.PREAD, ReadStrategy.choose(0, AccessPattern.RANDOM));
    assertEquals(ReadStrategy.PREAD, ReadStrategy.choose(1L << 40, AccessPattern.ONE_SHOT));
    long threshold = ReadStrategy.SEQUENTIAL_MMAP_THRESHOLD;
    assertEquals(ReadStrategy.PREAD, ReadStrategy.choose(threshold - 1, AccessPattern.SEQUENTIAL));
    assertEquals(ReadStrategy.MMAP, ReadStrategy.choose(threshold, AccessPattern.SEQUENTIAL));
    assertEquals(ReadStrategy.MMAP, ReadStrategy.choose(4096, AccessPattern.RANDOM));
  }

  @ParameterizedTest
  @EnumSource(ReadStrategy.class)
  void bothStrategiesReadTheSameBytes(ReadStrategy strategy) throws Exception {
    Path path = TestFiles.withContent(dir.resolve("f"), 100_000);
    byte[] all = Files.readAllBytes(path);
    try (FileReader reader = FileReader.open(path, AccessPattern.RANDOM, strategy)) {
      assertEquals(strategy, reader.strategy());
      assertEquals(100_000, reader.size());
      byte[] part = new byte[5000];
      reader.read(60_000, part);
      assertArrayEquals(java.util.Arrays.copyOfRange(all, 60_000, 65_000), part);
      long expected = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong(99_992);
      assertEquals(expected, reader.readLong(99_992));
      var e = assertThrows(EOFException.class, () -> reader.readLong(99_993));
      assertTrue(e.getMessage().contains("outside the file of size 100000"), e.getMessage());
    }
  }

  @Test
  void openPicksTheStrategyForSizeAndPattern() throws Exception {
    Path small = TestFiles.withContent(dir.resolve("small"), 4096);
    Path large = TestFiles.sparse(dir.resolve("large"), ReadStrategy.SEQUENTIAL_MMAP_THRESHOLD);
    try (FileReader r = FileReader.open(small, AccessPattern.SEQUENTIAL)) {
      assertEquals(ReadStrategy.PREAD, r.strategy());
    }
    try (FileReader r = FileReader.open(large, AccessPattern.SEQUENTIAL)) {
      assertEquals(ReadStrategy.MMAP, r.strategy());
    }
    try (FileReader r = FileReader.open(small, AccessPattern.RANDOM)) {
      assertEquals(ReadStrategy.MMAP, r.strategy());
    }
    Path empty = Files.createFile(dir.resolve("empty"));
    try (FileReader r = FileReader.open(empty, AccessPattern.RANDOM, ReadStrategy.MMAP)) {
      assertEquals(ReadStrategy.PREAD, r.strategy(), "nothing to map in an empty file");
      assertEquals(0, r.size());
    }
  }

  @Test
  void fallsBackToPreadWhenTheFileCannotBeMapped() throws Exception {
    // sysfs attributes are regular files of 4096 bytes that refuse mmap
    Path unmappable = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    assumeTrue(Files.isReadable(unmappable), "needs " + unmappable);
    try (FileReader r = FileReader.open(unmappable, AccessPattern.RANDOM, ReadStrategy.MMAP)) {
      assertEquals(ReadStrategy.PREAD, r.strategy());
      byte[] start = new byte[5];
      r.read(0, start);
      assertTrue(Files.readString(unmappable).startsWith(new String(start)), new String(start));
    }
  }

  @Test
  void missingFileAndDirectoryAreNamed() {
    Path missing = dir.resolve("nope");
    var e =
        assertThrows(
            java.nio.file.NoSuchFileException.class,
            () -> FileReader.open(missing, AccessPattern.RANDOM));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    var d =
        assertThrows(
            java.nio.file.FileSystemException.class,
            () -> FileReader.open(dir, AccessPattern.ONE_SHOT));
    assertTrue(d.getMessage().contains("is a directory"), d.getMessage());
  }
}
