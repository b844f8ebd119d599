package dev.mmapkit.ipc;

import static dev.mmapkit.ipc.RingBufferDescriptor.PID_NAMESPACES_OFFSET;
import static org.junit.jupiter.api.Assertions.*;

import dev.mmapkit.DiskFullException;
import dev.mmapkit.FileFormatException;
import dev.mmapkit.internal.FileHeader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RingBufferFormatTest {
  private TestRings rings;
  private Path path;

  @BeforeEach
  void setUp() throws Exception {
    rings = new TestRings();
    path = rings.path("ring");
  }

  @AfterEach
  void tearDown() throws Exception {
    rings.close();
  }

  private String openFails() {
    FileFormatException e = assertThrows(FileFormatException.class, () -> RingBuffers.open(path));
    assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
    return e.getMessage();
  }

  private void createRing() throws IOException {
    RingBuffers.createManyToOne(path, 4096).close();
  }

  /** Maps the file and lets the test change it. */
  private void edit(java.util.function.Consumer<MemorySegment> change) throws IOException {
    try (FileChannel channel =
            FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Arena arena = Arena.ofConfined()) {
      change.accept(channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size(), arena));
    }
  }

  @Test
  void corruptedHeaderIsRefused() throws Exception {
    createRing();
    edit(s -> s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 40, (byte) 0x55)); // capacity byte
    assertTrue(openFails().contains("corrupted header: checksum"));
  }

  @Test
  void aRingWithoutItsCreatorsPidNamespaceIsRefused() throws Exception {
    createRing();
    edit(s -> s.set(java.lang.foreign.ValueLayout.JAVA_LONG, PID_NAMESPACES_OFFSET, 0L));
    assertTrue(openFails().contains("no PID namespace recorded for its creator"));
  }

  @Test
  void anotherLayoutVersionIsRefused() throws Exception {
    createRing();
    edit(s -> FileHeader.createdNow("RING", 10, 4096, RingBufferDescriptor.MANY_TO_ONE).writeTo(s));
    assertTrue(openFails().contains("format version 10; this mmapkit reads version 9"));
  }

  /**
   * Version 1 consumers zeroed what they read and one-to-one producers relied on it: a version 1
   * producer with a newer consumer would deliver stale records again. Version 2 producers count
   * every claim in flight with atomic adds in 24-byte slots: a newer consumer would read their
   * counts at the wrong offsets. Version 3 processes mark a slot changing hands with -1 and would
   * take a version 4 process's mark (minus its identity) for a dead owner's pid. Version 4
   * consumers would pad a version 5 thread's claim whose payload comes before its header, and
   * version 4 producers record no claim where a version 5 consumer looks. Version 5 processes
   * neither count refusals in the slots nor add them up. Version 6 processes record no PID
   * namespace and would drop or unblock a live process of another container. Version 7 processes
   * would judge a producer slot held by its lock by pid, which two namespaces never free. Version 8
   * consumers register without resetting the consumer's liveness word, so a version 9 process would
   * judge a sleeping version 8 consumer by the lock of the consumer before it, which it does not
   * hold.
   */
  @ParameterizedTest(name = "version {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void anOlderRingIsRefused(int version) throws Exception {
    createRing();
    edit(
        s ->
            FileHeader.createdNow("RING", version, 4096, RingBufferDescriptor.MANY_TO_ONE)
                .writeTo(s));
    String message = openFails();
    assertTrue(
        message.contains("format version " + version + "; this mmapkit reads version 9"), message);
  }

  @Test
  void aFileOfAnotherKindIsRefused() throws Exception {
    createRing();
    edit(s -> FileHeader.createdNow("LOG ", 1, 4096).writeTo(s));
    assertTrue(openFails().contains("is a 'LOG' file, not a 'RING' file"));
  }

  @Test
  void aRingOfTheOtherTypeIsRefused() throws Exception {
    createRing();
    FileFormatException e =
        assertThrows(FileFormatException.class, () -> RingBuffers.openOneToOne(path));
    assertTrue(e.getMessage().contains("is a many-to-one ring, not a one-to-one ring"));
    RingBuffers.openManyToOne(path).close();
    Files.delete(path);
    RingBuffers.createOneToOne(path, 4096).close();
    e = assertThrows(FileFormatException.class, () -> RingBuffers.openManyToOne(path));
    assertTrue(e.getMessage().contains("is a one-to-one ring, not a many-to-one ring"));
    RingBuffers.openOneToOne(path).close();
  }

  @Test
  void anUnknownRingTypeInAValidHeaderIsRefused() throws Exception {
    createRing();
    edit(s -> FileHeader.createdNow("RING", RingBufferDescriptor.VERSION, 4096, 3).writeTo(s));
    assertTrue(openFails().contains("corrupted header: unknown ring type 3"));
    FileFormatException e =
        assertThrows(FileFormatException.class, () -> RingBuffers.readStats(path));
    assertTrue(e.getMessage().contains("unknown ring type 3"), e.getMessage());
  }

  @Test
  void truncatedFileIsRefused() throws Exception {
    createRing();
    try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
      file.setLength(RingBufferDescriptor.DATA_OFFSET + 1000);
    }
    String message = openFails();
    assertTrue(message.contains("truncated: file is 17384 bytes"), message);
    assertTrue(message.contains("needs 20480"), message);
  }

  @Test
  void fileShorterThanTheHeaderIsRefused() throws Exception {
    Files.write(path, new byte[100]);
    assertTrue(openFails().contains("file is 100 bytes, shorter than the 4096-byte header"));
  }

  @Test
  void notAnMmapkitFileIsRefused() throws Exception {
    Files.write(path, new byte[20_000]);
    assertTrue(openFails().contains("not an mmapkit file"));
  }

  @Test
  void impossibleCapacityInAValidHeaderIsRefused() throws Exception {
    createRing();
    edit(
        s ->
            FileHeader.createdNow(
                    "RING", RingBufferDescriptor.VERSION, 5000, RingBufferDescriptor.ONE_TO_ONE)
                .writeTo(s));
    assertTrue(openFails().contains("capacity must be a power of two"));
  }

  @Test
  void aCorruptedRecordLengthIsReportedWithTheFileAndPosition() throws Exception {
    for (int badLength : new int[] {5, 1 << 20}) {
      Files.deleteIfExists(path);
      createRing();
      try (RingBuffer ring = RingBuffers.open(path)) {
        assertTrue(ring.write(1, new byte[16]));
      }
      edit(
          s ->
              s.set(
                  java.lang.foreign.ValueLayout.JAVA_INT,
                  RingBufferDescriptor.DATA_OFFSET + RingBufferDescriptor.LENGTH_OFFSET,
                  badLength));
      try (RingBuffer ring = RingBuffers.open(path)) {
        for (int attempt = 0; attempt < 2; attempt++) { // the head stays: every read reports it
          var e =
              assertThrows(
                  java.io.UncheckedIOException.class,
                  () -> ring.read((type, buffer, offset, length) -> {}, 10));
          assertTrue(e.getCause() instanceof FileFormatException, e.toString());
          assertTrue(
              e.getMessage().contains(path + ": corrupted ring: record length " + badLength),
              e.getMessage());
        }
      }
    }
  }

  @Test
  void corruptedPositionsAreRefused() throws Exception {
    createRing();
    edit(
        s ->
            s.set(
                java.lang.foreign.ValueLayout.JAVA_LONG,
                RingBufferDescriptor.TAIL_POSITION_OFFSET,
                1L << 20));
    assertTrue(openFails().contains("corrupted positions: consumer at 0, producer at 1048576"));
  }

  @Test
  void missingFileAndExistingFileAreReported() throws Exception {
    assertThrows(NoSuchFileException.class, () -> RingBuffers.open(path));
    createRing();
    assertThrows(FileAlreadyExistsException.class, () -> RingBuffers.createOneToOne(path, 4096));
    try (var files = Files.list(rings.directory)) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void notEnoughSharedMemoryIsReportedWithTheNumbers() throws Exception {
    long usable = Files.getFileStore(rings.directory).getUsableSpace();
    long capacity = Long.highestOneBit(usable) << 1; // more than is free
    DiskFullException e =
        assertThrows(DiskFullException.class, () -> RingBuffers.createOneToOne(path, capacity));
    assertEquals(RingBufferDescriptor.fileSize(capacity), e.requestedBytes());
    assertTrue(e.usableBytes() < e.requestedBytes());
    assertTrue(e.getMessage().contains(" free"), e.getMessage());
    assertFalse(Files.exists(path));
  }

  @Test
  void badCapacitiesAreRefused() {
    for (long capacity : new long[] {0, 2048, 4095, 6000, 1L << 41}) {
      assertThrows(
          IllegalArgumentException.class, () -> RingBuffers.createOneToOne(path, capacity));
    }
  }
}
